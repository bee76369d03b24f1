"""
Learners' requests (additional time, special allowance, retake), staff decisions that become edx-proctoring
allowances or a cleared attempt, and bulk allowances from CSV. The start gate while a request is pending is
tests/test_middleware.py.
"""
import pytest
from django.test import Client
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAllowance

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AuditEvent, ExamRequest
from tests.helpers import ask, exam_of, start_exam, submit_exam


def allowance(demo, user, key, content_id=None):
    row = ProctoredExamStudentAllowance.objects.filter(proctored_exam_id=exam_of(demo, content_id)['id'],
                                                       user=user, key=key).first()
    return row.value if row else None


def test_additional_time_approved_in_minutes_becomes_the_allowance(demo):
    request = ask(demo, 'additional_time')
    assert (request.status, request.exam_name, request.full_name) == ('pending', 'Final exam (proctored)',
                                                                      'Vera Verified')
    decided = api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, minutes=15,
                                      note='Per DS letter.')
    assert (decided.status, decided.decided_by, decided.granted) == ('approved', 'course_staff', '15 extra minutes')
    assert allowance(demo, demo.verified_learner, 'additional_time_granted') == '15'
    assert decided.allowed_time == '1 hour and 15 minutes', 'the learner is told their adjusted time'
    attempt = start_exam(Client(), demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert attempt['allowed_time_limit_mins'] == 75


def test_a_multiplier_is_turned_into_minutes_of_this_exam(demo):
    request = ask(demo, 'additional_time')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, multiplier=1.5)
    assert allowance(demo, demo.verified_learner, 'additional_time_granted') == '30'


def test_a_special_allowance_reaches_the_reviewers(demo):
    request = ask(demo, 'special_allowance', reason='I cannot see.')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True,
                            allowance_text='Learner cannot see. Allow an additional person in the room as a scribe.')
    assert allowance(demo, demo.verified_learner, 'review_policy_exception').startswith('Learner cannot see.')


def test_a_denied_request_grants_nothing_and_says_so(demo):
    request = ask(demo, 'additional_time')
    decided = api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, False,
                                      note='No Disability Services letter.')
    assert (decided.status, decided.decision_note) == ('denied', 'No Disability Services letter.')
    assert allowance(demo, demo.verified_learner, 'additional_time_granted') is None
    listed = api.list_learner_requests(demo.verified_learner, demo.course_key)
    assert [(r.kind, r.status) for r in listed] == [('additional_time', 'denied')]


@pytest.mark.parametrize('values,message', [
    ({}, 'either extra minutes or a time multiplier'),
    ({'minutes': 10, 'multiplier': 1.5}, 'either extra minutes or a time multiplier'),
    ({'minutes': 0}, 'from 1 to 600'),
    ({'minutes': 601}, 'from 1 to 600'),
    ({'minutes': '15'}, 'from 1 to 600'),
    ({'multiplier': 1.0}, 'multiplier must be from'),
    ({'multiplier': 9}, 'multiplier must be from'),
])
def test_bad_approvals_change_nothing(demo, values, message):
    request = ask(demo, 'additional_time')
    with pytest.raises(api.RequestRefused) as caught:
        api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, **values)
    assert message in caught.value.user_message
    assert ExamRequest.objects.get(id=request.request_id).status == 'pending'
    assert allowance(demo, demo.verified_learner, 'additional_time_granted') is None


def test_a_special_allowance_needs_its_text(demo):
    request = ask(demo, 'special_allowance')
    with pytest.raises(api.RequestRefused):
        api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, allowance_text='  ')
    assert ExamRequest.objects.get(id=request.request_id).status == 'pending'


def test_a_request_is_decided_once(demo):
    request = ask(demo, 'additional_time')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, False)
    with pytest.raises(api.RequestRefused):
        api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, minutes=5)


def test_a_request_of_another_course_is_not_found(demo, other_course):
    request = ask(demo, 'additional_time')
    with pytest.raises(api.RequestRefused):
        api.decide_exam_request(other_course.course_key, request.request_id, other_course.staff, True, minutes=5)


def test_one_pending_request_per_kind(demo):
    ask(demo, 'additional_time')
    with pytest.raises(api.RequestRefused) as caught:
        ask(demo, 'additional_time')
    assert 'already asked for additional time' in caught.value.user_message
    ask(demo, 'special_allowance')  # another kind is another request


@pytest.mark.parametrize('kind,reason,message', [
    ('extra_credit', '', 'Ask for additional time'),
    ('additional_time', 'x' * 1001, 'at most 1000'),
    ('retake', '', 'once your attempt at this exam is over'),
])
def test_bad_requests_change_nothing(demo, kind, reason, message):
    with pytest.raises(api.RequestRefused) as caught:
        ask(demo, kind, reason=reason)
    assert message in caught.value.user_message
    assert not ExamRequest.objects.exists()


