"""
The one door to the host platform.

Everything the plugin needs from edx-platform goes through the functions below. Each delegates to the backend
module named by ``settings.OFFLINE_DELIVERY_EDXAPP_BACKEND``: ``offline_delivery_plugin.compat.edx_platform`` in
the LMS and Studio (with ``compat.course_tab``, the course tab's class that only the LMS loads, the only modules of
the plugin that import edx-platform), or the sandbox host's module, which provides the same functions over its own
tables. ``tests/test_compat.py`` checks that both backends offer exactly
these functions with the same signatures.
"""
from functools import cache
from importlib import import_module

from django.conf import settings

__all__ = [
    'can_download_reports',
    'get_anonymous_user_id',
    'get_course',
    'get_course_home_url',
    'get_display_names',
    'get_enrollment_mode',
    'get_exam_courseware_url',
    'get_exam_item_ids',
    'get_exam_unit_ids',
    'get_user_language',
    'grant_course_role',
    'has_course_role',
    'is_course_instructor',
    'is_course_staff',
    'list_course_role_users',
    'list_enrolled_candidates',
    'load_learner_blocks',
    'revoke_course_role',
]

#: The functions every backend must provide, with the signatures of the wrappers below.
BACKEND_FUNCTIONS = (
    'get_course',
    'is_course_staff',
    'is_course_instructor',
    'has_course_role',
    'list_course_role_users',
    'grant_course_role',
    'revoke_course_role',
    'get_enrollment_mode',
    'get_anonymous_user_id',
    'get_exam_item_ids',
    'get_exam_unit_ids',
    'list_enrolled_candidates',
    'get_display_names',
    'load_learner_blocks',
    'can_download_reports',
    'get_user_language',
    'get_course_home_url',
    'get_exam_courseware_url',
)


@cache
def _load_backend(path):
    return import_module(path)


def _backend():
    # Read at call time, never at import time, so ``override_settings`` and late host settings work.
    return _load_backend(settings.OFFLINE_DELIVERY_EDXAPP_BACKEND)


def get_course(course_key):
    """
    Return the course as ``offline_delivery_plugin.data.CourseInfo``, or None when there is no such course.

    Arguments:
        course_key (CourseKey): the course.
    """
    return _backend().get_course(course_key)


def is_course_staff(user, course_key):
    """
    Return True when ``user`` is course staff or instructor of the course, or global staff.
    """
    return _backend().is_course_staff(user, course_key)


def is_course_instructor(user, course_key):
    """
    Return True when ``user`` is instructor (admin) of the course, or global staff.
    """
    return _backend().is_course_instructor(user, course_key)


def has_course_role(user, course_key, role):
    """
    Return True when ``user`` holds the course access role ``role`` (one of ``offline_delivery_plugin.roles``).
    """
    return _backend().has_course_role(user, course_key, role)


def list_course_role_users(course_key, role):
    """
    The users who hold the course access role ``role`` in the course, ordered by username.
    """
    return _backend().list_course_role_users(course_key, role)


def grant_course_role(user, course_key, role):
    """
    Give ``user`` (an active account) the course access role ``role`` in the course; a no-op when they hold it.
    """
    return _backend().grant_course_role(user, course_key, role)


def revoke_course_role(user, course_key, role):
    """
    Take the course access role ``role`` in the course from ``user``; a no-op when they do not hold it.
    """
    return _backend().revoke_course_role(user, course_key, role)


def get_enrollment_mode(user, course_key):
    """
    Return the mode of the user's active enrollment ('verified', 'audit', ...), or None when not enrolled.
    """
    return _backend().get_enrollment_mode(user, course_key)


def get_anonymous_user_id(user, course_key):
    """
    Return the user's anonymous id for the course: what a delivery file names the candidate by.
    """
    return _backend().get_anonymous_user_id(user, course_key)


def get_exam_item_ids(user, course_key, content_id):
    """
    Return the usage ids of the answerable items of the exam subsection ``content_id``, in the order ``user`` sees
    (its leaf blocks, but for those of ``data.CONTENT_ONLY_BLOCK_TYPES``).

    Arguments:
        user: the candidate (randomised content differs per user).
        course_key (CourseKey): the course.
        content_id (str): the exam subsection's usage id, as edx-proctoring stores it.
    """
    return _backend().get_exam_item_ids(user, course_key, content_id)


def get_exam_unit_ids(user, course_key, content_id):
    """
    Return the usage ids of the units (verticals) of the exam subsection ``content_id``, in course order: the pages
    the learning MFE shows one at a time, each from the LMS's ``render_xblock`` (``/xblock/<usage id>``), which the
    candidate page keeps for use without the network.

    Arguments:
        user: the candidate.
        course_key (CourseKey): the course.
        content_id (str): the exam subsection's usage id, as edx-proctoring stores it.
    """
    return _backend().get_exam_unit_ids(user, course_key, content_id)


def list_enrolled_candidates(course_key):
    """
    Every active enrollment of the course as ``offline_delivery_plugin.data.Candidate`` (one query: the Monitor
    lists hundreds at a time).
    """
    return _backend().list_enrolled_candidates(course_key)


def get_display_names(course_key, usage_ids):
    """
    ``{usage_id: display name}`` for the given blocks of the course (the names staff see beside answers).
    """
    return _backend().get_display_names(course_key, usage_ids)


def load_learner_blocks(user, course_key, usage_ids):
    """
    Load the learner's blocks outside a request, bound to the learner's state, ready to be written and saved: the
    one host-specific step of the applier (``offline_delivery_plugin.problems``).

    The LMS backend loads each block as its instructor tasks do for rescoring (``get_block_for_descriptor`` with
    no request, a ``FieldDataCache`` of the block, and a track function for the block's events); the caller
    calls the block's own methods and then ``save()``.

    Arguments:
        user: the candidate.
        course_key (CourseKey): the course.
        usage_ids (list): usage id strings.

    Returns:
        dict: ``{usage_id: block}`` for each block that exists and that the learner may load; the others are left
        out.
    """
    return _backend().load_learner_blocks(user, course_key, usage_ids)


def can_download_reports(user, course_key):
    """
    Return True when ``user`` may generate and download the course's data reports (the Instructor Dashboard's
    *Data Download*): the proctored results report holds learners' emails.
    """
    return _backend().can_download_reports(user, course_key)


def get_user_language(user):
    """
    Return the language code the user chose for the LMS (the ``pref-lang`` preference), or None when they chose
    none: what an e-mail to them is written in.
    """
    return _backend().get_user_language(user)


def get_course_home_url(course_key):
    """
    Return the URL of the course's home page for learners and staff (the learning MFE's course home in the LMS):
    where the plugin's pages link back to.
    """
    return _backend().get_course_home_url(course_key)


def get_exam_courseware_url(course_key, content_id):
    """
    Return the URL of the exam (its subsection, ``content_id``) in the learning MFE: where Safe Exam Browser starts
    for it (the ``.seb`` file's ``startURL``).
    """
    return _backend().get_exam_courseware_url(course_key, content_id)
