"""
The sandbox's backend for ``offline_delivery_plugin.compat``: the same functions as
``offline_delivery_plugin.compat.edx_platform``, answered from the sandbox's own tables.
"""
import hashlib

from django.conf import settings
from django.urls import reverse
from opaque_keys.edx.keys import UsageKey

from offline_delivery_plugin.data import CONTENT_ONLY_BLOCK_TYPES, Candidate, CourseInfo
from sandbox.host.models import (
    AnonymousUserId,
    Block,
    Course,
    CourseAccessRole,
    CourseEnrollment,
    UserPreference,
)

STAFF_ROLES = ('staff', 'instructor')


def get_course(course_key):
    """The course's ``CourseInfo``, or None."""
    course = Course.objects.filter(course_key=course_key).first()
    if course is None:
        return None
    return CourseInfo(
        course_key=course.course_key,
        display_name=course.display_name,
        enable_proctored_exams=course.enable_proctored_exams,
        allow_proctoring_opt_out=course.allow_proctoring_opt_out,
        other_course_settings=dict(course.other_course_settings),
    )


def _has_role(user, course_key, roles):
    if not user.is_authenticated:
        return False
    return CourseAccessRole.objects.filter(user=user, course__course_key=course_key, role__in=roles).exists()


def is_course_staff(user, course_key):
    """Course staff or instructor role, or global staff (``is_staff``), as the LMS's ``has_access``."""
    return bool(user.is_authenticated and (user.is_staff or _has_role(user, course_key, STAFF_ROLES)))


def is_course_instructor(user, course_key):
    """Course instructor role, or global staff."""
    return bool(user.is_authenticated and (user.is_staff or _has_role(user, course_key, ('instructor',))))


def has_course_role(user, course_key, role):
    """The course access role ``role``."""
    return _has_role(user, course_key, (role,))


def list_course_role_users(course_key, role):
    """The holders of the course access role, by username (``CourseRole.users_with_role``)."""
    user_model = CourseAccessRole._meta.get_field('user').related_model
    return list(user_model.objects.filter(courseaccessrole__course__course_key=course_key,
                                          courseaccessrole__role=role).order_by('username'))


def grant_course_role(user, course_key, role):
    """One ``CourseAccessRole`` row, made once (``CourseRole.add_users``: get_or_create; inactive accounts skipped)."""
    if user.is_authenticated and user.is_active:
        CourseAccessRole.objects.get_or_create(user=user, course=Course.objects.get(course_key=course_key), role=role)


def revoke_course_role(user, course_key, role):
    """The row deleted, if there is one (``CourseRole.remove_users``)."""
    CourseAccessRole.objects.filter(user=user, course__course_key=course_key, role=role).delete()


def get_enrollment_mode(user, course_key):
    """The mode of the active enrollment, or None."""
    if not user.is_authenticated:
        return None
    enrollment = CourseEnrollment.objects.filter(user=user, course__course_key=course_key, is_active=True).first()
    return enrollment.mode if enrollment else None


def get_anonymous_user_id(user, course_key):
    """A stable per-course anonymous id, computed like the LMS's (a keyed hash), stored on first use."""
    course = Course.objects.get(course_key=course_key)
    existing = AnonymousUserId.objects.filter(user=user, course=course).first()
    if existing:
        return existing.anonymous_user_id
    digest = hashlib.md5(f'{settings.SECRET_KEY}{user.id}{course_key}'.encode(), usedforsecurity=False).hexdigest()
    return AnonymousUserId.objects.get_or_create(user=user, course=course, defaults={
        'anonymous_user_id': digest,
    })[0].anonymous_user_id


def get_exam_item_ids(user, course_key, content_id):  # pylint: disable=unused-argument
    """The leaf blocks under the subsection, depth first in course order (the sandbox does not randomise)."""
    usage_key = UsageKey.from_string(content_id)
    root = Block.objects.filter(usage_key=usage_key, course__course_key=course_key).first()
    if root is None:
        return []
    blocks = list(Block.objects.filter(course_id=root.course_id))
    children = {}
    for block in blocks:
        children.setdefault(block.parent_id, []).append(block)
    leaves = []
    stack = list(reversed(children.get(root.id, [])))
    while stack:
        block = stack.pop()
        if block.id in children:
            stack.extend(reversed(children[block.id]))
        elif block.block_type not in CONTENT_ONLY_BLOCK_TYPES:
            leaves.append(str(block.usage_key))
    return leaves


def get_exam_unit_ids(user, course_key, content_id):  # pylint: disable=unused-argument
    """The subsection's units in course order, as the sandbox's sequence metadata lists them."""
    root = Block.objects.filter(usage_key=UsageKey.from_string(content_id), course__course_key=course_key).first()
    if root is None:
        return []
    return [str(key) for key in root.children.filter(block_type='vertical').order_by('position', 'id')
            .values_list('usage_key', flat=True)]


def list_enrolled_candidates(course_key):
    """Active enrollments, one query, read as rows (a hall of thousands makes no model instances)."""
    return [
        Candidate(user_id=user_id, username=username, full_name=f'{first_name} {last_name}'.strip(), mode=mode)
        for user_id, username, first_name, last_name, mode in CourseEnrollment.objects.filter(
            course__course_key=course_key, is_active=True).values_list(
            'user_id', 'user__username', 'user__first_name', 'user__last_name', 'mode')
    ]


def get_display_names(course_key, usage_ids):
    """Display names from the course tree."""
    blocks = Block.objects.filter(course__course_key=course_key, usage_key__in=[
        UsageKey.from_string(usage_id) for usage_id in usage_ids])
    names = {str(block.usage_key): block.display_name for block in blocks}
    return {usage_id: names.get(usage_id, usage_id) for usage_id in usage_ids}


def can_download_reports(user, course_key):
    """
    The LMS's ``instructor.view_exam_results`` (``EXAM_RESULTS: is_course_staff``, openedx-platform 8fe0640e
    lms/djangoapps/instructor/permissions.py): course staff and instructors, or global staff; a data researcher
    alone does not hold it.
    """
    return is_course_staff(user, course_key)


def load_learner_blocks(user, course_key, usage_ids):
    """
    The learner's blocks in the sandbox's runtime for that learner (one runtime, the learner's state of all of
    them read in one query), with the sandbox's track function. Blocks not in the course are left out.
    """
    # pylint: disable=import-outside-toplevel
    from sandbox.host.runtime import SandboxRuntime

    course = Course.objects.get(course_key=course_key)
    runtime = SandboxRuntime(user, course)
    wanted = [usage_id for usage_id in usage_ids if usage_id in runtime.blocks]
    runtime.state.prefetch(wanted)
    return {usage_id: runtime.get_block(usage_id) for usage_id in wanted}


def get_user_language(user):
    """The account's language (``pref-lang``), as the LMS's user preferences keep it; None when not chosen."""
    return UserPreference.objects.filter(user=user, key=UserPreference.LANGUAGE).values_list(
        'value', flat=True).first()


def get_course_home_url(course_key):
    """The sandbox's course outline, standing in for the learning MFE's course home."""
    return reverse('host:course', args=[str(course_key)])


def get_exam_courseware_url(course_key, content_id):
    """The exam's subsection in the sandbox's learning MFE shell, at the route the real MFE has
    (``/course/<course>/<sequence>``, as ``get_learning_mfe_courseware_url`` builds it)."""
    return f'{settings.LEARNING_MICROFRONTEND_URL}/course/{course_key}/{content_id}'
