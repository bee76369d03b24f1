"""
Where the candidate page starts: the HTML that an exam unit in progress gets (through the unit-render filter,
``extensions.filters``), and nothing anywhere else.
"""
from django.template.loader import render_to_string

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.course_settings import get_course_delivery_settings
from offline_delivery_plugin.exceptions import CourseNotFound

__all__ = [
    'render_candidate_page',
]


def render_candidate_page(user_id, course_key, content_id, exam_root='body'):
    """
    The HTML that starts the candidate page in an exam unit, or '' when it does not belong there: the course has
    offline delivery off, the subsection is no exam, or the user has no attempt in progress.
    """
    try:
        if not get_course_delivery_settings(course_key).enabled:
            return ''
        exam = proctoring.get_exam_by_content_id(str(course_key), content_id)
    except (CourseNotFound, proctoring.ProctoredExamNotFoundException):
        return ''
    attempt = proctoring.get_current_exam_attempt(exam['id'], user_id) if exam['is_active'] else None
    if not attempt or not proctoring.is_in_progress(attempt['status']):
        return ''
    return render_to_string('offline_delivery_plugin/candidate_page.html', {
        'attempt_id': attempt['id'], 'exam_root': exam_root,
    })
