"""
Learners' requests about an exam (additional time, a special allowance, a retake) and course staff's decisions,
which become edx-proctoring allowances or a cleared attempt. What the proctored-exam guide sends to "edX Support",
done self-service and audited. Reached through ``api``.
"""
import csv
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.audit import record_audit_event
from offline_delivery_plugin.data import AllowanceLineResult, ExamRequestData, LearnerExam
from offline_delivery_plugin.exams import PROCTORED_MODES, get_active_exam
from offline_delivery_plugin.exceptions import ExamNotFound, RequestRefused
from offline_delivery_plugin.models import AuditEvent, ExamRequest, Reopening

REASON_MAX = 1000
ALLOWANCE_TEXT_MAX = 1000
MINUTES_RANGE = (1, 600)
MULTIPLIER_RANGE = (1.05, 5.0)
__all__ = [
    'ALLOWANCE_TEXT_MAX',
    'CSV_MAX_BYTES',
    'REASON_MAX',
    'add_allowances_from_csv',
    'create_exam_request',
    'decide_exam_request',
    'get_learner_exam',
    'has_pending_allowance_request',
    'list_course_requests',
    'list_learner_requests',
    'withdraw_exam_request',
]

CSV_MAX_LINES = 5000
CSV_MAX_BYTES = 1024 * 1024



def _exam_for_request(course_key, content_id):
    """The active exam, refused in the words of a learner's request when there is none."""
    try:
        return get_active_exam(course_key, content_id)
    except ExamNotFound as error:
        raise RequestRefused(_('This course has no such exam.')) from error


def _kind_names():
    return {
        ExamRequest.ADDITIONAL_TIME: _('additional time'),
        ExamRequest.SPECIAL_ALLOWANCE: _('a special allowance'),
        ExamRequest.RETAKE: _('a retake'),
    }


def _data(row, exam_names, names):
    user = row.user
    allowed = ''
    if row.kind == ExamRequest.ADDITIONAL_TIME and row.status == ExamRequest.APPROVED:
        exam = proctoring.get_exam_by_id(row.exam_id)
        allowed = proctoring.get_total_allowed_time_for_exam(exam, user.id)
    return ExamRequestData(
        request_id=row.id, course_id=str(row.course_id), content_id=row.content_id,
        exam_name=exam_names.get(row.exam_id, row.content_id), username=user.username,
        full_name=names.get(user.id, ''), kind=row.kind, reason=row.reason, status=row.status,
        created=row.created, decided_by=row.decided_by.username if row.decided_by else '',
        decided_at=row.decided_at, granted=row.granted, decision_note=row.decision_note, allowed_time=allowed,
        minutes_requested=row.minutes_requested,
    )


def _as_data(rows, course_key):
    rows = list(rows)
    exam_names = {exam['id']: exam['exam_name']
                  for exam in proctoring.get_all_exams_for_course(str(course_key), active_only=False)}
    names = {c.user_id: c.full_name for c in compat.list_enrolled_candidates(course_key)}
    return [_data(row, exam_names, names) for row in rows]


def create_exam_request(user, course_key, content_id, kind, reason='', minutes=None):
    """
    A learner asks for additional time, a special allowance or a retake of one exam; for additional time they may
    say how many extra minutes they need (``minutes``; course staff decide what is given).

    Raises:
        RequestRefused: not enrolled, no such exam, an unknown kind, a reason too long, minutes out of range, the
            same request already pending, an allowance asked after starting, or a retake without a finished attempt.
    """
    if kind not in ExamRequest.KINDS:
        raise RequestRefused(_('Ask for additional time, a special allowance or a retake.'))
    if kind != ExamRequest.ADDITIONAL_TIME:
        minutes = None
    elif minutes is not None:
        low, high = MINUTES_RANGE
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
            raise RequestRefused(_('Extra minutes must be a whole number from {low} to {high}.').format(
                low=low, high=high))
    if not isinstance(reason, str) or len(reason) > REASON_MAX:
        raise RequestRefused(_('Say why in at most {count} characters.').format(count=REASON_MAX))
    mode = compat.get_enrollment_mode(user, course_key)
    if not mode:
        raise RequestRefused(_('You are not enrolled in this course.'))
    exam = _exam_for_request(course_key, content_id)
    if exam['is_proctored'] and not exam['is_practice_exam'] and mode not in PROCTORED_MODES:
        raise RequestRefused(_('This exam is not part of your track in this course.'))
    attempt = proctoring.get_current_exam_attempt(exam['id'], user.id)
    attempt_id = None
    if kind == ExamRequest.RETAKE:
        if attempt is None or attempt['status'] not in proctoring.FINISHED:
            raise RequestRefused(_('A retake can be asked for once your attempt at this exam is over.'))
        attempt_id = attempt['id']
    elif attempt is not None and not proctoring.may_still_get_allowance(attempt['status']):
        raise RequestRefused(_('You have already started this exam: ask the course team directly.'))
    with transaction.atomic():
        # Lock the learner's requests for this exam so that two clicks make one request.
        pending = ExamRequest.objects.select_for_update().filter(user=user, exam_id=exam['id'], kind=kind,
                                                                 status=ExamRequest.PENDING)
        if pending.exists():
            raise RequestRefused(_('You have already asked for {kind}; the course team will answer.').format(
                kind=_kind_names()[kind]))
        row = ExamRequest.objects.create(course_id=course_key, content_id=content_id, exam_id=exam['id'],
                                         user=user, kind=kind, reason=reason.strip(), attempt_id=attempt_id,
                                         minutes_requested=minutes)
        record_audit_event(course_key, f'request_{kind}', AuditEvent.OK, actor=user, subject_id=user.id,
                           content_id=content_id, attempt_id=attempt_id, request_id=row.id)
    return _as_data([row], course_key)[0]


