"""
The autosave: the snapshots the candidate's page sends every few seconds, each stored unless the server already
holds a newer one (the chain protocol: ``chain``). It is the hot path of an exam hall (every candidate, every few
seconds): a save is one read of the attempt, the locked write, and the changed answers (docs/decisions/0011).
"""
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.answers import store_answers
from offline_delivery_plugin.attempts import (
    attempt_deadline,
    attempt_row,
    get_owned_attempt,
    record_of,
    waits_for_invigilator,
)
from offline_delivery_plugin.audit import CHANNEL_AUTOSAVE, record_audit_event
from offline_delivery_plugin.chain import parse_answers, parse_link
from offline_delivery_plugin.course_settings import enabled_course_delivery_settings
from offline_delivery_plugin.crypto.envelope import sha256_hex
from offline_delivery_plugin.data import SaveAck
from offline_delivery_plugin.exceptions import AttemptNotFound, AttemptNotInProgress, InvalidSnapshot
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, ItemAnswer

__all__ = [
    'save_snapshot',
]


def _attempt_for_save(user, attempt_id):
    """
    The attempt as a save needs it, in one query: autosave is the hot path (every candidate, every few seconds),
    and edx-proctoring's reader serialises the whole attempt with its exam and user. An attempt past its deadline
    goes through that reader after all, which times it out the way edx-proctoring does.
    """
    row = attempt_row(attempt_id)
    if row is None or row['user_id'] != user.id:
        raise AttemptNotFound(_('There is no such exam attempt of yours.'))
    if proctoring.is_in_progress(row['status']) and row['started_at'] is not None and timezone.now() > attempt_deadline(
            row['started_at'], row['allowed_time_limit_mins']):
        return get_owned_attempt(user, attempt_id)
    return {'id': row['id'], 'status': row['status'], 'attempt_code': row['attempt_code'],
            'proctored_exam': {'course_id': row['proctored_exam__course_id']}}


def save_snapshot(user, attempt_id, link, answers_json, ip_address=None):
    """
    Store a snapshot the candidate's page sent, unless the server already holds a newer one.

    Only the answers that differ from what the server holds, or that it holds but not yet as saved online, are
    written (``store_answers``). A repeated, late or out-of-order snapshot (sequence not above the stored one)
    changes no answer; every contact is recorded. Whether the attempt still takes answers is decided under the
    attempt's row lock (``attempts``), so a save that reaches the database after a delivery file submitted the
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
        if not proctoring.is_in_progress(attempt['status']):
            raise AttemptNotInProgress(_('This exam attempt is {status}: answers can no longer be saved.').format(
                status=attempt['status']))
        enabled_course_delivery_settings(attempt['proctored_exam']['course_id'], recent=True)
        now, link_hash = timezone.now(), sha256_hex(link)
        ack = _save_to_record(attempt['id'], seq, link_hash, answers, now)
        if ack is None:  # the queued sync has not made the record yet: made now, outside the save's transaction
            record_of(attempt['id'])
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
        row = proctoring.lock_attempt(attempt_id)
        if row is None:  # cleared for a retake a moment ago
            raise AttemptNotFound(_('There is no such exam attempt of yours.'))
        if not proctoring.is_in_progress(row['status']):
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
