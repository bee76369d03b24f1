"""
The edx-platform backend of ``offline_delivery_plugin.compat``.

This is, with the course tab (``compat/course_tab.py``), the only module of the plugin that imports edx-platform.
The imports are inside the functions so the module can be imported (and its signatures checked) where edx-platform
is not installed.
"""
# pylint: disable=import-error,import-outside-toplevel
from offline_delivery_plugin.data import CONTENT_ONLY_BLOCK_TYPES, Candidate, CourseInfo


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


def list_course_role_users(course_key, role):
    """
    ``CourseRole(role, course_key).users_with_role()`` (common/djangoapps/student/roles.py, read at
    openedx/openedx-platform c6607476: the legacy ``CourseAccessRole`` rows for a role openedx-authz does not map).
    """
    from common.djangoapps.student.roles import CourseRole

    return list(CourseRole(role, course_key).users_with_role().order_by('username'))


def grant_course_role(user, course_key, role):
    """
    ``CourseRole(role, course_key).add_users(user)``: one ``CourseAccessRole`` row (get_or_create there), as the
    Instructor Dashboard's membership list grants its roles; it silently skips an inactive account, which the
    plugin refuses before calling it.
    """
    from common.djangoapps.student.roles import CourseRole

    CourseRole(role, course_key).add_users(user)


def revoke_course_role(user, course_key, role):
    """
    ``CourseRole(role, course_key).remove_users(user)``.
    """
    from common.djangoapps.student.roles import CourseRole

    CourseRole(role, course_key).remove_users(user)


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
        elif block.location.block_type not in CONTENT_ONLY_BLOCK_TYPES:
            leaves.append(str(block.location))
    return leaves


def get_exam_unit_ids(user, course_key, content_id):  # pylint: disable=unused-argument
    """
    The subsection's children, the units the learning MFE shows one at a time (its sequence metadata lists the same:
    ``SequenceBlock.get_metadata``'s ``items``, xmodule/seq_block.py).
    """
    from opaque_keys.edx.keys import UsageKey
    from xmodule.modulestore.django import modulestore

    subsection = modulestore().get_item(UsageKey.from_string(content_id).map_into_course(course_key))
    return [str(child.location) for child in subsection.get_children()]


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


def load_learner_blocks(user, course_key, usage_ids):
    """
    Each block loaded for the learner outside a request, as the LMS's instructor tasks load a problem for
    rescoring: ``_get_module_instance_for_task`` in ``lms/djangoapps/instructor_task/tasks_helper/module_state.py``
    (read at openedx/openedx-platform e57a655d). The descriptor comes from the modulestore, mapped into the course;
    ``get_block_for_descriptor`` binds it to the learner with a ``FieldDataCache``, no request, no request token,
    and a track function built like the task's (``task_track`` with ``page``), without which the block's first
    event (capa's ``save_problem_success``) would call None. The caller saves with ``block.save()``, as
    ``rescore_problem_module_state`` does. ``tests/test_platform_contract.py`` states each call's contract.

    Where the task loads one block, a delivery loads all of an exam's answered problems at once: one
    ``FieldDataCache`` of every descriptor (``FieldDataCache(blocks, course_id, user)``, which reads the learner's
    state of all of them in one query per scope, ``lms/djangoapps/courseware/model_data.py`` at 35f87813), as the
    LMS renders a sequence's problems from one cache.
    """
    from common.djangoapps.track.views import task_track
    from lms.djangoapps.courseware.block_render import get_block_for_descriptor
    from lms.djangoapps.courseware.courses import get_course_by_id
    from lms.djangoapps.courseware.model_data import FieldDataCache
    from opaque_keys.edx.keys import UsageKey
    from xmodule.modulestore.django import modulestore
    from xmodule.modulestore.exceptions import ItemNotFoundError

    task_info = {'student': user.username, 'task_id': None}

    def track_function(event_type, event):
        task_track({}, task_info, event_type, event, page='offline_delivery')

    store = modulestore()
    blocks = {}
    with store.bulk_operations(course_key):
        course = get_course_by_id(course_key)
        descriptors = {}
        for usage_id in usage_ids:
            try:
                descriptors[usage_id] = store.get_item(UsageKey.from_string(usage_id).map_into_course(course_key))
            except ItemNotFoundError:
                continue
        field_data_cache = FieldDataCache(list(descriptors.values()), course_key, user)
        for usage_id, descriptor in descriptors.items():
            block = get_block_for_descriptor(
                user=user, request=None, block=descriptor, field_data_cache=field_data_cache,
                course_key=course_key, track_function=track_function, request_token=None, course=course,
            )
            if block is not None:
                blocks[usage_id] = block
    return blocks


def can_download_reports(user, course_key):
    """
    The LMS's permission for its own proctored exam results report, ``instructor.view_exam_results``
    (``permissions.EXAM_RESULTS``: course staff, which includes instructors and global staff), which the platform's
    ``get_proctored_exam_results`` requires (lms/djangoapps/instructor/permissions.py, read at openedx/openedx-platform
    8fe0640e: ``EXAM_RESULTS: is_course_staff``). Not ``instructor.research``, which only global staff and data
    researchers hold.
    """
    from lms.djangoapps.instructor import permissions

    return bool(user.is_authenticated and user.has_perm(permissions.EXAM_RESULTS, course_key))


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


def get_exam_courseware_url(course_key, content_id):
    """
    The exam's subsection in the learning MFE, as the LMS links to it: ``get_learning_mfe_courseware_url`` of
    ``openedx/features/course_experience/url_helpers.py`` (read at openedx/openedx-platform e57a655d:
    ``{LEARNING_MICROFRONTEND_URL}/course/{course_key}/{sequence_key}``).
    """
    from opaque_keys.edx.keys import UsageKey
    from openedx.features.course_experience.url_helpers import get_learning_mfe_courseware_url

    return get_learning_mfe_courseware_url(course_key, UsageKey.from_string(content_id))
