"""
The candidate's side on the server: the session a page starts with, and the snapshots it saves.

A snapshot is sent as a *link* and the answers it covers::

    link = JSON text of [seq, prev, time_ms, sha256(answers_json), changed_item_ids]
    hash(link) = sha256 of the link text

``prev`` is the hash of the page's previous link (the first one points to the attempt's genesis hash), so the
links form a hash chain that a delivery file carries back to the last snapshot the server acknowledged. The
server stores the newest snapshot it has seen and never goes back: an older, repeated or late snapshot changes
nothing and is answered with what the server holds.
"""
import json
import time

import crum
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import compat, keyring
from offline_delivery_plugin.attempt_locks import IN_PROGRESS, attempt_deadline, lock_attempt, waits_for_invigilator
from offline_delivery_plugin.audit import CHANNEL_AUTOSAVE, record_audit_event
from offline_delivery_plugin.crypto.envelope import MAX_SAFE_INTEGER, MAX_SEQ, EnvelopeError, sha256_hex, strict_json
from offline_delivery_plugin.data import CandidateSession, SaveAck
from offline_delivery_plugin.exceptions import (
    AttemptNotFound,
    AttemptNotInProgress,
    AttemptReopened,
    InvalidSnapshot,
    OfflineDeliveryDisabled,
)
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, ItemAnswer, Reopening

GENESIS_CONTEXT = 'offline-delivery genesis v1|'
MAX_ITEMS = 1000
MAX_ANSWER_CHARS = 100_000
MAX_LINK_CHARS = 100_000


def genesis_hash(attempt_code):
    """
    The hash the first link of an attempt points back to.

    edx-proctoring's ``attempt_code`` may be empty (its own fixtures make attempts without one): such an attempt
    still saves online from its genesis, and no delivery file binds to it (``check_binding`` compares the codes).
    """
    return sha256_hex(GENESIS_CONTEXT + (attempt_code or ''))


def parse_link(link):
    """
    Parse a link's text into ``(seq, prev, time_ms, digest, changed)``; raises InvalidSnapshot.
    """
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS:
        raise InvalidSnapshot(_('The snapshot link is missing or too long.'))
    try:
        value = strict_json(link, 'the link')
    except EnvelopeError as error:
        raise InvalidSnapshot(_('The snapshot link is not valid JSON.')) from error
    if not (isinstance(value, list) and len(value) == 5):
        raise InvalidSnapshot(_('A snapshot link has five parts.'))
    seq, prev, time_ms, digest, changed = value
    valid = (
        isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1
        and _is_hex64(prev) and _is_hex64(digest)
        and isinstance(time_ms, int) and not isinstance(time_ms, bool) and time_ms >= 0
        and isinstance(changed, list) and all(isinstance(item, str) for item in changed)
    )
    if not valid:
        raise InvalidSnapshot(_('A snapshot link is [sequence, previous hash, time, answers hash, changed items].'))
    # Bounded where they are parsed: a number no page writes is a clear refusal, never a database overflow.
    if seq > MAX_SEQ or time_ms > MAX_SAFE_INTEGER:
        raise InvalidSnapshot(_('A snapshot\'s sequence number is from 1 to {max}, its time a time in '
                                'milliseconds.').format(max=MAX_SEQ))
    return seq, prev, time_ms, digest, changed


def _is_hex64(value):
    return isinstance(value, str) and len(value) == 64 and all(c in '0123456789abcdef' for c in value)


def parse_answers(answers_json):
    """The answers of a snapshot: an object of item id to text, within the size limits; raises InvalidSnapshot."""
    if not isinstance(answers_json, str):
        raise InvalidSnapshot(_('The answers are missing.'))
    try:
        answers = strict_json(answers_json, 'the answers')
    except EnvelopeError as error:
        raise InvalidSnapshot(_('The answers are not valid JSON.')) from error
    if not isinstance(answers, dict) or len(answers) > MAX_ITEMS:
        raise InvalidSnapshot(_('The answers must be an object of at most {count} items.').format(count=MAX_ITEMS))
    for item_id, value in answers.items():
        if not isinstance(value, str) or len(value) > MAX_ANSWER_CHARS or not item_id or len(item_id) > 255:
            raise InvalidSnapshot(_('Each answer is a text of at most {count} characters.').format(
                count=MAX_ANSWER_CHARS))
    return answers


def _owned_attempt(user, attempt_id):
    attempt = proctoring_api.get_exam_attempt_by_id(attempt_id)
    if not attempt or attempt['user']['id'] != user.id:
        raise AttemptNotFound(_('There is no such exam attempt of yours.'))
    return attempt


