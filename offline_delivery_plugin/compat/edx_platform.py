"""
The edx-platform backend of ``offline_delivery_plugin.compat``.

This is the only module of the plugin that imports edx-platform. The imports are inside the functions so the
module can be imported (and its signatures checked) where edx-platform is not installed.
"""
# pylint: disable=import-error,import-outside-toplevel
from offline_delivery_plugin.data import Candidate, CourseInfo


def get_course(course_key):
    """
    Return ``CourseInfo`` for the course from the modulestore, or None.
    """
    from xmodule.modulestore.django import modulestore

    course = modulestore().get_course(course_key)
    if course is None:
        return None
    return CourseInfo(
        course_key=course.id,
        display_name=course.display_name_with_default,
        enable_proctored_exams=bool(course.enable_proctored_exams),
        allow_proctoring_opt_out=bool(course.allow_proctoring_opt_out),
        other_course_settings=dict(course.other_course_settings or {}),
    )


def is_course_staff(user, course_key):
    """
    Course staff, course instructor or global staff, as the LMS's ``has_access(user, 'staff', course_key)``.
    """
    from lms.djangoapps.courseware.access import has_access

    return bool(has_access(user, 'staff', course_key))


def is_course_instructor(user, course_key):
    """
    Course instructor (admin) or global staff, as ``has_access(user, 'instructor', course_key)``.
    """
    from lms.djangoapps.courseware.access import has_access

    return bool(has_access(user, 'instructor', course_key))


def has_course_role(user, course_key, role):
    """
    The plugin's roles are course access roles, checked like every other course role in the LMS.
    """
    from common.djangoapps.student.roles import CourseRole

    return CourseRole(role, course_key).has_user(user)


def get_enrollment_mode(user, course_key):
    """
    The mode of the user's active enrollment, or None.
    """
    from common.djangoapps.student.models import CourseEnrollment

    mode, is_active = CourseEnrollment.enrollment_mode_for_user(user, course_key)
    return mode if is_active else None


def get_anonymous_user_id(user, course_key):
    """
    The LMS's per-course anonymous id (``anonymous_id_for_user``), as XBlocks and the proctoring report see it.
    """
    from common.djangoapps.student.models import anonymous_id_for_user

    return anonymous_id_for_user(user, course_key)


def get_exam_item_ids(user, course_key, content_id):
    """
    The leaf blocks of the subsection, in course order.

    Per-user randomisation (library content, randomised problem banks) is resolved by the LMS when the unit is
    rendered; the candidate page reports the items it actually rendered, which is what the Monitor shows.
    This walk gives the authored order and is what the page's report is checked against.
    """
    from opaque_keys.edx.keys import UsageKey
    from xmodule.modulestore.django import modulestore

    store = modulestore()
    subsection = store.get_item(UsageKey.from_string(content_id).map_into_course(course_key))
    leaves = []
    stack = list(reversed(subsection.get_children()))
    while stack:
        block = stack.pop()
        if block.has_children:
            stack.extend(reversed(block.get_children()))
        else:
            leaves.append(str(block.location))
    return leaves


def list_enrolled_candidates(course_key):
    """Active enrollments with the learner's profile name, in one query."""
    from common.djangoapps.student.models import CourseEnrollment

    enrollments = CourseEnrollment.objects.filter(course_id=course_key, is_active=True).select_related(
        'user', 'user__profile')
    return [
        Candidate(user_id=e.user_id, username=e.user.username,
                  full_name=getattr(getattr(e.user, 'profile', None), 'name', '') or '', mode=e.mode)
        for e in enrollments
    ]


def get_display_names(course_key, usage_ids):
    """Display names from the modulestore."""
    from opaque_keys.edx.keys import UsageKey
    from xmodule.modulestore.django import modulestore

    store = modulestore()
    names = {}
    for usage_id in usage_ids:
        try:
            names[usage_id] = store.get_item(UsageKey.from_string(usage_id).map_into_course(course_key)).display_name
        except Exception:
            names[usage_id] = usage_id
    return names
