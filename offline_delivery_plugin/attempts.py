"""
The plugin's record of each edx-proctoring attempt, and deciding on an attempt under the lock that writes it.

edx-proctoring is the source of truth for an attempt; the plugin's ``AttemptRecord`` follows it
(``sync_attempt_record``, queued on edx-proctoring's status signal) and adds what the plugin needs: the newest
snapshot, the last contact, the answers, and whether a reopened attempt waits for the invigilator.

Every path of the plugin that changes an attempt (the autosave, a staff upload, a self-delivery, a file of a bulk
upload, a reopening, the invigilator's unlock, the sweeper, a retake) does so in one transaction that first locks
edx-proctoring's row of the attempt (``proctoring.lock_attempt``), then the plugin's record of it (``lock_record``),
and decides on what it read under those locks: the status, the deadline, whether a reopened attempt still waits for
the invigilator. Two paths racing on one attempt are thereby serialised, and the second one decides on what the
first one left. One lock order everywhere, the attempt's row first and the record second, as edx-proctoring's own
writes take them: no two paths wait for each other in a circle. Decision: docs/decisions/0012.
"""
from datetime import timedelta

import crum
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.data import AttemptRecordData
from offline_delivery_plugin.exceptions import AttemptNotFound
from offline_delivery_plugin.models import AttemptRecord, ItemAnswer, Reopening

__all__ = [
    'REMOVED_STATUS',
    'attempt_deadline',
    'attempt_row',
    'get_attempt_record',
    'get_owned_attempt',
    'lock_record',
    'record_of',
    'sync_attempt_record',
    'waits_for_invigilator',
]

#: Status recorded when edx-proctoring no longer has the attempt (it was cleared for a retake).
REMOVED_STATUS = 'removed'

#: What the save path and the ownership rule read of an attempt.
ATTEMPT_ROW_FIELDS = ('id', 'user_id', 'status', 'attempt_code', 'started_at', 'allowed_time_limit_mins',
                      'proctored_exam__course_id', 'proctored_exam__content_id')


def attempt_deadline(started_at, allowed_time_limit_mins):
    """When an attempt's time runs out: its start plus its allowed minutes (allowances included, and for an attempt
    that resumes a reopened one, the minutes it was given), as edx-proctoring counts it."""
    return started_at + timedelta(minutes=allowed_time_limit_mins or 0)


def lock_record(attempt_id):
    """Lock the plugin's record of the attempt (after ``proctoring.lock_attempt``); None when it has none yet."""
    return AttemptRecord.objects.select_for_update().filter(attempt_id=attempt_id).first()


def waits_for_invigilator(record):
    """A reopened attempt whose invigilator has not typed the password on the candidate's screen yet."""
    return bool(record is not None and record.requires_unlock and not record.unlocked_at)


def get_owned_attempt(user, attempt_id):
    """
    edx-proctoring's attempt (serialised, with its exam), if it is ``user``'s.

    Raises:
        AttemptNotFound: no such attempt, or another candidate's (reported the same way).
    """
    attempt = proctoring.get_exam_attempt(attempt_id)
    if not attempt or attempt['user']['id'] != user.id:
        raise AttemptNotFound(_('There is no such exam attempt of yours.'))
    return attempt


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
    row = proctoring.Attempt.objects.filter(id=attempt_id).values(*ATTEMPT_ROW_FIELDS).first()
    if rows is not None:
        rows[attempt_id] = row
    return row


def _record_data(record):
    return AttemptRecordData(
        attempt_id=record.attempt_id,
        attempt_code=record.attempt_code,
        user_id=record.user_id,
        course_id=str(record.course_id),
        content_id=record.content_id,
        proctoring_status=record.proctoring_status,
        status_changed_at=record.status_changed_at,
        last_save_seq=record.last_save_seq,
        last_save_at=record.last_save_at,
        last_contact_at=record.last_contact_at,
    )


def sync_attempt_record(attempt_id):
    """
    Bring the plugin's record of an attempt in step with edx-proctoring, the source of truth.

    It reads the attempt as it is now rather than trusting the status a signal carried, so running it twice, late
    or out of order gives the same result.

    Returns:
        AttemptRecordData, or None when neither edx-proctoring nor the plugin knows the attempt.
    """
    attempt = proctoring.get_exam_attempt(attempt_id)
    if attempt is None:
        with transaction.atomic():
            record = AttemptRecord.objects.select_for_update().filter(attempt_id=attempt_id).first()
            if record is None:
                return None
            record.proctoring_status = REMOVED_STATUS
            record.save(update_fields=['proctoring_status', 'modified'])
            return _record_data(record)
    exam = attempt['proctored_exam']
    fields = {
        'attempt_code': attempt['attempt_code'],
        'user_id': attempt['user']['id'],
        'course_id': CourseKey.from_string(exam['course_id']),
        'content_id': exam['content_id'],
        'proctoring_status': attempt['status'],
        'status_changed_at': parse_datetime(attempt['modified']) if attempt['modified'] else None,
    }
    # The usual sync follows a status change of a known attempt: one UPDATE. The first one makes the record in a
    # transaction of its own, so that first syncs running at once (the worker, the page's session start, its first
    # save) meet on the unique attempt id and the losers update what the winner made. (A locking read of the
    # missing row followed by an insert, as update_or_create does, deadlocks three such syncs on MariaDB.)
    def bring_in_step():
        return AttemptRecord.objects.filter(attempt_id=attempt_id).update(modified=timezone.now(), **fields)

    if not bring_in_step():
        try:
            with transaction.atomic():
                record = AttemptRecord.objects.create(attempt_id=attempt_id, **fields)
                _continue_reopened_attempt(record)
            return _record_data(record)
        except IntegrityError:
            if not bring_in_step():  # no other sync made it: the insert failed for a reason of its own
                raise
    return _record_data(AttemptRecord.objects.get(attempt_id=attempt_id))


def _continue_reopened_attempt(record):
    """
    Called when the plugin first records an attempt: if it continues a reopened attempt of the same candidate
    and exam (docs/decisions/0007), carry the answers over and lock it until the invigilator password is typed.
    """
    reopening = Reopening.objects.select_for_update().filter(
        user_id=record.user_id, course_id=record.course_id, content_id=record.content_id,
        successor_attempt_id__isnull=True,
    ).exclude(attempt_id=record.attempt_id).order_by('-id').first()
    if reopening is None:
        return
    reopening.successor_attempt_id = record.attempt_id
    reopening.save(update_fields=['successor_attempt_id'])
    record.continues_attempt_id = reopening.attempt_id
    record.requires_unlock = True
    record.save(update_fields=['continues_attempt_id', 'requires_unlock'])
    now = timezone.now()
    ItemAnswer.objects.bulk_create([
        ItemAnswer(record=record, item_id=answer.item_id, value=answer.value, online_value=answer.online_value,
                   seq=0, source=answer.source, changed_at=now)
        for answer in ItemAnswer.objects.filter(record__attempt_id=reopening.attempt_id)
    ])


def record_of(attempt_id):
    """The plugin's record of the attempt (the model), synced now if the queued sync has not run yet."""
    record = AttemptRecord.objects.filter(attempt_id=attempt_id).first()
    if record is None:
        sync_attempt_record(attempt_id)
        record = AttemptRecord.objects.get(attempt_id=attempt_id)
    return record


def get_attempt_record(attempt_id):
    """
    Return the plugin's record of an attempt as ``AttemptRecordData``, or None.
    """
    record = AttemptRecord.objects.filter(attempt_id=attempt_id).first()
    return _record_data(record) if record else None
