"""
Opening an attempt for resubmission (flow D), and letting the candidate continue only after the invigilator
password is typed. The design is docs/decisions/0007-reopening-through-edx-proctorings-resume.rst: the submitted
attempt goes to edx-proctoring's ``error`` state and is made ready to resume, so the candidate's next start creates
a successor attempt with the remaining time; when the plugin first records it (``attempts``), it carries the answers
over and locks it until an invigilator unlocks it here.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.attempts import attempt_deadline, lock_record, waits_for_invigilator
from offline_delivery_plugin.audit import CHANNEL_MONITOR, record_audit_event
from offline_delivery_plugin.exams import get_attempt_at_exam
from offline_delivery_plugin.exceptions import AttemptNotFound, CannotReopen
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, Reopening
from offline_delivery_plugin.password_gate import check_password_online

__all__ = [
    'MAX_EXTRA_MINUTES',
    'REASON_MAX',
    'reopen_attempt',
    'suggest_extra_minutes',
    'unlock_attempt',
]

#: The most extra minutes a reopening gives, and the longest reason kept for the audit trail.
MAX_EXTRA_MINUTES = 600
REASON_MAX = 500

def suggest_extra_minutes(course_key, content_id, attempt_id):
    """
    The time the candidate spent without a connection before the attempt ended (last contact to completion),
    rounded up to whole minutes: the Monitor's suggestion for extra time. 0 when there was no such gap.

    Raises:
        ExamNotFound, AttemptNotFound: the attempt is not one at this exam of this course.
    """
    attempt = get_attempt_at_exam(course_key, content_id, attempt_id)
    record = AttemptRecord.objects.filter(attempt_id=attempt_id).values('last_contact_at').first()
    if not attempt.completed_at:
        return 0
    last_contact = (record or {}).get('last_contact_at') or attempt.started_at
    gap = (attempt.completed_at - last_contact).total_seconds() if last_contact else 0
    return max(0, int((gap + 59) // 60)) if gap > 60 else 0


def reopen_attempt(course_key, content_id, attempt_id, extra_minutes, reason, reopened_by, ip_address=None):
    """
    Open a submitted (or timed-out) attempt for resubmission with the time it had left plus ``extra_minutes``.
    Decided under the attempt's row lock: a delivery file or a second reopening racing this one waits for it.

    Raises:
        AttemptNotFound, CannotReopen: nothing changed.
    """
    exam_attempt = get_attempt_at_exam(course_key, content_id, attempt_id)
    if not isinstance(extra_minutes, int) or isinstance(extra_minutes, bool) or not \
            0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        raise CannotReopen(_('Extra time must be a whole number of minutes from 0 to {max}.').format(
            max=MAX_EXTRA_MINUTES))
    with transaction.atomic():
        attempt = proctoring.lock_attempt(exam_attempt.id)
        if attempt is None:
            raise AttemptNotFound(_('This candidate has no attempt at this exam.'))
        if attempt['status'] not in proctoring.REOPENABLE:
            raise CannotReopen(_('Only a submitted or timed-out attempt can be opened for resubmission; this one is '
                                 '{status}.').format(status=attempt['status']))
        deadline = attempt_deadline(attempt['started_at'], attempt['allowed_time_limit_mins'])
        left = max(0, int((deadline - (attempt['completed_at'] or timezone.now())).total_seconds()))
        seconds = left + extra_minutes * 60
        if seconds < 60:
            raise CannotReopen(_('The attempt had no time left: give some extra minutes.'))
        # edx-proctoring's own resume path: a completed attempt goes to "error", becomes ready to resume, and the
        # candidate's next start creates the attempt that continues it with the time stored here.
        proctoring.update_attempt_status(attempt['id'], proctoring.Status.error, cascade_effects=False)
        proctoring.update_exam_attempt(attempt['id'], time_remaining_seconds=seconds)
        proctoring.mark_exam_attempt_as_ready_to_resume(attempt['id'])
        Reopening.objects.create(attempt_id=attempt['id'], course_id=course_key, content_id=content_id,
                                 user_id=attempt['user_id'], reopened_by=reopened_by, extra_minutes=extra_minutes,
                                 seconds_granted=seconds, reason=(reason or '')[:REASON_MAX])
        record_audit_event(course_key, 'reopen', AuditEvent.OK, actor=reopened_by, subject_id=attempt['user_id'],
                           content_id=content_id, attempt_id=attempt['id'], ip_address=ip_address,
                           channel=CHANNEL_MONITOR, extra_minutes=extra_minutes, seconds_granted=seconds,
                           reason=(reason or '')[:REASON_MAX])
    return seconds


def unlock_attempt(user, attempt_id, password, ip_address=None):
    """
    The invigilator types the password on the candidate's screen to let a reopened attempt continue. Checked on
    the server, limited per attempt and per client address, and audited (never the password itself).

    Each try is counted before the password is checked, so parallel guesses cannot get past the limit
    (``password_gate``).

    Raises:
        AttemptNotFound, UnlockRefused
    """
    record = AttemptRecord.objects.filter(attempt_id=attempt_id, user=user).first()
    if record is None:
        raise AttemptNotFound(_('There is no such exam attempt of yours.'))
    if not waits_for_invigilator(record):
        return
    audit = check_password_online(user, record.course_id, record.content_id, attempt_id, password, ip_address)
    with transaction.atomic():
        proctoring.lock_attempt(attempt_id)
        record = lock_record(attempt_id)
        if not waits_for_invigilator(record):
            return
        record.unlocked_at = timezone.now()
        record.save(update_fields=['unlocked_at'])
        record_audit_event(kind='password', outcome=AuditEvent.OK, **audit)
