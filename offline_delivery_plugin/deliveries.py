"""
Reading delivery files: from bytes to verified, decrypted answers, or a typed refusal in plain words.
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import compat, keyring, proctoring
from offline_delivery_plugin.answers import answers_by_item, store_answers
from offline_delivery_plugin.attempts import attempt_deadline, lock_record, sync_attempt_record, waits_for_invigilator
from offline_delivery_plugin.audit import CHANNEL_MONITOR, CHANNEL_SELF, record_audit_event
from offline_delivery_plugin.chain import MAX_ITEMS, genesis_hash, parse_answers, parse_link
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.crypto.envelope import sha256_hex
from offline_delivery_plugin.data import DeliveryReceipt
from offline_delivery_plugin.exceptions import DeliveryRefused, InvalidSnapshot
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, DeliveryFile, ItemAnswer, Reopening
from offline_delivery_plugin.problems import apply_item_answers
from offline_delivery_plugin.storage import plugin_storage

__all__ = [
    'deliver_file',
    'newest_deliveries',
    'open_delivery_file',
]


def _messages():
    return {
        'malformed': _('This is not a readable delivery file (it may be damaged or truncated).'),
        'unsupported_version': _('This delivery file was written in a format this server does not read.'),
        'unknown_key': _('This delivery file was not made for this site (its key is unknown here).'),
        'tampered': _('This delivery file was altered after it was saved, or is damaged: it cannot be trusted.'),
        'not_cosigned': _('This delivery file does not carry the co-signature of the invigilator password: it was '
                          'not saved with an invigilator present, and cannot be accepted.'),
    }


def open_delivery_file(data):
    """
    Verify and decrypt a delivery file (its cryptography and format only; binding and freshness are checked
    against an attempt by the caller).

    Returns:
        ``crypto.envelope.OpenedFile``

    Raises:
        DeliveryRefused: ``too_large``, ``malformed``, ``unsupported_version``, ``unknown_key``, ``tampered`` or
        ``not_cosigned``.
    """
    limit = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES
    if len(data) > limit:
        raise DeliveryRefused('too_large', _('This file is larger than {limit} bytes, the most a delivery file may '
                                             'be.').format(limit=limit))
    try:
        opened = envelope.open_file(data, keyring.private_key_for, keyring.cosign_key_for)
    except envelope.EnvelopeError as error:
        raise DeliveryRefused(error.reason, _messages()[error.reason], error.detail) from error
    # Anyone holding the exam's public key can write an authentic file for their own attempt, so its contents
    # obey the same limits as an autosave.
    try:
        parse_answers(opened.answers_json)
    except InvalidSnapshot as error:
        raise DeliveryRefused('malformed', _messages()['malformed'], str(error)) from error
    if len(opened.items) > MAX_ITEMS or not all(0 < len(item) <= 255 for item in opened.items):
        raise DeliveryRefused('malformed', _messages()['malformed'], 'items out of bounds')
    return opened


def _refuse(reason, message, detail=''):
    raise DeliveryRefused(reason, message, detail)


def check_binding(opened, attempt, candidate_id, reveal_owner=False):
    """
    The file must be for exactly this attempt: its key of this exam, its course, exam, candidate and attempt code,
    and co-signed with an invigilator password of this exam. Raises ``DeliveryRefused('wrong_attempt')`` saying
    what differs (and, for staff, whose attempt it is), or ``not_cosigned``.
    """
    exam = attempt['proctored_exam']
    header = opened.header
    key_exam = keyring.exam_of_key(header['kid'])
    mismatches = [
        name for name, ok in (
            ('course', header['course'] == exam['course_id']),
            ('exam', header['exam'] == exam['content_id'] and key_exam == (exam['course_id'], exam['content_id'])),
            ('candidate', header['candidate'] == candidate_id),
            ('attempt', bool(attempt['attempt_code']) and header['attempt'] == attempt['attempt_code']),
        ) if not ok
    ]
    if not mismatches:
        if opened.cosigned_for != (exam['course_id'], exam['content_id']):
            _refuse('not_cosigned', _messages()['not_cosigned'], 'co-signed with the password of another exam')
        return
    if 'course' in mismatches or 'exam' in mismatches:
        message = _('This file belongs to another exam, not to "{exam}".').format(exam=exam['exam_name'])
    elif 'candidate' in mismatches:
        message = _('This file belongs to another candidate.')
        owner = AttemptRecord.objects.filter(attempt_code=header['attempt']).select_related('user').first()
        if reveal_owner and owner is not None:
            message = _('This file belongs to another candidate: {username} (attempt {attempt_id}).').format(
                username=owner.user.username, attempt_id=owner.attempt_id)
    else:
        message = _("This file belongs to another attempt of this candidate, not to this one.")
    _refuse('wrong_attempt', message, f'mismatch: {", ".join(mismatches)}')


def check_chain(opened, attempt_code):
    """
    The links must chain from the anchor to the delivered answers. Returns ``[(seq, hash)]`` from the anchor on.
    The chain is inside the authenticated payload, so a break means a faulty or forged writer: ``malformed``.
    """
    broken = _('This delivery file is inconsistent inside (its snapshot chain is broken).')
    if opened.anchor_seq == 0 and opened.anchor_hash != genesis_hash(attempt_code):
        _refuse('malformed', broken, 'anchor is not the genesis of this attempt')
    if not opened.links:
        _refuse('malformed', broken, 'no links')
    points = [(opened.anchor_seq, opened.anchor_hash)]
    for link in opened.links:
        try:
            seq, prev, _time_ms, digest, _changed = parse_link(link)
        except InvalidSnapshot:
            _refuse('malformed', broken, 'unreadable link')
        if seq <= points[-1][0] or prev != points[-1][1]:
            _refuse('malformed', broken, f'link {seq} does not follow {points[-1][0]}')
        points.append((seq, sha256_hex(link)))
    if points[-1][0] != opened.header['seq'] or digest != sha256_hex(opened.answers_json):
        _refuse('malformed', broken, 'the last link is not the delivered answers')
    return points


def check_freshness(points, record, file_seq):
    """
    No rollback: the server's newest snapshot must be one the file continues from (or the file itself).
    Raises ``stale`` for a file older than what the server holds, ``diverged`` for one from another line.
    """
    server_seq = record.last_save_seq or 0
    if server_seq == 0:
        return
    if server_seq > file_seq:
        _refuse('stale', _('This file is older than what the server already holds (the server has snapshot '
                           '{server}, the file snapshot {file}). Nothing was changed.').format(
            server=server_seq, file=file_seq))
    if (server_seq, record.last_save_hash) not in points:
        _refuse('diverged', _('The server holds answers this file does not continue from (they were saved '
                              'elsewhere). Nothing was changed; ask the exam office to compare them.'))


#: The statuses an attempt takes a file in (a submitted one too, within ``closed_by_the_clock_within_grace``).
DELIVERABLE = (*proctoring.IN_PROGRESS, proctoring.Status.timed_out)


def closed_by_the_clock_within_grace(attempt, now):
    """
    True for an attempt that edx-proctoring submitted because its time ran out (it does so on the first read after
    the deadline, setting ``completed_at`` to the deadline), while ``OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES`` have
    not yet passed: the candidate's page sealed the answers at zero and the file is on its way (flow E). An attempt
    the candidate or staff ended before its deadline is closed to files.
    """
    if attempt['status'] != proctoring.Status.submitted or not attempt['started_at'] or not attempt['completed_at']:
        return False
    started, completed = (_as_datetime(attempt[key]) for key in ('started_at', 'completed_at'))
    deadline = attempt_deadline(started, attempt['allowed_time_limit_mins'])
    grace = timedelta(minutes=settings.OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES)
    return completed >= deadline - timedelta(seconds=1) and now <= deadline + grace


def check_sealed_in_time(opened, attempt):
    """
    The answers must have been sealed before the attempt's time ran out: the last link's time (the candidate's
    clock), moved onto the server's clock by the offset the page measured when the attempt started, at most
    ``OFFLINE_DELIVERY_SEAL_TOLERANCE_SECONDS`` after the deadline. Raises ``sealed_late``.

    A candidate who sets the device clock back after the start makes the page's times lie; what stops them is the
    invigilator, whose password the file needs (docs/threat-model.rst).
    """
    if not attempt['started_at']:
        return
    deadline = attempt_deadline(_as_datetime(attempt['started_at']), attempt['allowed_time_limit_mins'])
    _seq, _prev, time_ms, _digest, _changed = parse_link(opened.links[-1])
    sealed_ms = time_ms + opened.header['clock_offset_ms']
    late_ms = sealed_ms - int(deadline.timestamp() * 1000)
    if late_ms > settings.OFFLINE_DELIVERY_SEAL_TOLERANCE_SECONDS * 1000:
        _refuse('sealed_late', _('The answers in this file were sealed {minutes} minutes after the exam\'s time ran '
                                 'out. Nothing was changed.').format(minutes=max(1, late_ms // 60000)),
                f'sealed {late_ms} ms after the deadline')


def _as_datetime(value):
    return value if isinstance(value, datetime) else parse_datetime(value)


def newest_deliveries(records, *fields):
    """
    ``{attempt_id: {field: value}}`` of the newest accepted file of each attempt of ``records`` (a queryset of
    ``AttemptRecord``, read as a subquery), in two queries however many attempts (the Monitor and the results report
    both show it).
    """
    newest = DeliveryFile.objects.filter(record__in=records).values('record__attempt_id').annotate(
        last=Max('id')).values_list('last', flat=True)
    return {row['record__attempt_id']: row for row in DeliveryFile.objects.filter(id__in=list(newest)).values(
        'record__attempt_id', *fields)}


def deliver_file(data, attempt_id, delivered_by, channel, reveal_owner=False, ip_address=None, file_name='',
                 audit_channel=None):
    """
    Accept a delivery file for an attempt, all or nothing: verify, check the invigilator's co-signature, binding,
    seal time and freshness, store its answers (unless it delivers blank), keep the original in storage, and submit
    the attempt in edx-proctoring. Every outcome, accepted or refused, is one audit event, whatever the channel
    (``audit_channel``: ``monitor``, ``bulk`` or ``self``; by default from ``channel``).

    Delivering the same file again is harmless and answers ``already_delivered``, unless the attempt was opened
    for resubmission since (``reopened``: the candidate goes on in the attempt that continues it).

    Raises:
        DeliveryRefused: every refusal reason; nothing was changed.
    """
    attempt = proctoring.get_exam_attempt(attempt_id)
    if attempt is None:
        _refuse('wrong_attempt', _('There is no such exam attempt.'))
    self_delivery = channel == DeliveryFile.CHANNEL_SELF
    audit = {'course_key': CourseKey.from_string(attempt['proctored_exam']['course_id']),
             'kind': 'self_delivery' if self_delivery else 'upload',
             'content_id': attempt['proctored_exam']['content_id'], 'attempt_id': attempt_id, 'actor': delivered_by,
             'subject_id': attempt['user']['id'], 'ip_address': ip_address, 'file_name': (file_name or '')[:255],
             'channel': audit_channel or (CHANNEL_SELF if self_delivery else CHANNEL_MONITOR)}
    try:
        receipt = _deliver(data, attempt, delivered_by, channel, reveal_owner)
    except DeliveryRefused as refusal:
        record_audit_event(outcome=AuditEvent.REFUSED, reason=refusal.reason, message=refusal.user_message,
                           size=len(data), **audit)
        raise
    record_audit_event(outcome=AuditEvent.OK, receipt=receipt.receipt, sha256=receipt.sha256, seq=receipt.seq,
                       blank=receipt.blank, already_delivered=receipt.already_delivered, **audit)
    return receipt


def _deliver(data, attempt, delivered_by, channel, reveal_owner):
    attempt_id = attempt['id']
    opened = open_delivery_file(data)
    user = get_user_model().objects.get(id=attempt['user']['id'])
    course_key = CourseKey.from_string(attempt['proctored_exam']['course_id'])
    check_binding(opened, attempt, compat.get_anonymous_user_id(user, course_key), reveal_owner)
    points = check_chain(opened, attempt['attempt_code'])

    if AttemptRecord.objects.filter(attempt_id=attempt_id).first() is None:
        sync_attempt_record(attempt_id)
    with transaction.atomic():
        # Decided under the attempt's row lock (``attempts``): a second file, an autosave or a reopening racing
        # this one waits, then decides on what this one left.
        row = proctoring.lock_attempt(attempt_id)
        record = lock_record(attempt_id)
        now = timezone.now()
        if row is None:
            _refuse('wrong_attempt', _('There is no such exam attempt.'))
        existing = record.deliveries.filter(sha256=opened.sha256).first()
        if Reopening.objects.filter(attempt_id=attempt_id).exists():
            _refuse('reopened', _('This attempt was opened for resubmission{delivered}: the candidate goes on in the '
                                  'attempt that continues it, which this file cannot change. Nothing was changed.')
                    .format(delivered=_(' after this file was delivered (receipt {receipt})').format(
                        receipt=existing.receipt) if existing else ''))
        if existing is not None:
            return DeliveryReceipt(attempt_id=attempt_id, receipt=existing.receipt, sha256=existing.sha256,
                                   seq=existing.seq, blank=existing.blank, already_delivered=True)
        if waits_for_invigilator(record):
            _refuse('locked', _('This attempt was opened for resubmission and waits for the invigilator password on '
                                'the candidate\'s screen: no file can be delivered to it before. Nothing was changed.'))
        if row['status'] not in DELIVERABLE and not closed_by_the_clock_within_grace(row, now):
            _refuse('closed', _('This attempt is already {status}: a file can no longer change it. Ask the exam '
                                'office to open it for resubmission.').format(status=row['status']))
        check_sealed_in_time(opened, row)
        check_freshness(points, record, opened.header['seq'])
        changed, not_applied = (), {}
        if not opened.blank:
            changed = store_answers(attempt_id, opened.answers, opened.header['seq'], ItemAnswer.SOURCE_FILE, now)
            # The applier: the answers go back into the course's items through their own save path, in this
            # transaction. An item that refuses one keeps its state; the answer stays here and staff see why.
            not_applied = apply_item_answers(user, course_key, answers_by_item(opened.answers))
        record.last_save_seq = opened.header['seq']
        record.last_save_hash = points[-1][1]
        record.last_save_at = now
        record.save(update_fields=['last_save_seq', 'last_save_hash', 'last_save_at'])
        receipt = envelope.receipt_code(opened.sha256)
        name = plugin_storage().save(
            f'offline_delivery/{course_key}/{attempt_id}/{opened.sha256}.offline-delivery', ContentFile(data))
        # Storage is not transactional: if anything below fails, the stored copy is removed again.
        try:
            DeliveryFile.objects.create(
                record=record, sha256=opened.sha256, receipt=receipt, size=len(data), seq=opened.header['seq'],
                blank=opened.blank, channel=channel, delivered_by=delivered_by, delivered_at=now, storage_name=name,
                items=list(opened.items), not_applied=not_applied,
            )
            if row['status'] != proctoring.Status.submitted:
                proctoring.update_attempt_status(attempt_id, proctoring.Status.submitted)
        except Exception:
            plugin_storage().delete(name)
            raise
    return DeliveryReceipt(attempt_id=attempt_id, receipt=receipt, sha256=opened.sha256, seq=opened.header['seq'],
                           blank=opened.blank, already_delivered=False, changed_items=changed,
                           not_applied=tuple(sorted(not_applied.items())))
