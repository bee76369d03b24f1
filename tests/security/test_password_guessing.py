"""
Password guessing (issue 8, item 5). Online, the unlock check is limited per attempt (tests/test_reopening.py) and
per client address, answers 429 once locked, and audits every try without the password. Offline, the page only
accepts a verifier with at least 600,000 PBKDF2 iterations and locks its own password dialog after five wrong tries
(30 s, doubling), which survives a reload: tests/browser/test_password_offline.py.
"""
import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from offline_delivery_plugin import api, password_gate
from offline_delivery_plugin.crypto import verifier
from offline_delivery_plugin.models import AuditEvent
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.helpers import leave_onsite_invigilation, start_exam


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locked_successor(client, demo, submitted):
    """A reopened attempt whose candidate waits for the invigilator password (an exam not proctored on site)."""
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, '', demo.chief_invigilator)
    leave_onsite_invigilation(demo)  # on site, the check-in is the unlock (tests/test_onsite.py)
    successor = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    api.start_candidate_session(demo.verified_learner, successor['id'])
    return successor


def _unlock(client, attempt_id, password, address):
    return client.post(reverse('offline_delivery_plugin:v1:attempt-unlock', kwargs={'attempt_id': attempt_id}),
                       data=json.dumps({'password': password}), content_type='application/json',
                       REMOTE_ADDR=address)


def test_one_client_address_is_limited_across_attempts(demo, locked_successor, monkeypatch):
    monkeypatch.setattr(password_gate, 'MAX_FAILURES_PER_ATTEMPT', 100)
    monkeypatch.setattr(password_gate, 'MAX_FAILURES_PER_CLIENT', 3)
    for number in range(3):
        with pytest.raises(api.UnlockRefused) as caught:
            api.unlock_attempt(demo.verified_learner, locked_successor['id'], f'guess{number}', '10.1.1.1')
        assert caught.value.locked is False
    with pytest.raises(api.UnlockRefused) as caught:
        api.unlock_attempt(demo.verified_learner, locked_successor['id'], INVIGILATOR_PASSWORD, '10.1.1.1')
    assert caught.value.locked is True
    # Another address is not held by this one's failures.
    api.unlock_attempt(demo.verified_learner, locked_successor['id'], INVIGILATOR_PASSWORD, '10.2.2.2')
    assert api.start_candidate_session(demo.verified_learner, locked_successor['id']).locked is False


def test_the_endpoint_answers_429_audits_every_try_and_never_logs_the_password(client, demo, locked_successor,
                                                                             caplog):
    client.force_login(demo.verified_learner)
    guesses = [f'guess-{number}-secret' for number in range(password_gate.MAX_FAILURES_PER_ATTEMPT)]
    with caplog.at_level(logging.DEBUG):
        statuses = [_unlock(client, locked_successor['id'], guess, '10.3.3.3').status_code for guess in guesses]
        locked = _unlock(client, locked_successor['id'], INVIGILATOR_PASSWORD, '10.3.3.3')
    assert statuses == [400] * password_gate.MAX_FAILURES_PER_ATTEMPT
    assert locked.status_code == 429
    assert 'Too many wrong passwords' in locked.json()['detail']
    reasons = list(AuditEvent.objects.filter(kind='password').values_list('detail__reason', flat=True))
    assert reasons == ['wrong'] * password_gate.MAX_FAILURES_PER_ATTEMPT + ['locked']
    written = caplog.text + str(list(AuditEvent.objects.values('detail')))
    for secret in [*guesses, INVIGILATOR_PASSWORD]:
        assert secret not in written


def test_a_verifier_below_the_minimum_iterations_is_never_made():
    with pytest.raises(ValueError):
        verifier.make_verifier('tentavakt', iterations=verifier.MIN_ITERATIONS - 1)
