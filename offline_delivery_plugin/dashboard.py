"""
The course's "Offline delivery & proctoring" page: what the Instructor Dashboard tab shows (and invigilators reach
directly): every exam with its Monitor and, for course staff, its invigilator password and the audit log.
"""
import logging

from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.audit import record_audit_event
from offline_delivery_plugin.course_settings import as_course_key, check_course_settings
from offline_delivery_plugin.data import CourseDashboard, DashboardExam
from offline_delivery_plugin.exams import list_course_exams
from offline_delivery_plugin.keyring import password_settings
from offline_delivery_plugin.models import AuditEvent

__all__ = [
    'check_published_course_settings',
    'get_course_dashboard',
]

log = logging.getLogger(__name__)


def check_published_course_settings(course_key):
    """
    After Studio published the course: check its offline-delivery settings and put the result in the course's audit
    log (``course_settings``: ok, or refused with the message of each wrong key), where the course page shows it
    too; a wrong setting is also logged as a warning. Nothing is recorded for a course that does not use the plugin.

    Returns the ``CourseSettingsCheck``.
    """
    course_key = as_course_key(course_key)
    check = check_course_settings(course_key)
    if check.present:
        record_audit_event(course_key, 'course_settings',
                           AuditEvent.OK if check.valid else AuditEvent.REFUSED, channel='publish',
                           enabled=check.enabled, errors=dict(check.errors))
    if not check.valid:
        log.warning('offline_delivery_plugin: the offline delivery settings of %s, as published, are not valid '
                    '(offline delivery stays off): %s', check.course_id, check.errors)
    return check


def get_course_dashboard(course_key):
    """
    The course's name and exams, each with when and by whom its invigilator password was last set (never the
    password). A fixed number of queries whatever the number of exams.

    Raises:
        CourseNotFound: when there is no such course.
    """
    exams = list_course_exams(course_key)
    # One query for every exam's review rules (edx-proctoring's API reads them one exam at a time).
    review_rules = dict(proctoring.ReviewPolicy.objects.filter(
        proctored_exam_id__in=[exam.exam_id for exam in exams]).values_list('proctored_exam_id', 'review_policy'))
    passwords = password_settings(course_key)
    return CourseDashboard(course_id=str(course_key), course_name=compat.get_course(course_key).display_name, exams=[
        DashboardExam(
            exam=exam,
            password_set_at=passwords.get(exam.content_id, (None, ''))[0],
            password_set_by=passwords.get(exam.content_id, (None, ''))[1],
            review_rules=review_rules.get(exam.exam_id, ''),
        )
        for exam in exams
    ])
