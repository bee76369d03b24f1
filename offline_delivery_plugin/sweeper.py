"""
The sweeper: times out the attempts whose time ran out while nobody looked at them. edx-proctoring only times an
attempt out when somebody reads it; a hall whose network failed may leave many unread. Run by Celery beat
(``tasks.finalise_expired_attempts_task``).
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.attempts import attempt_deadline

__all__ = [
    'finalise_expired_attempts',
]

log = logging.getLogger(__name__)

#: Attempts read per query.
CHUNK = 2000


def finalise_expired_attempts(now=None):
    """
    Time out the attempts whose time ran out more than ``OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES`` ago, the way
    edx-proctoring does when somebody reads them (it only updates an attempt on a read). The grace leaves room for a
    candidate's delivery file still on its way: a timed-out attempt still accepts its file. Returns the count.
    """
    now = now or timezone.now()
    grace = timedelta(minutes=settings.OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES)
    finalised = 0
    running = proctoring.Attempt.objects.filter(status__in=proctoring.IN_PROGRESS, started_at__isnull=False)
    for attempt in running.values('id', 'started_at', 'allowed_time_limit_mins', 'status').iterator(chunk_size=CHUNK):
        deadline = attempt_deadline(attempt['started_at'], attempt['allowed_time_limit_mins'])
        if now > deadline + grace and _time_out(attempt['id'], now, grace):
            finalised += 1
    if finalised:
        log.info('Timed out %d expired exam attempts', finalised)
    return finalised


def _time_out(attempt_id, now, grace):
    """Time one attempt out, decided again under its row lock (a file may have submitted it meanwhile)."""
    with transaction.atomic():
        attempt = proctoring.lock_attempt(attempt_id)
        if attempt is None or not proctoring.is_in_progress(attempt['status']):
            return False
        deadline = attempt_deadline(attempt['started_at'], attempt['allowed_time_limit_mins'])
        if now <= deadline + grace:
            return False
        proctoring.update_attempt_status(attempt_id, proctoring.Status.timed_out, timeout_timestamp=deadline)
    return True
