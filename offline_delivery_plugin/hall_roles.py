"""
Who works in the exam hall: course staff give and take the invigilator and chief-invigilator roles (issue 19).

The roles are course access roles (``offline_delivery_plugin.roles``), which neither the Instructor Dashboard's
membership list (a fixed set of the platform's roles) nor the Django admin's role form (registered roles only)
offers, so the plugin's course page and the ``offline_delivery_roles`` command grant them, through the platform's
own ``CourseRole`` (``compat``). Every grant and revocation, and every refusal, is audited with who did it.
"""
import csv
import io

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from offline_delivery_plugin import compat
from offline_delivery_plugin.audit import record_audit_event
from offline_delivery_plugin.course_settings import require_course
from offline_delivery_plugin.data import HallRoleHolder
from offline_delivery_plugin.exceptions import RoleRefused
from offline_delivery_plugin.models import AuditEvent
from offline_delivery_plugin.roles import CHIEF_INVIGILATOR, INVIGILATOR

__all__ = [
    'IDENTIFIER_MAX',
    'ROLE_CODES',
    'change_hall_roles_from_csv',
    'grant_hall_role',
    'list_hall_roles',
    'revoke_hall_role',
]

#: The roles as the API, the page and the command name them, and the course access role each one is.
ROLE_CODES = {'invigilator': INVIGILATOR, 'chief_invigilator': CHIEF_INVIGILATOR}
#: Longest username or email the plugin looks up (the platform's email field is 254 characters).
IDENTIFIER_MAX = 254
#: Largest CSV of usernames the command reads, and most lines.
CSV_MAX_LINES = 5000


def _role_label(code):
    return {'invigilator': _('Invigilator'), 'chief_invigilator': _('Chief invigilator')}[code]


def _course(course_key):
    return require_course(course_key)[0]


def list_hall_roles(course_key):
    """
    The course's invigilators and chief invigilators, by role then username, as ``HallRoleHolder``.

    Raises:
        CourseNotFound
    """
    course_key = _course(course_key)
    return [
        HallRoleHolder(role=code, role_label=_role_label(code), username=user.username, email=user.email)
        for code, role in ROLE_CODES.items() for user in compat.list_course_role_users(course_key, role)
    ]


def _refuse(course_key, actor, ip_address, action, reason, message, role, who, channel):
    record_audit_event(course_key, 'hall_role', AuditEvent.REFUSED, actor=actor, ip_address=ip_address,
                       action=action, reason=reason, role=role if role in ROLE_CODES else '', user=who[:80],
                       channel=channel)
    raise RoleRefused(message)


def _change(course_key, identifier, role, actor, ip_address, channel, grant):
    action = 'grant' if grant else 'revoke'
    course_key = _course(course_key)
    who = str(identifier or '').strip()
    role = str(role or '')
    if role not in ROLE_CODES:
        _refuse(course_key, actor, ip_address, action, 'role', _('Choose the invigilator or the chief invigilator '
                                                               'role.'), role, who, channel)
    if not who or len(who) > IDENTIFIER_MAX:
        _refuse(course_key, actor, ip_address, action, 'user', _('Type the username or email of the account.'),
                role, who, channel)
    user = get_user_model().objects.filter(Q(username=who) | Q(email__iexact=who)).order_by('id').first()
    if user is None:
        _refuse(course_key, actor, ip_address, action, 'no_user', _('There is no account {user}.').format(user=who),
                role, who, channel)
    if grant and not user.is_active:
        _refuse(course_key, actor, ip_address, action, 'inactive', _('The account {user} is not activated: it cannot '
                                                                   'be given a role.').format(user=user.username),
                role, who, channel)
    held = compat.has_course_role(user, course_key, ROLE_CODES[role])
    if grant and not held:
        compat.grant_course_role(user, course_key, ROLE_CODES[role])
    elif not grant and held:
        compat.revoke_course_role(user, course_key, ROLE_CODES[role])
    record_audit_event(course_key, 'hall_role', AuditEvent.OK, actor=actor, subject_id=user.id,
                       ip_address=ip_address, action=action, role=role, changed=held != grant, channel=channel)
    return HallRoleHolder(role=role, role_label=_role_label(role), username=user.username, email=user.email)


def grant_hall_role(course_key, identifier, role, granted_by, ip_address=None, channel='course_page'):
    """
    Give the account named by ``identifier`` (a username or an email) the hall role ``role`` (``invigilator`` or
    ``chief_invigilator``) in the course; a no-op, audited as such, when they hold it already.

    Returns the ``HallRoleHolder``.

    Raises:
        CourseNotFound, RoleRefused (no such role or account, an account not activated), audited.
    """
    return _change(course_key, identifier, role, granted_by, ip_address, channel, grant=True)


def revoke_hall_role(course_key, identifier, role, revoked_by, ip_address=None, channel='course_page'):
    """
    Take the hall role ``role`` from the account named by ``identifier``; a no-op, audited, when they do not hold
    it. A chief invigilator who is also an invigilator keeps the other role.

    Raises:
        CourseNotFound, RoleRefused, audited.
    """
    return _change(course_key, identifier, role, revoked_by, ip_address, channel, grant=False)


def change_hall_roles_from_csv(course_key, text, role, actor, revoke=False):
    """
    Grant (or, with ``revoke``, take) ``role`` for every username or email in a CSV text: one per line, in its
    first column; a header line ``user`` and blank lines are skipped. Each line is applied on its own, so a bad line
    changes nothing and the others still apply; the operator's command channel is audited as ``command``.

    Returns ``[(line number, identifier, error message or '')]``.

    Raises:
        CourseNotFound; RoleRefused for a role that does not exist or a file over ``CSV_MAX_LINES`` lines.
    """
    course_key = _course(course_key)
    if role not in ROLE_CODES:
        raise RoleRefused(_('Choose the invigilator or the chief invigilator role.'))
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > CSV_MAX_LINES:
        raise RoleRefused(_('The file has more than {count} lines.').format(count=CSV_MAX_LINES))
    results = []
    change = revoke_hall_role if revoke else grant_hall_role
    for number, row in enumerate(rows, start=1):
        who = row[0].strip() if row else ''
        if not who or (number == 1 and who.lower() in ('user', 'username', 'email')):
            continue
        try:
            change(course_key, who, role, actor, channel='command')
        except RoleRefused as error:
            results.append((number, who, error.user_message))
        else:
            results.append((number, who, ''))
    return results
