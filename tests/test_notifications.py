"""
The learner hears how their exam request was decided: an e-mail in their own language after the decision is
committed, with what was granted, the course team's note and the link to the exam's page. A refused decision
sends nothing, and a mail server that is down never undoes a decision.
"""
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from offline_delivery_plugin import api
from offline_delivery_plugin.models import ExamRequest
from sandbox.host.models import UserPreference
from tests.helpers import start_exam, submit_exam

pytestmark = pytest.mark.usefixtures('eager_celery')


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected('Connection unexpectedly closed')


def ask(demo, kind, user=None):
    return api.create_exam_request(user or demo.verified_learner, demo.course_key, demo.final_exam_id, kind,
                                   'Letter from Disability Services attached.')


def decide(demo, request, capture, **kwargs):
    with capture(execute=True):
        return api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, **kwargs)


def test_approved_additional_time(demo, django_capture_on_commit_callbacks):
    request = ask(demo, 'additional_time')
    decide(demo, request, django_capture_on_commit_callbacks, approve=True, minutes=15, note='Per the DS letter.')
    [message] = mail.outbox
    assert message.to == [demo.verified_learner.email]
    assert message.subject == 'EXAM101: Digital exams on site: your request about Final exam (proctored) was approved'
    assert 'Hello Vera Verified,' in message.body
    assert 'approved your request for additional time on the exam Final exam (proctored).' in message.body
    assert 'You now have 15 extra minutes.' in message.body
    assert "The course team's note: Per the DS letter." in message.body
    page = reverse('offline_delivery_plugin:exam-requests', kwargs={'course_id': str(demo.course_key),
                                                                     'content_id': demo.final_exam_id})
    assert f'http://127.0.0.1:8000{page}' in message.body


def test_in_the_learners_language(demo, django_capture_on_commit_callbacks):
    UserPreference.objects.create(user=demo.verified_learner, key=UserPreference.LANGUAGE, value='sv')
    request = ask(demo, 'additional_time')
    decide(demo, request, django_capture_on_commit_callbacks, approve=False, note='Inget intyg bifogat.')
    [message] = mail.outbox
    assert message.subject.endswith('Final exam (proctored) avslogs')
    assert 'Hej Vera Verified,' in message.body
    assert 'Inget intyg bifogat.' in message.body


def test_a_special_allowance_and_a_retake(client, demo, django_capture_on_commit_callbacks):
    allowance = ask(demo, 'special_allowance')
    decide(demo, allowance, django_capture_on_commit_callbacks, approve=True,
           allowance_text='A scribe in the room.')
    attempt = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    submit_exam(client, attempt)
    retake = ask(demo, 'retake', user=demo.verified_learner2)
    decide(demo, retake, django_capture_on_commit_callbacks, approve=True, confirm_clearing=True)
    first, second = [message for message in mail.outbox if 'your request' in message.subject]  # edx-proctoring
    # sends its own "attempt submitted" e-mail too
    assert 'The reviewers of your exam will see it as: A scribe in the room.' in first.body
    assert second.to == [demo.verified_learner2.email]
    assert 'Your earlier attempt was cleared: you can take the exam again.' in second.body


def test_a_refused_decision_sends_nothing(demo, django_capture_on_commit_callbacks):
    request = ask(demo, 'additional_time')
    with pytest.raises(api.RequestRefused):
        decide(demo, request, django_capture_on_commit_callbacks, approve=True, minutes=100_000)
    assert mail.outbox == []
    assert ExamRequest.objects.get(id=request.request_id).status == 'pending'


def test_turned_off_or_no_address_sends_nothing(demo, settings, django_capture_on_commit_callbacks):
    settings.OFFLINE_DELIVERY_DECISION_EMAILS = False
    decide(demo, ask(demo, 'additional_time'), django_capture_on_commit_callbacks, approve=False)
    settings.OFFLINE_DELIVERY_DECISION_EMAILS = True
    demo.verified_learner2.email = ''
    demo.verified_learner2.save()
    decide(demo, ask(demo, 'additional_time', user=demo.verified_learner2), django_capture_on_commit_callbacks,
           approve=False)
    assert mail.outbox == []


def test_a_mail_server_that_is_down_never_undoes_the_decision(demo, settings, caplog,
                                                               django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = 'tests.test_notifications.RefusingBackend'
    request = ask(demo, 'additional_time')
    client = Client()
    client.force_login(demo.course_staff)
    url = reverse('offline_delivery_plugin:v1:request-decision',
                  kwargs={'course_id': str(demo.course_key), 'request_id': request.request_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {'approve': True, 'minutes': 10}, content_type='application/json')
    assert response.status_code == 200
    assert ExamRequest.objects.get(id=request.request_id).status == 'approved'
    assert f'The decision e-mail of exam request {request.request_id} was not sent' in caplog.text


def test_a_worker_tries_again_while_the_mail_server_refuses(demo, settings, caplog):
    from celery.exceptions import Retry  # pylint: disable=import-outside-toplevel

    from offline_delivery_plugin.tasks import send_request_decided_email_task as task  # pylint: disable=C0415

    request = ask(demo, 'additional_time')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, approve=False)
    settings.EMAIL_BACKEND = 'tests.test_notifications.RefusingBackend'
    task.push_request(is_eager=False, retries=0)  # as a worker runs it
    try:
        with mock.patch.object(task, 'retry', side_effect=Retry('again')) as retry, pytest.raises(Retry):
            task.run(request.request_id)
        assert isinstance(retry.call_args.kwargs['exc'], smtplib.SMTPServerDisconnected)
        task.request.retries = task.max_retries  # the last try: logged, not raised
        task.run(request.request_id)
    finally:
        task.pop_request()
    assert f'The decision e-mail of exam request {request.request_id} was not sent' in caplog.text
    assert mail.outbox == []