#: What the save path and the ownership rule read of an attempt.
ATTEMPT_ROW_FIELDS = ('id', 'user_id', 'status', 'attempt_code', 'started_at', 'allowed_time_limit_mins',
                      'proctored_exam__course_id')


def attempt_row(attempt_id):
    """
    The attempt's row as the ownership rule and a save need it (``ATTEMPT_ROW_FIELDS``), or None: one indexed read,
    made once per request. An autosave asks twice, in its permission rule and in the save, microseconds apart; the
    current request (crum's) keeps the row between the two. Outside a request (tasks, shells) every call reads.
    """
    request = crum.get_current_request()
    rows = None
    if request is not None:
        rows = request.__dict__.setdefault('_offline_delivery_attempt_rows', {})
        if attempt_id in rows:
            return rows[attempt_id]
    row = ProctoredExamStudentAttempt.objects.filter(id=attempt_id).values(*ATTEMPT_ROW_FIELDS).first()
    if rows is not None:
        rows[attempt_id] = row
    return row


def _attempt_for_save(user, attempt_id):
    """
    The attempt as a save needs it, in one query: autosave is the hot path (every candidate, every few seconds),
    and edx-proctoring's reader serialises the whole attempt with its exam and user. An attempt past its deadline
    goes through that reader after all, which times it out the way edx-proctoring does.
    """
    row = attempt_row(attempt_id)
    if row is None or row['user_id'] != user.id:
        raise AttemptNotFound(_('There is no such exam attempt of yours.'))
    if row['status'] in IN_PROGRESS and row['started_at'] is not None and timezone.now() > attempt_deadline(
            row['started_at'], row['allowed_time_limit_mins']):
        return _owned_attempt(user, attempt_id)
    return {'id': row['id'], 'status': row['status'], 'attempt_code': row['attempt_code'],
            'proctored_exam': {'course_id': row['proctored_exam__course_id']}}


def _delivery_settings(course_id, recent=False):
    # pylint: disable=import-outside-toplevel,cyclic-import
    from offline_delivery_plugin.api import get_course_delivery_settings, get_recent_course_delivery_settings

    read = get_recent_course_delivery_settings if recent else get_course_delivery_settings
    delivery = read(CourseKey.from_string(course_id))
    if not delivery.enabled:
        raise OfflineDeliveryDisabled(_('Offline delivery is not turned on for this course.'))
    return delivery


def _record(attempt):
    """The plugin's record of the attempt, synced now if the queued sync has not run yet."""
    record = AttemptRecord.objects.filter(attempt_id=attempt['id']).first()
    if record is None:
        # pylint: disable=import-outside-toplevel,cyclic-import
        from offline_delivery_plugin.api import sync_attempt_record

        sync_attempt_record(attempt['id'])
        record = AttemptRecord.objects.get(attempt_id=attempt['id'])
    return record


def start_candidate_session(user, attempt_id):
    """
    The session the candidate page starts with (or restarts with after a reload or on another device).

    A reopened attempt that still waits for the invigilator password gets a *locked* session: the answers, the time
    and the messages, but none of what a delivery file is made with (the exam's key and key id, the attempt code,
    the candidate id, the password verifier). The page asks again once the invigilator has unlocked it.

    Raises:
        AttemptNotFound, AttemptNotInProgress, OfflineDeliveryDisabled
    """
    attempt = _owned_attempt(user, attempt_id)
    if attempt['status'] not in IN_PROGRESS:
        if Reopening.objects.filter(attempt_id=attempt_id, successor_attempt_id__isnull=True).exists():
            raise AttemptReopened(_('Your exam was opened for resubmission. Go back to the exam to continue it; an '
                                    'invigilator types the password on your screen.'))
        raise AttemptNotInProgress(_('This exam attempt is not in progress.'))
    exam = attempt['proctored_exam']
    delivery = _delivery_settings(exam['course_id'])
    course_key = CourseKey.from_string(exam['course_id'])
    record = _record(attempt)
    locked = waits_for_invigilator(record)
    key = None if locked else keyring.get_active_exam_key(course_key, exam['content_id'])
    remaining = proctoring_api.get_exam_attempt_data(exam['id'], attempt['id'])['time_remaining_seconds']
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
        allowed_seconds=int(attempt['allowed_time_limit_mins'] or exam['time_limit_mins'] or 0) * 60,
    )


