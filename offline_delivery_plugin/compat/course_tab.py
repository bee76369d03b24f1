"""
The plugin's course tab, *Offline delivery & proctoring*, for the LMS.

The LMS finds it through the ``openedx.course_tab`` entry point (setup.py), as it finds its own tabs
(``openedx/core/lib/course_tabs.py``, ``CourseTabPluginManager``). A dynamic tab: ``get_course_tab_list``
(``lms/djangoapps/courseware/tabs.py``, ``_get_dynamic_tabs``) builds it as ``tab_type({})`` and shows it to
each user for whom ``is_enabled(course, user=user)`` holds, and the learning MFE shows every tab that list gives
(``course_home_api/course_metadata``), so course staff, invigilators and chief invigilators reach the plugin's course
page from the course's tab bar, in every release, with or without the Instructor Dashboard. Read at
openedx/openedx-platform e57a655d (``xmodule/tabs.py``, ``openedx/core/lib/course_tabs.py``) and 2bd610a4
(``lms/djangoapps/courseware/tabs.py``); modelled on the platform's ``InstructorDashboardTab``.

Only the LMS imports this module (it needs ``xmodule``); the permission is checked by name through Django's
authentication backends, which in the LMS include ``rules``' (edx-proctoring needs it too).
"""
# pylint: disable=import-error
from django.urls import reverse
from django.utils.translation import gettext_noop
from xmodule.tabs import CourseTab

#: The plugin's permission to see the course's exams (``offline_delivery_plugin.rules.VIEW_EXAMS``).
VIEW_EXAMS_PERMISSION = 'offline_delivery_plugin.view_exams'


def _link(course, reverse_func=reverse):
    return reverse_func('offline_delivery_plugin:course-dashboard', kwargs={'course_id': str(course.id)})


def _is_masquerading_as_learner(user, course_key):
    try:
        from lms.djangoapps.courseware.masquerade import get_masquerade_role  # pylint: disable=import-outside-toplevel
    except ImportError:  # Studio, which lists no dynamic tab
        return False
    return get_masquerade_role(user, course_key) == 'student'


class OfflineDeliveryCourseTab(CourseTab):
    """The course tab of the plugin's page: its exams, their Monitors, and for course staff their settings."""

    type = 'offline_delivery'
    title = gettext_noop('Offline delivery & proctoring')
    #: Right after the platform's Instructor tab (300).
    priority = 310
    view_name = 'offline_delivery_plugin:course-dashboard'
    is_dynamic = True
    is_default = False
    is_hideable = False

    def __init__(self, tab_dict):
        super().__init__({**tab_dict, 'link_func': _link})

    @classmethod
    def is_enabled(cls, course, user=None):
        """Course staff, chief invigilators and invigilators of the course, unless staff view it as a learner."""
        return bool(user is not None and user.is_authenticated and user.has_perm(VIEW_EXAMS_PERMISSION, course.id)
                    and not _is_masquerading_as_learner(user, course.id))
