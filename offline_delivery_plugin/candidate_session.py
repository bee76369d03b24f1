"""
The session a candidate's page starts with, or restarts with after a reload or on another device: the time, the
answers the server holds, the chain's anchor, and what a delivery file is made with.
"""
import time

from django.conf import settings
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import compat, keyring, proctoring
from offline_delivery_plugin.attempts import get_owned_attempt, record_of, waits_for_invigilator
from offline_delivery_plugin.chain import genesis_hash
from offline_delivery_plugin.course_settings import enabled_course_delivery_settings
from offline_delivery_plugin.data import CandidateSession
from offline_delivery_plugin.exceptions import AttemptNotInProgress, AttemptReopened
from offline_delivery_plugin.models import Reopening
from offline_delivery_plugin.safe_exam_browser import safe_exam_browser_for_page

__all__ = [
    'start_candidate_session',
]


def start_candidate_session(user, attempt_id):
    """
    The session the candidate page starts with (or restarts with after a reload or on another device).

    A reopened attempt that still waits for the invigilator password gets a *locked* session: the answers, the time
    and the messages, but none of what a delivery file is made with (the exam's key and key id, the attempt code,
    the candidate id, the password verifier). The page asks again once the invigilator has unlocked it.

    Raises:
        AttemptNotFound, AttemptNotInProgress, OfflineDeliveryDisabled
    """
    attempt = get_owned_attempt(user, attempt_id)
    if not proctoring.is_in_progress(attempt['status']):
        if Reopening.objects.filter(attempt_id=attempt_id, successor_attempt_id__isnull=True).exists():
            raise AttemptReopened(_('Your exam was opened for resubmission. Go back to the exam to continue it; an '
                                    'invigilator types the password on your screen.'))
        raise AttemptNotInProgress(_('This exam attempt is not in progress.'))
    exam = attempt['proctored_exam']
    delivery = enabled_course_delivery_settings(exam['course_id'])
    course_key = CourseKey.from_string(exam['course_id'])
    record = record_of(attempt['id'])
    locked = waits_for_invigilator(record)
    key = None if locked else keyring.get_active_exam_key(course_key, exam['content_id'])
    remaining = proctoring.get_exam_attempt_data(exam['id'], attempt['id'])['time_remaining_seconds']
    now_ms = int(time.time() * 1000)
    return CandidateSession(
        attempt_id=attempt['id'],
        attempt_code=None if locked else attempt['attempt_code'],
        course_id=exam['course_id'],
        content_id=exam['content_id'],
        exam_name=exam['exam_name'],
        candidate_id=None if locked else compat.get_anonymous_user_id(user, course_key),
        candidate_label=user.username,
        kid=key.kid if key else None,
        public_key_spki_b64=key.public_key_spki_b64 if key else None,
        password_verifier=None if locked else keyring.get_password_verifier(course_key, exam['content_id']),
        deadline_ms=now_ms + int(remaining) * 1000,
        server_time_ms=now_ms,
        autosave_interval_seconds=delivery.autosave_interval_seconds,
        connection_lost_after_seconds=settings.OFFLINE_DELIVERY_CONNECTION_LOST_AFTER_SECONDS,
        connection_lost_message=delivery.connection_lost_message,
        allow_deliver_blank=delivery.allow_deliver_blank,
        genesis_hash=genesis_hash(attempt['attempt_code']),
        acked_seq=record.last_save_seq or 0,
        acked_hash=record.last_save_hash or genesis_hash(attempt['attempt_code']),
        answers={answer.item_id: answer.value for answer in record.answers.all()},
        locked=locked,
        items=tuple(compat.get_exam_item_ids(user, course_key, exam['content_id'])),
        units=tuple(compat.get_exam_unit_ids(user, course_key, exam['content_id'])),
        allowed_seconds=int(attempt['allowed_time_limit_mins'] or exam['time_limit_mins'] or 0) * 60,
        safe_exam_browser=safe_exam_browser_for_page(course_key, exam['content_id']),
    )
