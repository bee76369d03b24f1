"""
``api.delete_course_offline_delivery_data``: a host forgets what the plugin holds about one course (the sandbox's
demo reset), its stored files once the deletion is committed, and nothing of other courses, keys or passwords.
"""
from pathlib import Path

import pytest
from django.db import transaction

from offline_delivery_plugin import api
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, start_exam


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob('*') if path.is_file()] if media.exists() else []


@pytest.fixture
def exam_day(client, demo, django_capture_on_commit_callbacks):
    """An uploaded file, a reopening, a request and a report in the demo course; one audit event elsewhere."""
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        api.upload_delivery_file(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}),
                                 demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
        api.reopen_attempt(demo.course_key, demo.final_exam_id, attempt['id'], 5, 'Wi-Fi', demo.course_staff)
        api.create_exam_request(demo.verified_learner2, demo.course_key, demo.final_exam_id, 'additional_time')
        api.request_results_report(demo.course_key, demo.course_staff)
    return attempt


def test_the_course_is_forgotten_with_its_files(demo, other_course, exam_day, settings,
                                                django_capture_on_commit_callbacks):
    api.record_audit_event(other_course.course_key, 'password_set', 'ok', actor=other_course.staff)
    kids = [key.kid for key in api.list_exam_keys(demo.course_key)]
    assert stored_files(settings) and api.get_attempt_record(exam_day['id'])

    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.delete_course_offline_delivery_data(str(demo.course_key))

    assert deleted > 0
    assert api.get_attempt_record(exam_day['id']) is None
    assert api.list_course_requests(demo.course_key) == []
    assert api.list_results_reports(demo.course_key) == []
    assert list(api.list_audit_events(demo.course_key)) == []
    assert stored_files(settings) == []
    assert len(list(api.list_audit_events(other_course.course_key))) == 1
    assert [key.kid for key in api.list_exam_keys(demo.course_key)] == kids
    assert api.check_invigilator_password(demo.course_key, demo.final_exam_id, INVIGILATOR_PASSWORD)


def test_a_rolled_back_deletion_keeps_the_files(demo, exam_day, settings, django_capture_on_commit_callbacks):
    files = stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        api.delete_course_offline_delivery_data(demo.course_key)
        raise RuntimeError('the host failed after the deletion')
    assert callbacks == []
    assert stored_files(settings) == files
    assert api.get_attempt_record(exam_day['id']) is not None
