"""
The sweeper: attempts whose time ran out while nobody looked are timed out once the grace for files still on their
way has passed; within the grace a late file is still accepted.
"""
from datetime import timedelta

import pytest
from django.utils import timezone
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import DeliveryRefused
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, start_exam


def test_the_sweeper_times_out_what_ran_out_after_the_grace(client, demo, settings):
    settings.OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES = 30
    long_ago = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    just_now = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    running = start_exam(client, demo.verified_learner, demo.course_key, demo.timed_exam_id, proctored=False)
    late_file = delivery_file(demo.verified_learner2, just_now, {CONTROL_WORD: 'late'})
    too_late_file = delivery_file(demo.verified_learner, long_ago, {CONTROL_WORD: 'too late'})
    now = timezone.now()
    ProctoredExamStudentAttempt.objects.filter(id=long_ago['id']).update(started_at=now - timedelta(minutes=95))
    ProctoredExamStudentAttempt.objects.filter(id=just_now['id']).update(started_at=now - timedelta(minutes=70))
    assert api.finalise_expired_attempts(now=now) == 1
    statuses = dict(ProctoredExamStudentAttempt.objects.values_list('id', 'status'))
    # edx-proctoring carries a timed-out attempt on to submitted, as when the learner's page reads it.
    assert (statuses[long_ago['id']], statuses[just_now['id']], statuses[running['id']]) == (
        'submitted', 'started', 'started')
    # Within the grace a file still on its way is accepted (edx-proctoring submitted the attempt when the clock
    # ran out); after the grace the attempt must be opened for resubmission first.
    receipt = api.deliver_file(late_file, just_now['id'], demo.invigilator, 'staff')
    assert receipt.already_delivered is False
    with pytest.raises(DeliveryRefused) as caught:
        api.deliver_file(too_late_file, long_ago['id'], demo.invigilator, 'staff')
    assert caught.value.reason == 'closed'
    assert api.finalise_expired_attempts(now=now) == 0
