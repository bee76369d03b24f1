"""
The requests endpoints (learners ask; course staff decide and add allowances in bulk) for every role.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offline_delivery_plugin import api
from offline_delivery_plugin.models import ExamRequest
from tests.helpers import client_as

LEARNERS_ONLY = [
    ('anonymous', 401), ('verified_learner', None), ('audit_learner', 400), ('other_course_staff', 403),
    ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', 403), ('admin', 403),
]
STAFF_ONLY = [
    ('anonymous', 401), ('verified_learner', 403), ('audit_learner', 403), ('other_course_staff', 403),
    ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', None), ('admin', None),
]


def url(name, demo, **kwargs):
    return reverse(f'offline_delivery_plugin:v1:{name}', kwargs={'course_id': str(demo.course_key), **kwargs})


@pytest.mark.parametrize('role,refused', LEARNERS_ONLY)
def test_asking(demo, other_course, role, refused):
    client = client_as(demo, other_course, role)
    response = client.post(url('my-requests', demo), {'exam': demo.final_exam_id, 'kind': 'additional_time',
                                                      'reason': 'Extra time per DS.'}, content_type='application/json')
    assert response.status_code == (refused or 201)
    if not refused:
        assert (response.json()['status'], response.json()['username']) == ('pending', role)
        listed = client.get(url('my-requests', demo), {'exam': demo.final_exam_id}).json()['requests']
        assert [r['kind'] for r in listed] == ['additional_time']
        again = client.post(url('my-requests', demo), {'exam': demo.final_exam_id, 'kind': 'additional_time'},
                            content_type='application/json')
        assert again.status_code == 400 and 'already asked' in again.json()['detail']
    else:
        assert not ExamRequest.objects.exists()
    if role == 'audit_learner':
        assert 'not part of your track' in response.json()['detail']


def test_a_learner_sees_and_withdraws_only_their_own(client, demo):
    mine = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'additional_time',
                                   '')
    theirs = api.create_exam_request(demo.verified_learner2, demo.course_key, demo.final_exam_id,
                                     'special_allowance', 'scribe')
    client.force_login(demo.verified_learner)
    listed = client.get(url('my-requests', demo)).json()['requests']
    assert [r['request_id'] for r in listed] == [mine.request_id]
    assert client.delete(url('my-request', demo, request_id=theirs.request_id)).status_code == 400
    assert client.delete(url('my-request', demo, request_id=mine.request_id)).status_code == 204
    assert ExamRequest.objects.get(id=theirs.request_id).status == 'pending'
    assert ExamRequest.objects.get(id=mine.request_id).status == 'withdrawn'


@pytest.mark.parametrize('body,detail', [
    ({'exam': 'nope', 'kind': 'additional_time'}, 'no such exam'),
    ({'kind': 'additional_time'}, 'exam'),
    ({'exam': 'x', 'kind': 'additional_time', 'reason': 'r' * 1001}, 'reason'),
])
def test_bad_requests_are_400(client, demo, body, detail):
    client.force_login(demo.verified_learner)
    response = client.post(url('my-requests', demo), body, content_type='application/json')
    assert response.status_code == 400 and detail in response.json()['detail']
    assert not ExamRequest.objects.exists()


@pytest.mark.parametrize('role,refused', STAFF_ONLY)
def test_listing_and_deciding(demo, other_course, role, refused):
    request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id,
                                      'additional_time', 'DS letter attached.')
    client = client_as(demo, other_course, role)
    listed = client.get(url('requests', demo), {'pending': '1'})
    decided = client.post(url('request-decision', demo, request_id=request.request_id),
                          {'approve': True, 'minutes': 20, 'note': 'ok'}, content_type='application/json')
    assert (listed.status_code, decided.status_code) == ((refused, refused) if refused else (200, 200))
    if refused:
        assert ExamRequest.objects.get(id=request.request_id).status == 'pending'
    else:
        assert [r['reason'] for r in listed.json()['requests']] == ['DS letter attached.']
        body = decided.json()
        assert (body['status'], body['granted'], body['allowed_time']) == (
            'approved', '20 extra minutes', '1 hour and 20 minutes')


def test_a_bad_decision_is_400_and_changes_nothing(client, demo):
    request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id,
                                      'additional_time', '')
    client.force_login(demo.course_staff)
    for body in ({'approve': True}, {'approve': 'maybe'}, {'approve': True, 'minutes': 'ten'}):
        response = client.post(url('request-decision', demo, request_id=request.request_id), body,
                               content_type='application/json')
        assert response.status_code == 400, body
    assert ExamRequest.objects.get(id=request.request_id).status == 'pending'


@pytest.mark.parametrize('role,refused', STAFF_ONLY)
def test_bulk_allowances(demo, other_course, role, refused):
    csv = b'user,exam,type,value\nverified_learner,Final exam (proctored),additional_time,10\n'
    response = client_as(demo, other_course, role).post(
        url('allowances-csv', demo), {'file': SimpleUploadedFile('allowances.csv', csv, 'text/csv')})
    assert response.status_code == (refused or 200)
    if not refused:
        assert response.json()['results'] == [
            {'line': 2, 'ok': True, 'message': '10 extra minutes for verified_learner in "Final exam (proctored)".'}]


def test_bulk_allowances_need_a_file(client, demo):
    client.force_login(demo.course_staff)
    assert client.post(url('allowances-csv', demo), {}).status_code == 400


def test_csrf_stays_on_for_decisions(demo):
    request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id,
                                      'additional_time', '')
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.course_staff)
    response = client.post(url('request-decision', demo, request_id=request.request_id),
                           {'approve': True, 'minutes': 5}, content_type='application/json')
    assert response.status_code == 403
    assert ExamRequest.objects.get(id=request.request_id).status == 'pending'


def page_url(demo, content_id=None):
    return reverse('offline_delivery_plugin:exam-requests', kwargs={
        'course_id': str(demo.course_key), 'content_id': content_id or demo.final_exam_id})


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 302), ('verified_learner', 200), ('audit_learner', 200), ('other_course_staff', 403),
    ('invigilator', 403), ('course_staff', 403),
])
def test_the_learners_page(demo, other_course, role, expected):
    response = client_as(demo, other_course, role).get(page_url(demo))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert 'You have 1 hour once you start' in html and 'Closed book.' in html


def test_a_learner_asks_and_withdraws_on_the_page(client, demo):
    client.force_login(demo.verified_learner)
    response = client.post(page_url(demo), {'action': 'ask', 'kind': 'additional_time', 'reason': 'DS letter'})
    assert response.status_code == 302
    page = client.get(response['Location']).content.decode()
    assert 'Your request was sent' in page and 'is pending: you cannot start' in page
    again = client.post(page_url(demo), {'action': 'ask', 'kind': 'additional_time'})
    assert again.status_code == 400 and 'already asked' in again.content.decode()
    request = ExamRequest.objects.get()
    api.decide_exam_request(demo.course_key, request.id, demo.course_staff, True, minutes=30)
    assert 'Your time for this exam is now 1 hour and 30 minutes.' in client.get(page_url(demo)).content.decode()


def test_withdrawing_someone_elses_request_on_the_page_does_nothing(client, demo):
    theirs = api.create_exam_request(demo.verified_learner2, demo.course_key, demo.final_exam_id,
                                     'additional_time', '')
    client.force_login(demo.verified_learner)
    response = client.post(page_url(demo), {'action': 'withdraw', 'request_id': theirs.request_id})
    assert response.status_code == 400
    assert ExamRequest.objects.get(id=theirs.request_id).status == 'pending'


def test_the_page_of_an_unknown_exam(client, demo):
    client.force_login(demo.verified_learner)
    assert client.get(page_url(demo, 'block-v1:SandboxU+EXAM101+2026+type@sequential+block@nope')).status_code == 404
