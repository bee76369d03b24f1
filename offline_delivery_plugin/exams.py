"""
A course's exams as edx-proctoring holds them, and the attempts at one of them: the one place that finds an exam
from the course and content id in a URL, and an attempt only if it is one at that exam.
"""
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.course_settings import require_course
from offline_delivery_plugin.data import ExamSummary
from offline_delivery_plugin.exceptions import AttemptNotFound, ExamNotFound

__all__ = [
    'PROCTORED_MODES',
    'get_active_exam',
    'get_attempt_at_exam',
    'list_course_exams',
]

#: The enrollment tracks that may take a proctored exam (edx-platform's verified-like course modes).
PROCTORED_MODES = ('verified', 'professional', 'no-id-professional', 'masters', 'executive-education')


def list_course_exams(course_key):
    """
    Return the course's active timed, proctored and practice exams, in the order edx-proctoring lists them.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = require_course(course_key)[0]
    return [
        ExamSummary(
            exam_id=exam['id'],
            course_id=exam['course_id'],
            content_id=exam['content_id'],
            exam_name=exam['exam_name'],
            time_limit_mins=exam['time_limit_mins'],
            is_proctored=exam['is_proctored'],
            is_practice_exam=exam['is_practice_exam'],
            is_active=exam['is_active'],
        )
        for exam in proctoring.get_all_exams_for_course(str(course_key), active_only=True)
    ]


def get_active_exam(course_key, content_id):
    """
    edx-proctoring's exam (a dict) of this course and content id, if it is active.

    Raises:
        ExamNotFound: no such exam in the course, or it is inactive.
    """
    try:
        exam = proctoring.get_exam_by_content_id(str(course_key), content_id)
    except proctoring.ProctoredExamNotFoundException as error:
        raise ExamNotFound(_('There is no such exam in this course.')) from error
    if exam is None or not exam['is_active']:
        raise ExamNotFound(_('There is no such exam in this course.'))
    return exam


def get_attempt_at_exam(course_key, content_id, attempt_id, with_user=False):
    """
    The attempt (edx-proctoring's model instance), if it is one at this exam of this course: the URL's course is
    the one the permission was checked for. ``with_user`` reads the candidate in the same query.

    Raises:
        ExamNotFound, AttemptNotFound
    """
    exam = get_active_exam(course_key, content_id)
    attempts = proctoring.Attempt.objects.filter(id=attempt_id, proctored_exam_id=exam['id'])
    attempt = (attempts.select_related('user') if with_user else attempts).first()
    if attempt is None:
        raise AttemptNotFound(_('This candidate has no attempt at this exam.'))
    return attempt
