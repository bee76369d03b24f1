"""
On-site invigilation: the hall's check-in and the hall's review, for exams proctored by the on-site invigilation
backend (``onsite_backend``).

edx-proctoring moves a proctored attempt from ``created`` to ``ready_to_start`` only when its backend says the
proctoring setup is done (the proctoring software's callback); frontend-lib-special-exams will not start the exam
before that. In an exam hall the setup is people: an invigilator checks the candidate's identity and seat and
confirms them, by a click in the Monitor or by typing the invigilator password on the candidate's screen. That is
the check-in below, and the only thing that moves an on-site attempt to ``ready_to_start``.

The review is the hall's too: the chief invigilator records, per candidate, whether the exam went without incident
(Satisfactory), with an incident that voids it (Unsatisfactory), or with one that needs a second look by the course
team (second review). It goes into edx-proctoring as a provider's review goes (``proctoring.make_review``), so the
proctored results report, the learner's result and credit read it as they read any backend's.

docs/decisions/0015-on-site-invigilation-backend.rst says why.
"""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.attempts import lock_record, record_of, waits_for_invigilator
from offline_delivery_plugin.audit import CHANNEL_MONITOR, record_audit_event
from offline_delivery_plugin.exams import get_attempt_at_exam
from offline_delivery_plugin.exceptions import AttemptNotFound, CannotCheckIn, CannotReview
from offline_delivery_plugin.models import AuditEvent
from offline_delivery_plugin.onsite_backend import HALL_REVIEW_OUTCOMES, SATISFACTORY, SECOND_REVIEW, is_onsite_exam
from offline_delivery_plugin.password_gate import check_password_online

__all__ = [
    'NOTE_MAX',
    'check_in_from_monitor',
    'check_in_with_password',
    'get_check_in',
    'is_onsite_exam',
    'record_hall_review',
]

#: The longest incident note kept (in edx-proctoring's review comment and the audit trail).
NOTE_MAX = 1000
#: What a review may be recorded for: an attempt that is over.
REVIEWABLE = (proctoring.Status.submitted, proctoring.Status.second_review_required, proctoring.Status.verified,
              proctoring.Status.rejected, proctoring.Status.timed_out)


def _monitor_audit(course_key, content_id, attempt, actor, ip_address):
    """The audit fields of a Monitor action by ``actor`` on ``attempt`` (edx-proctoring's model instance)."""
    return {'course_key': course_key, 'content_id': content_id, 'attempt_id': attempt.id, 'actor': actor,
            'subject_id': attempt.user_id, 'ip_address': ip_address, 'channel': CHANNEL_MONITOR}


def get_check_in(user, attempt_id):
    """
    The candidate's own on-site attempt waiting for (or past) check-in, as ``{"attempt_id", "exam_name",
    "course_id", "content_id", "status", "checked_in"}``: what the check-in page shows.

    Raises:
        AttemptNotFound: no such attempt of ``user`` at an on-site exam.
    """
    attempt = proctoring.get_exam_attempt(attempt_id)
    if attempt is None or attempt['user']['id'] != user.id or not is_onsite_exam(attempt['proctored_exam']):
        raise AttemptNotFound(_('There is no such exam attempt of yours at an exam in a hall.'))
    exam = attempt['proctored_exam']
    return {'attempt_id': attempt['id'], 'exam_name': exam['exam_name'], 'course_id': exam['course_id'],
            'content_id': exam['content_id'], 'status': attempt['status'],
            'checked_in': attempt['status'] not in proctoring.AWAITING_SETUP}


def check_in_with_password(user, attempt_id, password, ip_address=None):
    """
    The invigilator types the exam's invigilator password on the candidate's screen: the candidate's attempt is
    ready to start. The password gate counts and audits every try (``password_gate``).

    Returns the attempt's status afterwards.

    Raises:
        AttemptNotFound, UnlockRefused (wrong password, too many tries), CannotCheckIn
    """
    check_in = get_check_in(user, attempt_id)
    if check_in['checked_in']:
        return check_in['status']
    audit = check_password_online(user, check_in['course_id'], check_in['content_id'], attempt_id, password,
                                  ip_address)
    return _check_in(attempt_id, audit)


def check_in_from_monitor(course_key, content_id, attempt_id, invigilator, ip_address=None):
    """
    An invigilator confirms the candidate from the Monitor: their attempt at this on-site exam is ready to start.

    Returns the attempt's status afterwards.

    Raises:
        ExamNotFound, AttemptNotFound, CannotCheckIn
    """
    attempt = get_attempt_at_exam(course_key, content_id, attempt_id)
    audit = _monitor_audit(course_key, content_id, attempt, invigilator, ip_address)
    if not is_onsite_exam(proctoring.get_exam_by_id(attempt.proctored_exam_id)):
        record_audit_event(kind='check_in', outcome=AuditEvent.REFUSED, reason='not_onsite', **audit)
        raise CannotCheckIn(_('This exam is not proctored by on-site invigilation: there is nobody to check in.'))
    return _check_in(attempt.id, audit)


