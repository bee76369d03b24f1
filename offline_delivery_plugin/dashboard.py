"""
The course's "Offline delivery & proctoring" page: what the Instructor Dashboard tab shows (and invigilators reach
directly): every exam with its Monitor and, for course staff, its invigilator password and the audit log.
"""
from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.data import CourseDashboard, DashboardExam
from offline_delivery_plugin.exams import list_course_exams
from offline_delivery_plugin.keyring import password_settings

__all__ = [
    'get_course_dashboard',
]


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