def withdraw_exam_request(user, course_key, request_id):
    """The learner withdraws a pending request of theirs. Raises RequestRefused when there is none."""
    with transaction.atomic():
        row = ExamRequest.objects.select_for_update().filter(
            id=request_id, user=user, course_id=course_key, status=ExamRequest.PENDING).first()
        if row is None:
            raise RequestRefused(_('There is no pending request of yours with this number.'))
        row.status = ExamRequest.WITHDRAWN
        row.decided_at = timezone.now()
        row.save(update_fields=['status', 'decided_at'])
        record_audit_event(course_key, f'request_{row.kind}', 'withdrawn', actor=user, subject_id=user.id,
                           content_id=row.content_id, request_id=row.id)


def list_learner_requests(user, course_key, content_id=None):
    """The learner's own requests in the course (optionally of one exam), newest first."""
    rows = ExamRequest.objects.filter(user=user, course_id=course_key).select_related('user', 'decided_by')
    if content_id:
        rows = rows.filter(content_id=content_id)
    return _as_data(rows.order_by('-created', '-id'), course_key)


def list_course_requests(course_key, pending_only=False):
    """The course's requests for staff, pending first, then newest first."""
    rows = ExamRequest.objects.filter(course_id=course_key).select_related('user', 'decided_by')
    if pending_only:
        rows = rows.filter(status=ExamRequest.PENDING)
    rows = sorted(rows, key=lambda row: (row.status != ExamRequest.PENDING, -row.created.timestamp(), -row.id))
    return _as_data(rows, course_key)


def get_learner_exam(user, course_key, content_id):
    """
    The learner's view of one exam: their allowed time (allowances included), the review rules they will be held
    to, their attempt's status, what they may still ask for, and their requests.

    Raises:
        RequestRefused: no such active exam in the course.
    """
    exam = _exam_for_request(course_key, content_id)
    attempt = proctoring.get_current_exam_attempt(exam['id'], user.id)
    try:
        rules = proctoring.get_review_policy_by_exam_id(exam['id'])['review_policy']
    except proctoring.ProctoredExamReviewPolicyNotFoundException:
        rules = ''
    status = attempt['status'] if attempt else ''
    if exam['is_practice_exam']:
        exam_type = 'practice'
    else:
        exam_type = 'proctored' if exam['is_proctored'] else 'timed'
    return LearnerExam(
        course_id=str(course_key), content_id=content_id, exam_name=exam['exam_name'], exam_type=exam_type,
        allowed_time=proctoring.get_total_allowed_time_for_exam(exam, user.id),
        review_rules=rules if exam['is_proctored'] else '', attempt_status=status,
        may_ask_allowance=not attempt or proctoring.may_still_get_allowance(status),
        may_ask_retake=status in proctoring.FINISHED,
        has_pending_allowance_request=has_pending_allowance_request(user.id, exam['id']),
        requests=list_learner_requests(user, course_key, content_id),
        review_result=_review_result(exam, attempt),
    )


def _review_result(exam, attempt):
    """The proctored session result of a finished proctored attempt, in the guide's words, or ''."""
    if not (attempt and exam['is_proctored'] and attempt['taking_as_proctored']):
        return ''
    return {
        proctoring.Status.submitted: _('Pending (the review is not finished yet)'),
        proctoring.Status.second_review_required: _('Pending (the review is not finished yet)'),
        proctoring.Status.verified: _('Satisfactory'),
        proctoring.Status.rejected: _('Unsatisfactory'),
    }.get(attempt['status'], '')


