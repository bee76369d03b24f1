"""
When the LMS cannot reach its database, the candidate page's endpoints answer a clear 503 with ``Retry-After``,
never a 500: the page keeps the answers and sends them again (``make stress`` cuts the database under load).
"""
import json
from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client

from offline_delivery_plugin import api
from tests.helpers import start_exam
from tests.rest_api.test_candidate_views import CONTROL_WORD, Chain, post, session_url

LOST_CONNECTION = OperationalError(2013, 'Lost connection to server during query')


@pytest.fixture
def attempt(client, demo):
    return start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)


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
