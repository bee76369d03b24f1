"""
The course team's offline-delivery settings (Studio's Advanced Settings, ``other_course_settings``): what they may
hold, their defaults from the site's settings, and reading them, fresh or recently read for the autosave.
"""
import logging
import time
from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import compat
from offline_delivery_plugin.data import CourseDeliverySettings, CourseSettingsCheck
from offline_delivery_plugin.exceptions import CourseNotFound, InvalidCourseSettings, OfflineDeliveryDisabled

__all__ = [
    'COURSE_SETTINGS_KEY',
    'HALL_ROLES',
    'as_course_key',
    'check_course_settings',
    'enabled_course_delivery_settings',
    'forget_recent_course_delivery_settings',
    'get_course_delivery_settings',
    'get_recent_course_delivery_settings',
    'read_recently',
    'require_course',
    'validate_course_settings',
]

log = logging.getLogger(__name__)

#: The key of ``other_course_settings`` (Studio Advanced Settings) that holds the course's offline-delivery settings.
COURSE_SETTINGS_KEY = 'offline_delivery'

AUTOSAVE_INTERVAL_RANGE = (5, 300)
#: The exam-hall roles a course may let upload delivery files and open attempts for resubmission, by the names
#: course teams write in Advanced Settings.
HALL_ROLES = ('invigilator', 'chief_invigilator')
CONNECTION_LOST_MESSAGE_MAX_LENGTH = 1000


def _default_connection_lost_message():
    return _(
        'The connection to the exam server is lost. Keep writing: your answers are saved on this computer. '
        'Raise your hand and contact an invigilator.'
    )


def as_course_key(course_key):
    """The course key itself, or parsed from its string."""
    return course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))


def validate_course_settings(raw):
    """
    Validate the course team's offline-delivery settings and fill in the site defaults.

    Arguments:
        raw: the value of ``other_course_settings["offline_delivery"]`` as Studio would store it (a JSON object).

    Returns:
        CourseDeliverySettings

    Raises:
        InvalidCourseSettings: with one message per offending key; nothing is stored by this function.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidCourseSettings({'offline_delivery': _('Must be a JSON object, e.g. {"enabled": true}.')})

    errors = {}
    known = {'enabled', 'autosave_interval_seconds', 'connection_lost_message', 'allow_deliver_blank',
             'upload_roles', 'reopen_roles'}
    for key in sorted(set(raw) - known):
        errors[key] = _('Unknown setting. Known settings: {names}.').format(names=', '.join(sorted(known)))

    def boolean(key, default):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            errors[key] = _('Must be true or false.')
            return default
        return value

    enabled = boolean('enabled', False)
    allow_deliver_blank = boolean('allow_deliver_blank', True)

    low, high = AUTOSAVE_INTERVAL_RANGE
    interval = raw.get('autosave_interval_seconds', settings.OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS)
    if isinstance(interval, bool) or not isinstance(interval, int) or not low <= interval <= high:
        errors['autosave_interval_seconds'] = _('Must be a whole number of seconds from {low} to {high}.').format(
            low=low, high=high,
        )

    message = raw.get('connection_lost_message')
    if message is None:
        message = _default_connection_lost_message()
    elif not isinstance(message, str) or not message.strip():
        errors['connection_lost_message'] = _('Must be a non-empty text.')
    elif len(message) > CONNECTION_LOST_MESSAGE_MAX_LENGTH:
        errors['connection_lost_message'] = _('Must be at most {max} characters.').format(
            max=CONNECTION_LOST_MESSAGE_MAX_LENGTH,
        )

    def roles(key, default):
        value = raw.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v in HALL_ROLES for v in value):
            errors[key] = _('Must be a list of hall roles, from: {names}. Course staff always may.').format(
                names=', '.join(HALL_ROLES))
            return tuple(default)
        return tuple(role for role in HALL_ROLES if role in value)

    upload_roles = roles('upload_roles', HALL_ROLES)
    reopen_roles = roles('reopen_roles', ('chief_invigilator',))

    if errors:
        raise InvalidCourseSettings(errors)
    return CourseDeliverySettings(
        enabled=enabled,
        autosave_interval_seconds=interval,
        connection_lost_message=message.strip(),
        allow_deliver_blank=allow_deliver_blank,
        upload_roles=upload_roles,
        reopen_roles=reopen_roles,
    )


def require_course(course_key):
    """
    ``(course key, CourseInfo)`` of an existing course.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = as_course_key(course_key)
    course = compat.get_course(course_key)
    if course is None:
        raise CourseNotFound(_('There is no course {course_id}.').format(course_id=course_key))
    return course_key, course


