"""
The invigilator password typed online, on the candidate's screen: to let a reopened attempt continue
(``reopening.unlock_attempt``) and to check a candidate in at an on-site exam (``onsite.check_in_with_password``).
One gate for both: every try is counted before it is checked, limited per attempt and per client address, and
audited (never the password itself).
"""
import contextlib

from django.core.cache import cache
from django.utils.translation import gettext as _

from offline_delivery_plugin import keyring
from offline_delivery_plugin.audit import CHANNEL_PASSWORD_GATE, record_audit_event
from offline_delivery_plugin.exceptions import UnlockRefused
from offline_delivery_plugin.models import AuditEvent

__all__ = [
    'FAILURE_WINDOW_SECONDS',
    'MAX_FAILURES_PER_ATTEMPT',
    'MAX_FAILURES_PER_CLIENT',
    'check_password_online',
]

#: Online password checks: this many failures per attempt, or per client address, within the window lock it.
MAX_FAILURES_PER_ATTEMPT = 5
MAX_FAILURES_PER_CLIENT = 20
FAILURE_WINDOW_SECONDS = 15 * 60


def _take_a_try(key, limit):
    """
    Count one password try against ``key`` before it is checked, atomically (the cache's INCR): of N tries sent at
    once, only the first ``limit`` are checked at all. Whether this try is within the limit.
    """
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls: this try opens a new one
        cache.add(key, 0, FAILURE_WINDOW_SECONDS)
        count = cache.incr(key)
    return count <= limit


def _give_back_a_try(key):
    """A right password does not count against the client address's limit (a hall of candidates behind it)."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        cache.decr(key)


def check_password_online(user, course_key, content_id, attempt_id, password, ip_address=None):
    """
    Check the exam's invigilator password typed on ``user``'s screen for their attempt ``attempt_id``. A wrong or
    locked try is audited here (kind ``password``); the caller audits what the right password then does.

    A right password gives its count back to the client address (a hall of candidates behind one address), not to
    the attempt: of any number of tries at one attempt, at most ``MAX_FAILURES_PER_ATTEMPT`` are checked, the right
    one among them.

    Returns the audit fields of this try (course, exam, attempt, actor, address, channel), for the caller's event.

    Raises:
        UnlockRefused: wrong password, or too many tries (``locked``).
    """
    keys = [f'offline-delivery:unlock-tries:attempt:{attempt_id}', f'offline-delivery:unlock-tries:client:{ip_address}']
    limits = [MAX_FAILURES_PER_ATTEMPT, MAX_FAILURES_PER_CLIENT]
    audit = {'course_key': course_key, 'content_id': content_id, 'attempt_id': attempt_id,
             'actor': user, 'subject_id': user.id, 'ip_address': ip_address, 'channel': CHANNEL_PASSWORD_GATE}
    within = [_take_a_try(key, limit) for key, limit in zip(keys, limits)]
    if not all(within):
        record_audit_event(kind='password', outcome=AuditEvent.REFUSED, reason='locked', **audit)
        raise UnlockRefused(_('Too many wrong passwords: wait 15 minutes or ask the exam office.'), locked=True)
    if not keyring.check_invigilator_password(course_key, content_id, password):
        record_audit_event(kind='password', outcome=AuditEvent.REFUSED, reason='wrong', **audit)
        raise UnlockRefused(_('Wrong invigilator password.'))
    _give_back_a_try(keys[1])
    return audit