def has_pending_allowance_request(user_id, exam_id):
    """True while the learner waits for a decision on additional time or a special allowance for the exam."""
    return ExamRequest.objects.filter(
        user_id=user_id, exam_id=exam_id, status=ExamRequest.PENDING,
        kind__in=(ExamRequest.ADDITIONAL_TIME, ExamRequest.SPECIAL_ALLOWANCE),
    ).exists()


def _minutes_from(exam, minutes, multiplier):
    """Whole extra minutes from either minutes or a multiplier of the exam's time; raises RequestRefused."""
    if (minutes is None) == (multiplier is None):
        raise RequestRefused(_('Give either extra minutes or a time multiplier.'))
    if minutes is not None:
        low, high = MINUTES_RANGE
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
            raise RequestRefused(_('Extra minutes must be a whole number from {low} to {high}.').format(
                low=low, high=high))
        return minutes
    low, high = MULTIPLIER_RANGE
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float)) or not low <= multiplier <= high:
        raise RequestRefused(_('The multiplier must be from {low} to {high} (1.5 gives half the time again).').format(
            low=low, high=high))
    return max(1, round(exam['time_limit_mins'] * (multiplier - 1)))


def decide_exam_request(course_key, request_id, decided_by, approve, minutes=None, multiplier=None,
                        allowance_text='', note='', confirm_clearing=False, ip_address=None):
    """
    Course staff approve or deny a learner's request, all or nothing.

    Approving additional time sets edx-proctoring's additional-time allowance to ``minutes`` (or the exam's
    time * (``multiplier`` - 1)); a special allowance becomes its review-policy exception with ``allowance_text``
    for reviewers; a retake clears the attempt in edx-proctoring, deleting its answers, and needs
    ``confirm_clearing``. Audited either way.

    Raises:
        RequestRefused: no such pending request, a missing or bad value, or a retake not confirmed.
    """
    if not isinstance(note, str) or len(note) > REASON_MAX:
        raise RequestRefused(_('The note may be at most {count} characters.').format(count=REASON_MAX))
    with transaction.atomic():
        # Only the request's row is locked: FOR UPDATE with the user joined would lock the learner's user row too,
        # which a reopening of their attempt needs for its own insert (MariaDB: a deadlock, found by the race test).
        row = ExamRequest.objects.select_for_update().filter(
            id=request_id, course_id=course_key, status=ExamRequest.PENDING).first()
        if row is None:
            raise RequestRefused(_('There is no pending request with this number in this course.'))
        detail = {'request_id': row.id}
        granted = ''
        if approve:
            granted = _grant(row, minutes, multiplier, allowance_text, confirm_clearing, decided_by)
            detail['granted'] = granted if row.kind == ExamRequest.ADDITIONAL_TIME else ''
        row.status = ExamRequest.APPROVED if approve else ExamRequest.DENIED
        row.decided_by, row.decided_at = decided_by, timezone.now()
        row.granted, row.decision_note = granted, note.strip()
        row.save(update_fields=['status', 'decided_by', 'decided_at', 'granted', 'decision_note'])
        record_audit_event(course_key, f'request_{row.kind}', row.status, actor=decided_by, subject_id=row.user_id,
                           content_id=row.content_id, attempt_id=row.attempt_id, ip_address=ip_address, **detail)
    return _as_data([row], course_key)[0]


def _grant(row, minutes, multiplier, allowance_text, confirm_clearing, decided_by):
    exam = proctoring.get_exam_by_id(row.exam_id)
    if row.kind == ExamRequest.ADDITIONAL_TIME:
        # edx-proctoring keeps one additional-time allowance per learner and exam: the total extra minutes.
        extra = _minutes_from(exam, minutes, multiplier)
        proctoring.add_allowance_for_user(row.exam_id, row.user.username,
                                              proctoring.ADDITIONAL_TIME_GRANTED, str(extra))
        return _('{minutes} extra minutes').format(minutes=extra)
    if row.kind == ExamRequest.SPECIAL_ALLOWANCE:
        text = (allowance_text or '').strip()
        if not text or len(text) > ALLOWANCE_TEXT_MAX:
            raise RequestRefused(_('Write the allowance for the reviewers (at most {count} characters).').format(
                count=ALLOWANCE_TEXT_MAX))
        proctoring.add_allowance_for_user(row.exam_id, row.user.username,
                                              proctoring.REVIEW_POLICY_EXCEPTION, text)
        return text
    if not confirm_clearing:
        raise RequestRefused(_('Clearing the attempt deletes all its answers: confirm it to approve the retake.'))
    if row.attempt_id:
        with transaction.atomic():
            # Under the attempt's row lock (``attempts``): a reopening or a file racing the clearing waits, then
            # finds no attempt to change; a reopening that came first is not undone by it.
            if proctoring.lock_attempt(row.attempt_id) is not None:
                if Reopening.objects.filter(attempt_id=row.attempt_id, successor_attempt_id__isnull=True).exists():
                    raise RequestRefused(_('This attempt was opened for resubmission meanwhile: decide the retake '
                                           'once the learner has finished it.'))
                proctoring.remove_exam_attempt(row.attempt_id, decided_by, require_backend_removal=False)
    return _('The attempt was cleared; the learner can take the exam again.')


