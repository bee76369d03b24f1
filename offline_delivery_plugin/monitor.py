"""
The invigilator Monitor: every candidate of an exam at a glance, the upload of a candidate's delivery file, and
the answers behind it, item by item.
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.attempts import attempt_deadline
from offline_delivery_plugin.audit import CHANNEL_MONITOR
from offline_delivery_plugin.data import AnswerRow, MonitorRow
from offline_delivery_plugin.deliveries import deliver_file, newest_deliveries
from offline_delivery_plugin.exams import PROCTORED_MODES, get_active_exam, get_attempt_at_exam
from offline_delivery_plugin.models import AttemptRecord, DeliveryFile, ItemAnswer
from offline_delivery_plugin.onsite_backend import is_onsite_exam
from offline_delivery_plugin.problems import readable_answers
from offline_delivery_plugin.safe_exam_browser import requires_safe_exam_browser

__all__ = [
    'STATES',
    'get_attempt_answers',
    'get_monitor',
    'upload_delivery_file',
]

#: What the Monitor says of a candidate, in the words of the exam hall.
NOT_STARTED = 'not_started'
WRITING = 'writing'
CONNECTION_LOST = 'connection_lost'
SUBMITTED_ONLINE = 'submitted_online'
DELIVERED_OFFLINE = 'delivered_offline'
#: Opened for resubmission: waiting for the candidate to continue, or for the invigilator password on their screen.
REOPENED = 'reopened'
#: At an exam proctored by on-site invigilation: the attempt is made and waits for an invigilator's check-in, or
#: the candidate is checked in and may start.
AWAITING_CHECK_IN = 'awaiting_check_in'
CHECKED_IN = 'checked_in'
STATES = (NOT_STARTED, AWAITING_CHECK_IN, CHECKED_IN, WRITING, CONNECTION_LOST, SUBMITTED_ONLINE, DELIVERED_OFFLINE,
          REOPENED)



def get_monitor(course_key, content_id, now=None):
    """
    Every candidate of the exam with what the hall needs: state, last save (time and sequence), last contact,
    time left and the receipt of a delivered file. A constant number of queries, whatever the hall's size.

    Candidates are the active enrollments that may take the exam (proctored exams: the verified-like tracks),
    plus anyone who has an attempt.
    """
    now = now or timezone.now()
    exam = get_active_exam(course_key, content_id)
    onsite = is_onsite_exam(exam)
    seb_required = requires_safe_exam_browser(course_key, exam['content_id'])
    lost_after = timedelta(seconds=settings.OFFLINE_DELIVERY_CONNECTION_LOST_AFTER_SECONDS)
    candidates = {
        candidate.user_id: candidate for candidate in compat.list_enrolled_candidates(course_key)
        if not exam['is_proctored'] or exam['is_practice_exam'] or candidate.mode in PROCTORED_MODES
    }
    attempts = {}
    for attempt in proctoring.Attempt.objects.filter(proctored_exam_id=exam['id']).order_by('id').values(
            'id', 'user_id', 'user__username', 'status', 'started_at', 'allowed_time_limit_mins',
            'ready_to_resume'):
        attempts[attempt['user_id']] = attempt  # the newest attempt per candidate wins
    # The exam's records by their (course, exam) index, not by a list of every attempt's id: a hall of thousands
    # would send thousands of ids on every refresh. Records of earlier attempts come along and are never looked up.
    exam_records = AttemptRecord.objects.filter(course_id=course_key, content_id=exam['content_id'])
    records = {
        record['attempt_id']: record for record in exam_records.values(
            'attempt_id', 'last_save_at', 'last_save_seq', 'last_contact_at', 'requires_unlock', 'unlocked_at',
            'seb_verdict')
    }
    receipts = {attempt_id: row['receipt'] for attempt_id, row in newest_deliveries(exam_records, 'receipt').items()}

    rows = []
    for user_id in sorted(set(candidates) | set(attempts), key=lambda uid: (
            candidates[uid].username if uid in candidates else attempts[uid]['user__username'])):
        candidate = candidates.get(user_id)
        attempt = attempts.get(user_id)
        record = records.get(attempt['id'], {}) if attempt else {}
        rows.append(MonitorRow(
            user_id=user_id,
            username=candidate.username if candidate else attempt['user__username'],
            full_name=candidate.full_name if candidate else '',
            mode=candidate.mode if candidate else '',
            state=_state(attempt, record, receipts, now, lost_after, onsite),
            attempt_id=attempt['id'] if attempt else None,
            proctoring_status=attempt['status'] if attempt else '',
            last_save_at=record.get('last_save_at'),
            last_save_seq=record.get('last_save_seq'),
            last_contact_at=record.get('last_contact_at'),
            seconds_left=_seconds_left(attempt, now),
            receipt=receipts.get(attempt['id'], '') if attempt else '',
            seb_verdict=record.get('seb_verdict', '') if seb_required else '',
        ))
    return exam, rows


#: At an on-site exam, what the hall's check-in makes of an attempt that has not started.
CHECK_IN_STATES = {**dict.fromkeys(proctoring.AWAITING_SETUP, AWAITING_CHECK_IN),
                   proctoring.Status.ready_to_start: CHECKED_IN}


def _state(attempt, record, receipts, now, lost_after, onsite):
    if attempt is None or proctoring.is_pre_started(attempt['status']):
        return CHECK_IN_STATES.get(attempt['status'], NOT_STARTED) if attempt and onsite else NOT_STARTED
    if attempt['ready_to_resume'] or (record.get('requires_unlock') and not record.get('unlocked_at')):
        return REOPENED
    if attempt['id'] in receipts:
        return DELIVERED_OFFLINE
    if proctoring.is_in_progress(attempt['status']):
        contact = record.get('last_contact_at') or attempt['started_at']
        return CONNECTION_LOST if contact and now - contact > lost_after else WRITING
    return SUBMITTED_ONLINE


def _seconds_left(attempt, now):
    if not attempt or not proctoring.is_in_progress(attempt['status']) or not attempt['started_at']:
        return None
    deadline = attempt_deadline(attempt['started_at'], attempt['allowed_time_limit_mins'])
    return max(0, int((deadline - now).total_seconds()))


def upload_delivery_file(data, course_key, content_id, attempt_id, uploader, ip_address=None, file_name='',
                         channel=CHANNEL_MONITOR):
    """
    Staff upload of a candidate's delivery file from the Monitor (or one file of a bulk upload, ``channel``
    ``bulk``): ``deliver_file`` with the staff channel, where a refusal names whose file it is. Audited by
    ``deliver_file`` whether accepted or refused.

    Raises:
        ExamNotFound, AttemptNotFound, DeliveryRefused (nothing changed; the refusal is audited).
    """
    get_attempt_at_exam(course_key, content_id, attempt_id)
    return deliver_file(data, attempt_id, uploader, DeliveryFile.CHANNEL_STAFF, reveal_owner=True,
                        ip_address=ip_address, file_name=file_name, audit_channel=channel)


def get_attempt_answers(course_key, content_id, attempt_id):
    """
    The attempt's answers item by item, in the order the candidate's page rendered them: the items of the last
    accepted file (what the candidate actually saw, randomised or not), else the exam's items for this candidate.
    Each row has the value the server holds beside the last online save, and why an item did not take an uploaded
    answer back, if it did not.
    """
    attempt = get_attempt_at_exam(course_key, content_id, attempt_id, with_user=True)
    answers = {a.item_id: a for a in ItemAnswer.objects.filter(record__attempt_id=attempt_id)}
    latest = DeliveryFile.objects.filter(record__attempt_id=attempt_id).order_by('-delivered_at', '-id').first()
    seen = list(latest.items) if latest is not None and latest.items else list(
        compat.get_exam_item_ids(attempt.user, course_key, content_id))
    not_applied = latest.not_applied if latest is not None else {}
    keys = []
    for item in seen:
        # An item with several fields has one answer per field, named ``item#field``.
        keys += [key for key in answers if key == item or key.startswith(f'{item}#')] or [item]
    keys += sorted(key for key in answers if key not in keys)
    names = compat.get_display_names(course_key, list(dict.fromkeys(key.partition('#')[0] for key in keys)))
    held, online = readable_answers(
        attempt.user, course_key, {key: answers[key].value for key in keys if key in answers},
        {key: answers[key].online_value for key in keys if key in answers and answers[key].online_value})
    fields_of = {}
    for key in keys:
        fields_of.setdefault(key.partition('#')[0], []).append(key)
    rows = []
    for key in keys:
        item, _sep, field = key.partition('#')
        answer = answers.get(key)
        # A problem's question names the field; a field is named only when its item has several and no question.
        label = names.get(item, item) if key in held or len(fields_of[item]) == 1 or not field else (
            f'{names.get(item, item)} ({field})')
        rows.append(AnswerRow(
            item_id=key, display_name=label,
            value=answer.value if answer else '',
            online_value=answer.online_value if answer else '',
            source=answer.source if answer else '',
            # Compared as read where the item is a problem: an untouched dropdown ("Select an option") or an empty
            # checkbox group in the file is no change from having saved nothing online.
            changed_offline=bool(answer and answer.source == ItemAnswer.SOURCE_FILE and (
                held[key].text != (online[key].text if key in online else '') if key in held
                else answer.value != answer.online_value)),
            not_applied=not_applied.get(item, ''),
            question=held[key].question if key in held else '',
            value_text=held[key].text if key in held else '',
            online_text=online[key].text if key in online else '',
        ))
    return rows
