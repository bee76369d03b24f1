"""
Deciding on an attempt under the lock that writes it.

Every path of the plugin that changes an attempt (the autosave, a staff upload, a self-delivery, a file of a bulk
upload, a reopening, the invigilator's unlock, the sweeper, a retake) does so in one transaction that first locks
edx-proctoring's row of the attempt (``SELECT ... FOR UPDATE``), then the plugin's record of it, and decides on what
it read under those locks: the status, the deadline, whether a reopened attempt still waits for the invigilator.
Two paths racing on one attempt are thereby serialised, and the second one decides on what the first one left.

One lock order everywhere, the attempt's row first and the record second, as edx-proctoring's own writes take them
(it updates the attempt, then sends the signal the plugin's record follows): no two paths wait for each other in a
circle. The row is read without joins: ``FOR UPDATE`` on a join would lock the exam's row too, and with it every
candidate of the hall. Decision: docs/decisions/0012-the-invigilators-co-signature.rst (the locks section).
"""
from datetime import timedelta

from django.db import transaction
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin.models import AttemptRecord

#: The statuses in which a candidate is writing: answers may still change.
IN_PROGRESS = ('started', 'ready_to_submit')
#: What the locked read of an attempt returns.
LOCKED_FIELDS = ('id', 'user_id', 'status', 'attempt_code', 'started_at', 'completed_at', 'allowed_time_limit_mins',
                 'proctored_exam_id')


def attempt_deadline(started_at, allowed_time_limit_mins):
    """When an attempt's time runs out: its start plus its allowed minutes (allowances included, and for an attempt
    that resumes a reopened one, the minutes it was given), as edx-proctoring counts it."""
    return started_at + timedelta(minutes=allowed_time_limit_mins or 0)


def lock_attempt(attempt_id):
    """
    Lock edx-proctoring's row of the attempt until the transaction ends and return ``LOCKED_FIELDS`` of it, or None
    when there is no such attempt. Must be called inside ``transaction.atomic``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError('lock_attempt needs a transaction: the lock would end with the statement.')
    return ProctoredExamStudentAttempt.objects.select_for_update().filter(id=attempt_id).values(*LOCKED_FIELDS).first()


def lock_record(attempt_id):
    """Lock the plugin's record of the attempt (after ``lock_attempt``); None when it has none yet."""
    return AttemptRecord.objects.select_for_update().filter(attempt_id=attempt_id).first()


def waits_for_invigilator(record):
    """A reopened attempt whose invigilator has not typed the password on the candidate's screen yet."""
    return bool(record is not None and record.requires_unlock and not record.unlocked_at)