def save_snapshot(user, attempt_id, link, answers_json, ip_address=None):
    """
    Store a snapshot the candidate's page sent, unless the server already holds a newer one.

    Only the answers that differ from what the server holds, or that it holds but not yet as saved online, are
    written (``store_answers``). A repeated, late or out-of-order snapshot (sequence not above the stored one)
    changes no answer; every contact is recorded. Whether the attempt still takes answers is decided under the
    attempt's row lock (``attempt_locks``), so a save that reaches the database after a delivery file submitted the
    attempt changes nothing. A refused save is audited.

    Returns:
        SaveAck with the newest snapshot the server holds.

    Raises:
        AttemptNotFound, AttemptNotInProgress, OfflineDeliveryDisabled, InvalidSnapshot (nothing stored).
    """
    try:
        seq, _prev, _time_ms, digest, _changed = parse_link(link)
        if sha256_hex(answers_json if isinstance(answers_json, str) else '') != digest:
            raise InvalidSnapshot(_('The answers do not match the snapshot link.'))
        answers = parse_answers(answers_json)
        attempt = _attempt_for_save(user, attempt_id)
        if attempt['status'] not in IN_PROGRESS:
            raise AttemptNotInProgress(_('This exam attempt is {status}: answers can no longer be saved.').format(
                status=attempt['status']))
        _delivery_settings(attempt['proctored_exam']['course_id'], recent=True)
        now, link_hash = timezone.now(), sha256_hex(link)
        ack = _save_to_record(attempt['id'], seq, link_hash, answers, now)
        if ack is None:  # the queued sync has not made the record yet: made now, outside the save's transaction
            _record(attempt)
            ack = _save_to_record(attempt['id'], seq, link_hash, answers, now)
    except (InvalidSnapshot, AttemptNotInProgress) as refusal:
        _audit_refused_save(user, attempt_id, refusal, ip_address)
        raise
    return ack


def _audit_refused_save(user, attempt_id, refusal, ip_address):
    row = attempt_row(attempt_id)
    record = AttemptRecord.objects.filter(attempt_id=attempt_id).values('course_id', 'content_id').first()
    if row is None or record is None:
        return
    record_audit_event(record['course_id'], 'autosave', AuditEvent.REFUSED, actor=user, subject_id=row['user_id'],
                       content_id=record['content_id'], attempt_id=attempt_id, ip_address=ip_address,
                       channel=CHANNEL_AUTOSAVE, reason=type(refusal).__name__, message=refusal.user_message)


def _save_to_record(attempt_id, seq, link_hash, answers, now):
    """
    The save itself, in one transaction that decides under the attempt's row lock: SaveAck, or None when the
    attempt has no record yet.
    """
    with transaction.atomic():
        row = lock_attempt(attempt_id)
        if row is None:  # cleared for a retake a moment ago
            raise AttemptNotFound(_('There is no such exam attempt of yours.'))
        if row['status'] not in IN_PROGRESS:
            raise AttemptNotInProgress(_('This exam attempt is {status}: answers can no longer be saved.').format(
                status=row['status']))
        if row['started_at'] is not None and now > attempt_deadline(row['started_at'],
                                                                    row['allowed_time_limit_mins']):
            raise AttemptNotInProgress(_('Time is up for this exam attempt: answers can no longer be saved online.'))
        # The usual save is newer than what the server holds: one UPDATE checks that, locks the record and writes
        # it. Anything else (a repeat, a late snapshot, an attempt waiting for the invigilator, no record) takes the
        # locking read to find out which.
        if not _claim_record(attempt_id, seq, link_hash, now):
            record = AttemptRecord.objects.select_for_update().filter(attempt_id=attempt_id).first()
            if record is None:
                return None
            if waits_for_invigilator(record):
                raise AttemptNotInProgress(_('This reopened attempt waits for the invigilator password.'))
            if record.last_save_seq is not None and seq <= record.last_save_seq:
                AttemptRecord.objects.filter(id=record.id).update(last_contact_at=now)
                return SaveAck(acked_seq=record.last_save_seq, acked_hash=record.last_save_hash, stored=False)
            _claim_record(attempt_id, seq, link_hash, now)  # unlocked in the meantime: newer after all, and ours now
        store_answers(attempt_id, answers, seq, ItemAnswer.SOURCE_AUTOSAVE, now)
    return SaveAck(acked_seq=seq, acked_hash=link_hash, stored=True)


