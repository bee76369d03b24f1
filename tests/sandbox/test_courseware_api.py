"""
What the sandbox's LMS gives the learning MFE shell: the user, a sequence's metadata, a unit for the iframe, and
its APIs to the shell's origin only (CORS with credentials, as the LMS allows its MFEs).
"""
import pytest
from django.conf import settings
from django.urls import reverse

from tests.helpers import start_exam


def _unit_ids(demo):
    return [str(demo.course_key.make_usage_key('vertical', f'final_part_{part}')) for part in 'abcde']


def test_me_is_the_signed_in_user(client, demo):
    assert client.get('/api/user/v1/me').status_code == 401
    client.force_login(demo.verified_learner)
    assert client.get('/api/user/v1/me').json() == {'username': 'verified_learner'}


def test_the_sequence_lists_its_units_and_says_it_is_an_exam(client, demo):
    url = reverse('host:sequence-metadata', kwargs={'usage_id': demo.final_exam_id})
    assert client.get(url).status_code == 401
    client.force_login(demo.verified_learner)
    data = client.get(url).json()
    assert data['is_time_limited'] is True and data['is_proctored'] is True
    assert [item['id'] for item in data['items']] == _unit_ids(demo)
    unknown = 'block-v1:No+Such+Course+type@sequential+block@x'
    assert client.get(reverse('host:sequence-metadata', kwargs={'usage_id': unknown})).status_code == 404


def test_someone_not_enrolled_gets_no_sequence(client, demo, other_course):
    client.force_login(other_course.staff)
    assert client.get(reverse('host:sequence-metadata', kwargs={'usage_id': demo.final_exam_id})).status_code == 403


def test_an_exam_unit_shows_only_while_the_attempt_runs_and_only_in_the_mfes_frame(client, demo):
    url = reverse('host:render-xblock', kwargs={'usage_id': _unit_ids(demo)[0]})
    client.force_login(demo.verified_learner)
    before = client.get(url)
    assert before.status_code == 200
    assert b'Start the exam to see it' in before.content and b'final_control_word' not in before.content
    assert 'X-Frame-Options' not in before
    assert before['Content-Security-Policy'] == f"frame-ancestors 'self' {settings.SANDBOX_MFE_URL}"
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    during = client.get(url)
    assert b'final_control_word' in during.content and b'plugin.resize' not in during.content
    assert b'unit-in-mfe.js' in during.content


@pytest.mark.parametrize('origin,allowed', [(None, True), ('http://evil.example', False)])
def test_the_apis_answer_the_mfes_origin_with_credentials_and_no_other(client, demo, origin, allowed):
    origin = origin or settings.SANDBOX_MFE_URL
    response = client.options('/api/edx_proctoring/v1/proctored_exam/attempt', HTTP_ORIGIN=origin,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD='POST',
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS='content-type,x-csrftoken,use-jwt-cookie')
    if allowed:
        assert response['Access-Control-Allow-Origin'] == origin
        assert response['Access-Control-Allow-Credentials'] == 'true'
        assert 'use-jwt-cookie' in response['Access-Control-Allow-Headers']
    else:
        assert 'Access-Control-Allow-Origin' not in response
