"""
Where the candidate page starts: the HTML that an exam unit in progress gets (through the unit-render filter,
``extensions.filters``), and the exam-file page the learning MFE's slot frames beside the sequence (the page that
remains once frontend-lib-special-exams has replaced the sequence at the end of the time), and nothing anywhere else.
"""
from django.template.loader import render_to_string

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.course_settings import get_course_delivery_settings
from offline_delivery_plugin.exceptions import CourseNotFound

__all__ = [
    'get_exam_file_page',
    'render_candidate_page',
]


def _attempt_in_progress(user_id, course_key, content_id):
    """The user's attempt in progress at the exam ``content_id`` of a course with offline delivery on, or None."""
    try:
        if not get_course_delivery_settings(course_key).enabled:
            return None
        exam = proctoring.get_exam_by_content_id(str(course_key), content_id)
    except (CourseNotFound, proctoring.ProctoredExamNotFoundException):
        return None
    attempt = proctoring.get_current_exam_attempt(exam['id'], user_id) if exam['is_active'] else None
    if not attempt or not proctoring.is_in_progress(attempt['status']):
        return None
    return attempt


def render_candidate_page(user_id, course_key, content_id, exam_root='body'):
    """
    The HTML that starts the candidate page in an exam unit, or '' when it does not belong there: the course has
    offline delivery off, the subsection is no exam, or the user has no attempt in progress.
    """
    attempt = _attempt_in_progress(user_id, course_key, content_id)
    if attempt is None:
        return ''
    return render_to_string('offline_delivery_plugin/candidate_page.html', {
        'attempt_id': attempt['id'], 'exam_root': exam_root,
        # Where the learner takes the exam (the learning MFE's page of the subsection): the way back after a
        # reopening, which the library's screens, not the unit, lead through.
        'exam_url': proctoring.get_exam_url(str(course_key), content_id),
    })


def get_exam_file_page(user, course_key, content_id):
    """
    What the exam-file page of the exam ``content_id`` shows ``user``: ``{"attempt_id"}``, the attempt in progress
    whose answers the page offers as a file once the time is up and no unit of the exam is open any more, or None
    as ``attempt_id`` when there is none (the page then waits for an attempt to start on this device), and
    ``exam_url``, where the learner takes the exam.
    """
    attempt = _attempt_in_progress(user.id, course_key, content_id)
    return {'attempt_id': attempt['id'] if attempt else None,
            'exam_url': proctoring.get_exam_url(str(course_key), content_id)}