def add_allowances_from_csv(course_key, data, added_by, ip_address=None):
    """
    Bulk allowances from a CSV with the header ``user,exam,type,value``: ``user`` a username or email of an
    enrolled learner, ``exam`` the exam's name or content id, ``type`` one of ``additional_time`` (minutes),
    ``time_multiplier`` (e.g. 1.5) or ``special_allowance`` (text for reviewers).

    Each line is applied on its own (all of it or none of it) and gets a result; a bad line changes nothing.

    Raises:
        RequestRefused: the file itself is unreadable, too large, or has the wrong header.
    """
    if len(data) > CSV_MAX_BYTES:
        raise RequestRefused(_('The CSV file is larger than {size} bytes.').format(size=CSV_MAX_BYTES))
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise RequestRefused(_('The CSV file must be UTF-8 text.')) from error
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise RequestRefused(_('The CSV file is empty.')) from error
    if header != ['user', 'exam', 'type', 'value']:
        raise RequestRefused(_('The first line must be: user,exam,type,value'))
    exams = proctoring.get_all_exams_for_course(str(course_key), active_only=True)
    enrolled = {c.user_id for c in compat.list_enrolled_candidates(course_key)}
    results = []
    try:
        for number, cells in enumerate(reader, start=2):
            if number > CSV_MAX_LINES + 1:
                raise RequestRefused(_('At most {count} lines at once.').format(count=CSV_MAX_LINES))
            if not any(cell.strip() for cell in cells):
                continue
            results.append(_allowance_line(course_key, number, cells, exams, enrolled, added_by, ip_address))
    except csv.Error as error:
        results.append(AllowanceLineResult(line=reader.line_num, ok=False,
                                           message=_('Unreadable line: {error}').format(error=error)))
    return results


def _allowance_line(course_key, number, cells, exams, enrolled, added_by, ip_address):
    def fail(message):
        return AllowanceLineResult(line=number, ok=False, message=message)

    if len(cells) != 4:
        return fail(_('Expected 4 values: user,exam,type,value.'))
    who, exam_ref, kind, value = (cell.strip() for cell in cells)
    user = get_user_model().objects.filter(Q(username=who) | Q(email__iexact=who)).first() if who else None
    if user is None or user.id not in enrolled:
        return fail(_('"{user}" is not a learner enrolled in this course.').format(user=who))
    matches = [exam for exam in exams if exam_ref in (exam['content_id'], exam['exam_name'])]
    if len(matches) != 1:
        return fail(_('"{exam}" names no single exam of this course.').format(exam=exam_ref))
    exam = matches[0]
    try:
        with transaction.atomic():
            if kind == 'special_allowance':
                if not value or len(value) > ALLOWANCE_TEXT_MAX:
                    raise RequestRefused(_('Write the allowance for the reviewers (at most {count} characters).')
                                         .format(count=ALLOWANCE_TEXT_MAX))
                proctoring.add_allowance_for_user(exam['id'], user.username,
                                                      proctoring.REVIEW_POLICY_EXCEPTION, value)
                done = _('Special allowance for {user} in "{exam}".').format(
                    user=user.username, exam=exam['exam_name'])
            elif kind in ('additional_time', 'time_multiplier'):
                number_value = _number(value, integer=kind == 'additional_time')
                extra = _minutes_from(exam, *((number_value, None) if kind == 'additional_time'
                                              else (None, number_value)))
                proctoring.add_allowance_for_user(exam['id'], user.username,
                                                      proctoring.ADDITIONAL_TIME_GRANTED,
                                                      str(extra))
                done = _('{minutes} extra minutes for {user} in "{exam}".').format(
                    minutes=extra, user=user.username, exam=exam['exam_name'])
            else:
                raise RequestRefused(_('The type must be additional_time, time_multiplier or special_allowance.'))
            record_audit_event(course_key, 'allowance', AuditEvent.OK, actor=added_by, subject_id=user.id,
                               content_id=exam['content_id'], ip_address=ip_address, type=kind, source='csv')
    except RequestRefused as refusal:
        return fail(refusal.user_message)
    return AllowanceLineResult(line=number, ok=True, message=done)


def _number(value, integer):
    try:
        return int(value) if integer else float(value)
    except ValueError as error:
        raise RequestRefused(_('"{value}" is not a number.').format(value=value)) from error