def _claim_record(attempt_id, seq, link_hash, now):
    """
    Write snapshot ``seq`` into the attempt's record if it is newer than the one held and the attempt is not
    waiting for the invigilator password (one UPDATE, which also locks the row); whether it did.
    """
    return AttemptRecord.objects.filter(
        Q(last_save_seq__isnull=True) | Q(last_save_seq__lt=seq),
        Q(requires_unlock=False) | Q(unlocked_at__isnull=False),
        attempt_id=attempt_id,
    ).update(last_contact_at=now, last_save_seq=seq, last_save_hash=link_hash, last_save_at=now) == 1


def store_answers(attempt_id, answers, seq, source, now):
    """
    Write the answers that differ from the stored ones into the attempt's record (which the caller has locked):
    one read of what is held, one bulk insert of new items, and one update (a single changed answer, the usual
    autosave, is one plain UPDATE rather than a bulk CASE). A file's answers keep the last autosaved text
    (``online_value``) as it was.

    An autosave also writes an answer it brings unchanged when the server holds it but not as saved online: an
    answer carried over from a reopened attempt into the attempt that continues it, as a delivery file brought it
    there (``reopening.link_successor``). From then on it is the continuation's last online save, and *View answers*
    no longer shows it as written offline.

    Returns:
        The ids of the items whose answer was new or changed, sorted.
    """
    online = source == ItemAnswer.SOURCE_AUTOSAVE
    fields = ['value', 'seq', 'source', 'changed_at'] + (['online_value'] if online else [])
    held = {item_id: (pk, value, record_id, online_value) for pk, item_id, value, record_id, online_value in
            ItemAnswer.objects.filter(record__attempt_id=attempt_id).values_list(
                'id', 'item_id', 'value', 'record_id', 'online_value')}
    created = [item_id for item_id in answers if item_id not in held]
    changed = [item_id for item_id in answers if item_id in held and held[item_id][1] != answers[item_id]]
    confirmed = [item_id for item_id in answers if online and item_id in held
                 and held[item_id][1] == answers[item_id] != held[item_id][3]]
    if created:
        record_id = next(iter(held.values()))[2] if held else AttemptRecord.objects.filter(
            attempt_id=attempt_id).values_list('id', flat=True).get()
        ItemAnswer.objects.bulk_create(
            ItemAnswer(record_id=record_id, item_id=item_id, value=answers[item_id], seq=seq, source=source,
                       changed_at=now, online_value=answers[item_id] if online else '')
            for item_id in created)
    updated = [ItemAnswer(id=held[item_id][0], value=answers[item_id], seq=seq, source=source, changed_at=now,
                          online_value=answers[item_id]) for item_id in changed + confirmed]
    if len(updated) == 1:
        ItemAnswer.objects.filter(id=updated[0].id).update(**{field: getattr(updated[0], field) for field in fields})
    elif updated:
        ItemAnswer.objects.bulk_update(updated, fields)
    return tuple(sorted(created + changed))


def answers_by_item(answers):
    """
    Group a snapshot's answers by item for the applier: ``{usage_id: {field_name: value}}``. The page names an
    answer by its item when the item has one field (field name '') and ``item#name`` otherwise.
    """
    grouped = {}
    for key, value in answers.items():
        usage_id, _sep, name = key.partition('#')
        grouped.setdefault(usage_id, {})[name] = value
    return grouped


def link_json(seq, prev, time_ms, answers_json, changed):
    """The text of a link, exactly as the page writes it (``JSON.stringify`` of the array)."""
    return json.dumps([seq, prev, time_ms, sha256_hex(answers_json), list(changed)], separators=(',', ':'),
                      ensure_ascii=False)


def render_candidate_page(user_id, course_key, content_id, exam_root='body'):
    """
    The HTML that starts the candidate page in an exam unit, or '' when it does not belong there: the course has
    offline delivery off, the subsection is no exam, or the user has no attempt in progress.
    """
    # pylint: disable=import-outside-toplevel,cyclic-import
    from django.template.loader import render_to_string
    from edx_proctoring.exceptions import ProctoredExamNotFoundException

    from offline_delivery_plugin.api import get_course_delivery_settings
    from offline_delivery_plugin.exceptions import CourseNotFound

    try:
        if not get_course_delivery_settings(course_key).enabled:
            return ''
        exam = proctoring_api.get_exam_by_content_id(str(course_key), content_id)
    except (CourseNotFound, ProctoredExamNotFoundException):
        return ''
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], user_id) if exam['is_active'] else None
    if not attempt or attempt['status'] not in IN_PROGRESS:
        return ''
    return render_to_string('offline_delivery_plugin/candidate_page.html', {
        'attempt_id': attempt['id'], 'exam_root': exam_root,
    })