def test_only_enrolled_learners_ask(demo, other_course):
    with pytest.raises(api.RequestRefused):
        ask(demo, 'additional_time', user=other_course.staff)


def test_an_allowance_cannot_be_asked_once_started(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    with pytest.raises(api.RequestRefused) as caught:
        ask(demo, 'additional_time')
    assert 'already started' in caught.value.user_message


def test_a_retake_clears_the_attempt_after_confirmation(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, attempt)
    request = ask(demo, 'retake', reason='The proctoring software crashed.')
    with pytest.raises(api.RequestRefused) as caught:
        api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True)
    assert 'deletes all its answers' in caught.value.user_message
    assert proctoring_api.get_exam_attempt_by_id(attempt['id']) is not None

    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, confirm_clearing=True)
    assert proctoring_api.get_exam_attempt_by_id(attempt['id']) is None
    again = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert again['status'] == 'started'
    events = list(AuditEvent.objects.filter(kind='request_retake').values_list('outcome', flat=True).order_by('id'))
    assert events == ['ok', 'approved']


def test_staff_see_pending_requests_first(demo):
    first = ask(demo, 'additional_time')
    api.decide_exam_request(demo.course_key, first.request_id, demo.course_staff, False)
    second = ask(demo, 'special_allowance', user=demo.verified_learner2)
    listed = api.list_course_requests(demo.course_key)
    assert [r.request_id for r in listed] == [second.request_id, first.request_id]
    assert [r.request_id for r in api.list_course_requests(demo.course_key, pending_only=True)] == [second.request_id]


CSV = (
    'user,exam,type,value\n'
    'verified_learner,Final exam (proctored),additional_time,20\n'
    'verified_learner2@example.invalid,Final exam (proctored),time_multiplier,1.25\n'
    'verified_learner,Practice exam,special_allowance,A scribe may sit beside the learner.\n'
    'nobody,Final exam (proctored),additional_time,20\n'
    'verified_learner,No such exam,additional_time,20\n'
    'verified_learner,Final exam (proctored),additional_time,lots\n'
    'verified_learner,Final exam (proctored),extra_credit,5\n'
    'verified_learner,Final exam (proctored)\n'
)


def test_bulk_allowances_give_a_result_per_line(demo):
    results = api.add_allowances_from_csv(demo.course_key, CSV.encode(), demo.course_staff)
    assert [(r.line, r.ok) for r in results] == [(2, True), (3, True), (4, True), (5, False), (6, False),
                                                  (7, False), (8, False), (9, False)]
    assert results[0].message == '20 extra minutes for verified_learner in "Final exam (proctored)".'
    assert '"nobody" is not a learner enrolled' in results[3].message
    assert allowance(demo, demo.verified_learner, 'additional_time_granted') == '20'
    assert allowance(demo, demo.verified_learner2, 'additional_time_granted') == '15'
    assert allowance(demo, demo.verified_learner, 'review_policy_exception', demo.practice_exam_id).startswith(
        'A scribe')
    assert AuditEvent.objects.filter(kind='allowance').count() == 3


@pytest.mark.parametrize('data,message', [
    (b'', 'empty'),
    (b'name,exam\nx,y\n', 'first line must be'),
    (b'\xff\xfe\x00user', 'UTF-8'),
    (b'user,exam,type,value\n' + b'x' * (1024 * 1024), 'larger than'),
])
def test_a_bad_csv_file_changes_nothing(demo, data, message):
    with pytest.raises(api.RequestRefused) as caught:
        api.add_allowances_from_csv(demo.course_key, data, demo.course_staff)
    assert message in caught.value.user_message
    assert not ProctoredExamStudentAllowance.objects.exists()


def test_the_learners_page_of_the_exam_reads_the_review_result_pending_then_satisfactory(client, demo):
    """What the legacy start page showed (the guide's "proctored session result") is on the learner's page of the
    exam, which the MFE's breadcrumbs line links to."""
    from edx_proctoring.models import ProctoredExamStudentAttempt  # pylint: disable=import-outside-toplevel

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert api.get_learner_exam(demo.verified_learner, demo.course_key, demo.final_exam_id).review_result == ''
    submit_exam(client, attempt)
    url = f'/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/requests/'
    assert 'Proctored session result: <strong>Pending (the review is not finished yet)</strong>' in client.get(
        url).content.decode()
    for status, shown in (('verified', 'Satisfactory'), ('rejected', 'Unsatisfactory')):
        ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(status=status)
        assert f'Proctored session result: <strong>{shown}</strong>' in client.get(url).content.decode()
