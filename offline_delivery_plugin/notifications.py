"""
E-mail to a learner when course staff decide their exam request: what was decided, what was granted, the course
team's note, and the link to the exam's page where the answer also stands. Written in the learner's own language
(their LMS language preference) and sent by a Celery task after the decision is committed: a mail server that is
down delays the e-mail, never the decision (``tasks.schedule_request_decided_email``).
"""
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.models import ExamRequest

log = logging.getLogger(__name__)

__all__ = [
    'request_decided_email',
    'send_request_decided_email',
]

TEMPLATES = 'offline_delivery_plugin/emails/'


def request_decided_email(request_id):
    """
    The e-mail telling the learner how their request was decided, or None when there is nothing to send: the
    request is gone or not decided, or the learner has no e-mail address.
    """
    row = ExamRequest.objects.select_related('user').filter(
        id=request_id, status__in=(ExamRequest.APPROVED, ExamRequest.DENIED)).first()
    if row is None or not row.user.email:
        return None
    course = compat.get_course(row.course_id)
    try:
        exam = proctoring.get_exam_by_id(row.exam_id)
    except proctoring.ProctoredExamNotFoundException:
        return None
    approved = row.status == ExamRequest.APPROVED
    context = {
        'learner_name': row.user.get_full_name() or row.user.username,
        'course_name': course.display_name if course else str(row.course_id),
        'exam_name': exam['exam_name'],
        'kind': row.kind,
        'approved': approved,
        'extra_minutes': proctoring.additional_time_granted(row.exam_id, row.user_id)
        if approved and row.kind == ExamRequest.ADDITIONAL_TIME else None,
        'allowance_text': row.granted if row.kind == ExamRequest.SPECIAL_ALLOWANCE else '',
        'note': row.decision_note,
        'exam_url': settings.LMS_ROOT_URL.rstrip('/') + reverse(
            'offline_delivery_plugin:exam-requests', kwargs={'course_id': str(row.course_id),
                                                             'content_id': row.content_id}),
        'platform_name': settings.PLATFORM_NAME,
    }
    with translation.override(compat.get_user_language(row.user) or settings.LANGUAGE_CODE):
        subject = ' '.join(render_to_string(TEMPLATES + 'request_decided_subject.txt', context).split())
        body = render_to_string(TEMPLATES + 'request_decided_body.txt', context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.user.email])


def send_request_decided_email(request_id):
    """
    Send the decision's e-mail (see ``request_decided_email``). Returns True when one was sent.

    Raises:
        smtplib.SMTPException, OSError: the mail server did not take it (the task tries again).
    """
    message = request_decided_email(request_id)
    if message is None:
        log.info('Exam request %s: no decision e-mail to send.', request_id)
        return False
    message.send(fail_silently=False)
    return True