def _stored_settings(course_key):
    """``(course key, the course's raw offline_delivery settings or None)``; CourseNotFound when there is none."""
    course_key, course = require_course(course_key)
    return course_key, course.other_course_settings.get(COURSE_SETTINGS_KEY)


def get_course_delivery_settings(course_key):
    """
    Return the course's offline-delivery settings.

    Settings that were stored invalid (written around Studio's validation) are logged and read as the defaults,
    with offline delivery off: an exam never runs on half-understood settings.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key, raw = _stored_settings(course_key)
    try:
        return validate_course_settings(raw)
    except InvalidCourseSettings as error:
        log.warning('Invalid offline delivery settings stored for %s: %s', course_key, error.errors)
        return validate_course_settings({})


def check_course_settings(course_key):
    """
    The course's stored offline-delivery settings, checked: ``CourseSettingsCheck`` with one message per wrong key.
    Studio saves Other Course Settings as typed (it calls no plugin), so this is where a course team learns of a
    mistake: the plugin's course page shows it, and a check on each publish is audited.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key, raw = _stored_settings(course_key)
    try:
        validated = validate_course_settings(raw)
    except InvalidCourseSettings as error:
        return CourseSettingsCheck(course_id=str(course_key), present=raw is not None, valid=False, enabled=False,
                                   errors=dict(error.errors))
    return CourseSettingsCheck(course_id=str(course_key), present=raw is not None, valid=True,
                               enabled=validated.enabled, errors={})


#: The save path's settings, per course key: ``(read at, settings)`` on the monotonic clock of this process.
_recent_settings = {}


def read_recently(cache, key, read):
    """
    What ``read()`` returns for ``key``, as this process read it at most ``OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS``
    ago, else read now and kept in ``cache`` (``{key: (read at, value)}``, on the monotonic clock); 0 reads every
    time. The autosave's way to what staff set: every candidate's page saves every few seconds.
    """
    now = time.monotonic()
    read_at, value = cache.get(key, (None, None))
    if read_at is None or now - read_at >= settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS:
        value = read()
        cache[key] = (now, value)
    return value


def get_recent_course_delivery_settings(course_key):
    """
    The course's offline-delivery settings as read at most ``OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS`` ago by this
    process. For the autosave only: every candidate's page saves every few seconds, and in the LMS each fresh read
    loads the course from the modulestore. A change made in Studio reaches saves within that many seconds; the
    session start, the Monitor, uploads and the permission rules read the settings fresh.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = as_course_key(course_key)
    return read_recently(_recent_settings, course_key, lambda: get_course_delivery_settings(course_key))


def forget_recent_course_delivery_settings():
    """Drop this process's recent settings, so the next save reads them fresh (tests; a changed course)."""
    _recent_settings.clear()


def enabled_course_delivery_settings(course_id, recent=False):
    """
    The settings of a course that has offline delivery on, read fresh (or, for the autosave, ``recent``).

    Raises:
        CourseNotFound, OfflineDeliveryDisabled
    """
    read = get_recent_course_delivery_settings if recent else get_course_delivery_settings
    delivery = read(as_course_key(course_id))
    if not delivery.enabled:
        raise OfflineDeliveryDisabled(_('Offline delivery is not turned on for this course.'))
    return delivery
