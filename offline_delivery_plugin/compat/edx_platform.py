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
    """
    Active enrollments with the learner's profile name, in one query, read as rows (a hall of thousands makes no
    model instances; a learner without a profile has no name).
    """
    from common.djangoapps.student.models import CourseEnrollment

    return [
        Candidate(user_id=user_id, username=username, full_name=name or '', mode=mode)
        for user_id, username, name, mode in CourseEnrollment.objects.filter(
            course_id=course_key, is_active=True).values_list('user_id', 'user__username', 'user__profile__name',
                                                              'mode')
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


def apply_item_answers(user, course_key, item_answers):
    """
    Put each answer into the learner's state of its problem the way the learner's own Save does.

    The block is loaded for the learner outside a request, as the LMS's instructor tasks do for rescoring
    (``FieldDataCache`` for the block, then ``get_block_for_descriptor`` without a request). A capa problem takes
    the answer through its ``problem_save`` AJAX action (saved, not graded: grading follows the course's own
    rules when the exam is submitted). Blocks without a save action the plugin knows are reported, not guessed at;
    the plugin keeps their answers for staff either way.
    """
    from django.db import transaction
    from lms.djangoapps.courseware.block_render import get_block_for_descriptor
    from lms.djangoapps.courseware.model_data import FieldDataCache
    from opaque_keys.edx.keys import UsageKey
    from webob.multidict import MultiDict
    from xmodule.modulestore.django import modulestore

    store = modulestore()
    refused = {}
    for usage_id, fields in item_answers.items():
        try:
            with transaction.atomic():
                descriptor = store.get_item(UsageKey.from_string(usage_id).map_into_course(course_key))
                cache = FieldDataCache.cache_for_block_descendents(course_key, user, descriptor)
                block = get_block_for_descriptor(user, None, descriptor, cache, course_key)
                if block is None or descriptor.category != 'problem':
                    refused[usage_id] = 'The plugin does not know how to save answers into this kind of item.'
                    continue
                inputs = list(block.lcp.inputs)
                if '' in fields and len(inputs) == 1:
                    data = MultiDict({f'input_{inputs[0]}': fields['']})
                else:
                    data = MultiDict({name: value for name, value in fields.items() if name})
                result = block.save_problem(data)
                if not result.get('success'):
                    refused[usage_id] = str(result.get('msg') or 'The problem did not save the answer.')
                    transaction.set_rollback(True)
        except Exception as error:  # pylint: disable=broad-except
            # One problem's failure must not refuse the whole delivery: the answer stays with the plugin.
            refused[usage_id] = f'The problem could not take the answer ({type(error).__name__}).'
    return refused


def can_download_reports(user, course_key):
    """
    The LMS's permission for the Data Download reports (``instructor.research``, held by course staff, instructors
    and data researchers), as its own proctored results report checks.
    """
    from lms.djangoapps.instructor import permissions

    return bool(user.is_authenticated and user.has_perm(permissions.CAN_RESEARCH, course_key))


def get_user_language(user):
    """
    The language the user chose in their account settings (the LMS's ``pref-lang`` preference), or None.
    """
    from openedx.core.djangoapps.lang_pref import LANGUAGE_KEY
    from openedx.core.djangoapps.user_api.preferences.api import get_user_preference

    return get_user_preference(user, LANGUAGE_KEY)


def get_course_home_url(course_key):
    """
    The learning MFE's course home, as the LMS links to it: ``get_learning_mfe_home_url`` of
    ``openedx/features/course_experience/url_helpers.py`` (read at openedx/openedx-platform e57a655d).
    """
    from openedx.features.course_experience.url_helpers import get_learning_mfe_home_url

    return get_learning_mfe_home_url(course_key, url_fragment='home')
