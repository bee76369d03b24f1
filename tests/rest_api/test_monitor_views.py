"""
The Monitor's page and endpoints for every role.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, client_as, start_exam

ROLES = [
    ('anonymous', 401), ('verified_learner', 403), ('audit_learner', 403), ('other_course_staff', 403),
    ('invigilator', 200), ('chief_invigilator', 200), ('course_staff', 200), ('admin', 200),
]


def url(name, demo, **kwargs):
    return reverse(f'offline_delivery_plugin:{name}', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id, **kwargs})


@pytest.mark.parametrize('role,expected', ROLES)
def test_monitor_data(demo, other_course, attempt, role, expected):
    response = client_as(demo, other_course, role).get(url('v1:exam-monitor', demo))
    assert response.status_code == expected
    if expected == 200:
        assert {row['username'] for row in response.json()['rows']} == {'verified_learner', 'verified_learner2'}


@pytest.mark.parametrize('role,expected', ROLES)
def test_upload(demo, other_course, attempt, role, expected):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
    response = client_as(demo, other_course, role).post(
        url('v1:attempt-uploads', demo, attempt_id=attempt['id']),
        {'file': SimpleUploadedFile('vera.offline-delivery', data)})
    assert response.status_code == expected


@pytest.mark.parametrize('role,expected', ROLES)
def test_answers(demo, other_course, attempt, role, expected):
    response = client_as(demo, other_course, role).get(url('v1:attempt-answers', demo, attempt_id=attempt['id']))
    assert response.status_code == expected


@pytest.mark.parametrize('role,expected', [(r, 302 if e == 401 else e) for r, e in ROLES])
def test_monitor_page(demo, other_course, role, expected):
    response = client_as(demo, other_course, role).get(url('monitor', demo))
    assert response.status_code == expected
    if expected == 200:
        assert 'Monitor: Final exam (proctored)' in response.content.decode()


def test_refused_upload_says_why_and_whose(client, demo, attempt):
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.sync_attempt_record(other['id'])
    data = delivery_file(demo.verified_learner2, other, {CONTROL_WORD: 'x'})
    client.force_login(demo.invigilator)
    response = client.post(url('v1:attempt-uploads', demo, attempt_id=attempt['id']),
                           {'file': SimpleUploadedFile('wrong.offline-delivery', data)})
    assert response.status_code == 400
    assert response.json()['reason'] == 'wrong_attempt'
    assert 'verified_learner2' in response.json()['detail']


def test_upload_without_a_file(client, demo, attempt):
    client.force_login(demo.invigilator)
    response = client.post(url('v1:attempt-uploads', demo, attempt_id=attempt['id']), {})
    assert response.status_code == 400
    assert response.json()['reason'] == 'malformed'


def test_unknown_exam_is_404(client, demo):
    client.force_login(demo.course_staff)
    response = client.get(reverse('offline_delivery_plugin:v1:exam-monitor', kwargs={
        'course_id': str(demo.course_key), 'content_id': str(demo.course_key.make_usage_key('sequential', 'nope'))}))
    assert response.status_code == 404


def test_upload_csrf_stays_on(demo, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.invigilator)
    response = client.post(url('v1:attempt-uploads', demo, attempt_id=attempt['id']),
                           {'file': SimpleUploadedFile('x', b'x')})
    assert response.status_code == 403


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 401), ('verified_learner', 403), ('audit_learner', 403), ('other_course_staff', 403),
    ('invigilator', 403), ('chief_invigilator', 200), ('course_staff', 200), ('admin', 200),
])
def test_reopen(demo, other_course, role, expected):
    from tests.helpers import submit_exam  # pylint: disable=import-outside-toplevel

    learner = Client()
    attempt = start_exam(learner, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(learner, attempt)
    client = client_as(demo, other_course, role)
    reopen_url = url('v1:attempt-reopen', demo, attempt_id=attempt['id'])
    assert client.get(reopen_url).status_code == expected
    response = client.post(reopen_url, {'extra_minutes': 5, 'reason': 'test'}, content_type='application/json')
    assert response.status_code == expected
    if expected == 200:
        assert response.json()['seconds_granted'] > 5 * 60


def test_reopen_validation(client, demo, attempt):
    client.force_login(demo.course_staff)
    reopen_url = url('v1:attempt-reopen', demo, attempt_id=attempt['id'])
    assert client.post(reopen_url, {'extra_minutes': -3}, content_type='application/json').status_code == 400
    response = client.post(reopen_url, {'extra_minutes': 3}, content_type='application/json')
    assert response.status_code == 409  # still in progress
    assert 'Only a submitted or timed-out attempt' in response.json()['detail']


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 401), ('verified_learner2', 403), ('verified_learner', 200), ('invigilator', 403),
    ('course_staff', 403), ('admin', 403),
])
def test_unlock_roles(demo, attempt, role, expected):
    client = Client()
    if role != 'anonymous':
        client.force_login(demo.users[role])
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.sync_attempt_record(attempt['id'])
    response = client.post(reverse('offline_delivery_plugin:v1:attempt-unlock', kwargs={'attempt_id': attempt['id']}),
                           {'password': 'tentavakt'}, content_type='application/json')
    assert response.status_code == expected


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 401), ('verified_learner', 403), ('audit_learner', 403), ('other_course_staff', 403),
    ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', 204), ('admin', 204),
])
def test_set_invigilator_password(demo, other_course, role, expected):
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    response = client_as(demo, other_course, role).post(
        url('v1:invigilator-password', demo), {'password': 'a-new-long-password'}, content_type='application/json')
    assert response.status_code == expected
    changed = api.check_invigilator_password(demo.course_key, demo.final_exam_id, 'a-new-long-password')
    assert changed is (expected == 204)
    if expected == 204:
        assert response.content == b''


def test_a_short_password_is_refused(client, demo):
    client.force_login(demo.course_staff)
    response = client.post(url('v1:invigilator-password', demo), {'password': 'short'},
                           content_type='application/json')
    assert response.status_code == 400
    assert 'at least 8 characters' in response.json()['detail']


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 401), ('verified_learner', 403), ('other_course_staff', 403), ('invigilator', 403),
    ('chief_invigilator', 403), ('course_staff', 200), ('admin', 200),
])
def test_audit_log(demo, other_course, attempt, role, expected):
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.upload_delivery_file(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}), demo.course_key,
                             demo.final_exam_id, attempt['id'], demo.invigilator, ip_address='10.2.3.4')
    client = client_as(demo, other_course, role)
    audit_url = reverse('offline_delivery_plugin:v1:audit', kwargs={'course_id': str(demo.course_key)})
    response = client.get(audit_url)
    assert response.status_code == expected
    if expected == 200:
        event = response.json()['events'][0]
        assert (event['kind'], event['outcome'], event['actor'], event['subject'], event['ip_address']) == (
            'upload', 'ok', 'invigilator', 'verified_learner', '10.2.3.4')
        csv_response = client.get(audit_url, {'export': 'csv'})
        body = b''.join(csv_response.streaming_content).decode()
        assert body.splitlines()[0] == (
            'created,kind,channel,outcome,actor,subject,exam,attempt_id,ip_address,detail')
        assert 'upload,monitor,ok,invigilator,verified_learner' in body
        assert 'hej' not in body


@pytest.mark.parametrize('role,expected', [
    ('anonymous', 302), ('verified_learner', 403), ('other_course_staff', 403), ('invigilator', 403),
    ('chief_invigilator', 403), ('course_staff', 200), ('admin', 200),
])
def test_audit_page(demo, other_course, role, expected):
    response = client_as(demo, other_course, role).get(
        reverse('offline_delivery_plugin:audit-page', kwargs={'course_id': str(demo.course_key)}))
    assert response.status_code == expected
    if expected == 200:
        assert 'Download the whole log (CSV)' in response.content.decode()


@pytest.mark.parametrize('role,expected,passwords', [
    ('anonymous', 302, False), ('verified_learner', 403, False), ('other_course_staff', 403, False),
    ('invigilator', 200, False), ('chief_invigilator', 200, False), ('course_staff', 200, True), ('admin', 200, True),
])
def test_course_dashboard_page(demo, other_course, role, expected, passwords):
    response = client_as(demo, other_course, role).get(
        reverse('offline_delivery_plugin:course-dashboard', kwargs={'course_id': str(demo.course_key)}))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert 'Open the Monitor of Final exam (proctored)' in html
        assert ('class="password-form"' in html) is passwords
        assert ('Audit log of this course' in html) is passwords


def test_course_dashboard_says_when_a_password_was_set_never_what(client, demo):
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.change_invigilator_password(demo.course_key, demo.final_exam_id, 'a-new-secret-9-for-hall-C', demo.course_staff)
    client.force_login(demo.course_staff)
    html = client.get(reverse('offline_delivery_plugin:course-dashboard',
                              kwargs={'course_id': str(demo.course_key)})).content.decode()
    assert 'by course_staff.' in html
    assert 'a-new-secret-9-for-hall-C' not in html
    assert 'Not set yet' in html, 'the practice and timed exams of the demo have no password'


def test_course_dashboard_of_an_unknown_course(client, demo):
    client.force_login(demo.admin)
    assert client.get('/offline-delivery/courses/course-v1:No+Such+Course/').status_code == 404
    assert client.get('/offline-delivery/courses/not-a-key/').status_code == 404
