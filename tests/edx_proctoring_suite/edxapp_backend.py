"""
The compat backend of the with-plugin run: an LMS whose modulestore holds no course.

edx-proctoring's tests make exams for course ids that exist nowhere but in its own tables, and edx-platform is not
installed, so neither the plugin's default backend (``offline_delivery_plugin.compat.edx_platform``, which imports
the platform) nor the sandbox's (which needs the sandbox's tables and app) fits. The plugin's receivers do not use
the backend at all (a sync reads edx-proctoring's attempt); the start gate asks for the course and, like the LMS for
an unknown course, gets None and lets the start through. Every other function answers as such an LMS would.
"""
import hashlib

from django.conf import settings


def get_course(course_key):
    """No course: the host has no modulestore."""
    return None


def is_course_staff(user, course_key):
    """Global staff only: there are no course roles."""
    return bool(user.is_authenticated and user.is_staff)


def is_course_instructor(user, course_key):
    """Global staff only."""
    return is_course_staff(user, course_key)


def has_course_role(user, course_key, role):
    """There are no course roles."""
    return False


def get_enrollment_mode(user, course_key):
    """There are no enrollments."""
    return None


def get_anonymous_user_id(user, course_key):
    """A keyed per-course hash, as the LMS computes its anonymous ids."""
    return hashlib.md5(f'{settings.SECRET_KEY}{user.id}{course_key}'.encode(), usedforsecurity=False).hexdigest()


def get_exam_item_ids(user, course_key, content_id):
    """No course content."""
    return []


def list_enrolled_candidates(course_key):
    """No enrollments."""
    return []


def get_display_names(course_key, usage_ids):
    """Each id names itself: there is no course tree."""
    return {usage_id: usage_id for usage_id in usage_ids}


def apply_item_answers(user, course_key, item_answers):
    """Every item is refused: there is no course content."""
    return dict.fromkeys(item_answers, 'This item is no longer in the course.')


def can_download_reports(user, course_key):
    """Global staff only."""
    return is_course_staff(user, course_key)


def get_user_language(user):
    """No language preference."""
    return None


def get_course_home_url(course_key):
    """No course pages: the site's root."""
    return '/'


def get_exam_courseware_url(course_key, content_id):
    """No learning MFE: the exam's path under the site's root."""
    return f'/course/{course_key}/{content_id}'