def _check_in(attempt_id, audit):
    """
    Move the attempt to ready_to_start, decided under its row lock; a check-in of one already in (or started) is a
    no-op. The check-in of an attempt that continues a reopened one is also its unlock (decision 0015): the
    invigilator confirms the candidate once, not at the check-in and again on the unit. A refusal is audited after
    the transaction, so that it stays.
    """
    record_of(attempt_id)  # the plugin's record, which says whether the attempt continues a reopened one
    with transaction.atomic():
        attempt = proctoring.lock_attempt(attempt_id)
        if attempt is None:
            raise AttemptNotFound(_('This candidate has no attempt at this exam.'))
        status = attempt['status']
        if status in proctoring.AWAITING_SETUP:
            proctoring.mark_exam_attempt_as_ready(attempt_id)
            record = lock_record(attempt_id)
            if waits_for_invigilator(record):
                record.unlocked_at = timezone.now()
                record.save(update_fields=['unlocked_at'])
                audit = {**audit, 'unlocked_reopened': True}
            record_audit_event(kind='check_in', outcome=AuditEvent.OK, **audit)
            return proctoring.Status.ready_to_start
    if status in (proctoring.Status.ready_to_start, *proctoring.IN_PROGRESS):
        return status
    record_audit_event(kind='check_in', outcome=AuditEvent.REFUSED, reason='status', status=status, **audit)
    raise CannotCheckIn(_('Only a candidate who has not started can be checked in; this attempt is '
                          '{status}.').format(status=status))


def record_hall_review(course_key, content_id, attempt_id, outcome, note, reviewer, ip_address=None):
    """
    The chief invigilator's incident record for one candidate, as edx-proctoring's review of the attempt:
    ``satisfactory`` (no incident: the attempt is verified), ``unsatisfactory`` (an incident that voids it:
    rejected) or ``second_review`` (an incident for the course team to judge: second review required). Decided
    under the attempt's row lock; a later record replaces the earlier one where the site allows review updates
    (edx-proctoring's ``ALLOW_REVIEW_UPDATES``, on by default).

    Returns the attempt's status afterwards.

    Raises:
        ExamNotFound, AttemptNotFound, CannotReview
    """
    exam_attempt = get_attempt_at_exam(course_key, content_id, attempt_id)
    note = (note or '').strip()[:NOTE_MAX]
    audit = _monitor_audit(course_key, content_id, exam_attempt, reviewer, ip_address)
    exam = proctoring.get_exam_by_id(exam_attempt.proctored_exam_id)
    refusal = ''
    if outcome not in HALL_REVIEW_OUTCOMES:
        refusal, message = 'outcome', _('Choose satisfactory, unsatisfactory or second review.')
    elif not is_onsite_exam(exam):
        refusal, message = 'not_onsite', _('This exam is not proctored by on-site invigilation.')
    elif outcome != SATISFACTORY and not note:
        refusal, message = 'note', _('Say what happened: an incident needs a note.')
    if refusal:
        record_audit_event(kind='hall_review', outcome=AuditEvent.REFUSED, reason=refusal, **audit)
        raise CannotReview(message)
    # The reviewer's e-mail makes edx-proctoring record who reviewed, and an unsatisfactory record by a person is
    # final (rejected); a second review is asked for by leaving the reviewer out, which edx-proctoring answers with
    # second_review_required (REQUIRE_FAILURE_SECOND_REVIEWS, on by default). Who recorded it is in the audit trail
    # either way.
    payload = {'outcome': outcome, 'note': note, 'recorded_by': reviewer.username}
    if outcome != SECOND_REVIEW and reviewer.email and \
            get_user_model().objects.filter(email=reviewer.email).count() == 1:  # edx-proctoring looks it up
        payload['reviewed_by'] = reviewer.email
    with transaction.atomic():
        attempt = proctoring.lock_attempt(exam_attempt.id)
        if attempt is not None and attempt['status'] in REVIEWABLE:
            try:
                proctoring.make_review(proctoring.get_exam_attempt(exam_attempt.id), payload,
                                       proctoring.get_backend_provider(exam))
            except proctoring.ProctoredExamReviewAlreadyExists as error:
                raise CannotReview(_('This attempt has a review already, and this site does not allow changing '
                                     'it.')) from error
            record_audit_event(kind='hall_review', outcome=AuditEvent.OK, result=outcome, note_chars=len(note),
                               **audit)
            return proctoring.lock_attempt(exam_attempt.id)['status']
    if attempt is None:
        raise AttemptNotFound(_('This candidate has no attempt at this exam.'))
    status = attempt['status']
    record_audit_event(kind='hall_review', outcome=AuditEvent.REFUSED, reason='status', status=status, **audit)
    raise CannotReview(_('Only a submitted attempt can be reviewed; this one is {status}.').format(status=status))
