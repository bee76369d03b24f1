"""
When the LMS cannot reach its database, the candidate page's endpoints answer a clear 503 with ``Retry-After``,
never a 500: the page keeps the answers and sends them again (``make stress`` cuts the database under load). Staff
endpoints answer the same 503 in words for staff, who have no answers waiting on a device.
"""
import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from offline_delivery_plugin import api
from tests.helpers import CONTROL_WORD, Chain, post, session_url

LOST_CONNECTION = OperationalError(2013, 'Lost connection to server during query')


def assert_database_unavailable(response):
    assert response.status_code == 503
    assert response['Retry-After'] == '15'
    detail = response.json()['detail']
    assert 'cannot reach its database' in detail and 'sent again' in detail


@pytest.mark.parametrize('error', [LOST_CONNECTION, InterfaceError(0, '')])
def test_a_save_that_loses_the_database(client, attempt, error):
    with mock.patch.object(api, 'save_snapshot', side_effect=error):
        response = post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'hej'}))
    assert_database_unavailable(response)


def test_the_session_when_the_database_is_down(client, attempt):
    with mock.patch.object(api, 'start_candidate_session', side_effect=LOST_CONNECTION):
        assert_database_unavailable(client.get(session_url(attempt['id'])))


def test_the_user_cannot_be_loaded_before_the_view(demo, attempt):
    """The session's user comes from the database when no cache has it: that read fails first."""
    client = Client(raise_request_exception=False)
    client.force_login(demo.verified_learner)
    with mock.patch('django.contrib.auth.get_user', side_effect=LOST_CONNECTION):
        response = post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'hej'}))
    assert_database_unavailable(response)


def test_the_answers_are_saved_once_the_database_is_back(client, demo, attempt):
    chain = Chain(attempt)
    with mock.patch.object(api, 'save_snapshot', side_effect=LOST_CONNECTION):
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej'})).status_code == 503
    response = post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej då'}))
    assert response.status_code == 200 and json.loads(response.content)['acked_seq'] == 2
    assert api.start_candidate_session(demo.verified_learner, attempt['id']).answers == {CONTROL_WORD: 'hej då'}


#: What SQLite answers to a write while another connection holds the database (concurrent staff uploads).
DATABASE_LOCKED = OperationalError('database is locked')


@pytest.mark.parametrize('endpoint', ['upload', 'monitor'])
def test_staff_are_told_in_their_own_words(demo, attempt, endpoint):
    """Staff are not told that "your answers stay on this device": the 503 says the database is busy, try again."""
    client = Client(raise_request_exception=False)
    client.force_login(demo.invigilator)
    exam = {'course_id': str(demo.course_key), 'content_id': demo.final_exam_id}
    if endpoint == 'upload':
        url = reverse('offline_delivery_plugin:v1:attempt-uploads', kwargs={**exam, 'attempt_id': attempt['id']})
        with mock.patch.object(api, 'upload_delivery_file', side_effect=DATABASE_LOCKED):
            response = client.post(url, {'file': SimpleUploadedFile('vera.offline-delivery', b'{}')})
    else:
        with mock.patch.object(api, 'get_monitor', side_effect=DATABASE_LOCKED):
            response = client.get(reverse('offline_delivery_plugin:v1:exam-monitor', kwargs=exam))
    assert (response.status_code, response['Retry-After']) == (503, '15')
    detail = response.json()['detail']
    assert 'database is busy or cannot be reached' in detail and 'try again' in detail
    assert 'this device' not in detail and 'your answers' not in detail.lower()
