"""
The holes an outside attack found (issue 14), each closed at its cause: the invigilator's presence is provable from
the file itself (format 2's co-signature), a reopened attempt hands out nothing a file could be made with until the
invigilator unlocks it, files sealed after the deadline and files for a reopened attempt are refused, and every
delivery and refusal, from every channel, is in the audit log with its channel.
"""
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash, link_json
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.exceptions import DeliveryRefused
from offline_delivery_plugin.models import AuditEvent, InvigilatorPassword
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, Chain, leave_onsite_invigilation, post, start_exam, submit_exam

STRONG = 'hall-C-kayak-orange-2027'


def deliver(data, attempt, channel='self', user=None):
    return api.deliver_file(data, attempt['id'], user, channel)


def refusal(data, attempt, channel='self', user=None):
    with pytest.raises(DeliveryRefused) as caught:
        deliver(data, attempt, channel, user)
    return caught.value


def status(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt['id']).status


def self_delivery_url(attempt):
    return reverse('offline_delivery_plugin:v1:attempt-deliveries', kwargs={'attempt_id': attempt['id']})


class TestCoSignature:
    """A file is accepted only when it was saved with the exam's invigilator password typed."""

    def test_a_file_made_without_the_password_is_refused_and_audited(self, client, demo, attempt):
        """What the candidate's page was sent is enough to encrypt a file; without the password it is refused."""
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'no invigilator'},
                             password='a guess of the candidate')
        response = client.post(self_delivery_url(attempt), data, content_type='application/octet-stream')
        assert response.status_code == 400
        assert response.json()['reason'] == 'not_cosigned'
        assert 'invigilator' in response.json()['detail']
        assert status(attempt) == 'started'
        event = AuditEvent.objects.get(attempt_id=attempt['id'], kind='self_delivery')
        assert (event.kind, event.outcome, event.detail['channel'], event.detail['reason']) == (
            'self_delivery', 'refused', 'self', 'not_cosigned')

    def test_a_file_co_signed_before_a_password_change_still_verifies(self, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'saved before the change'})
        api.change_invigilator_password(demo.course_key, demo.final_exam_id, STRONG, demo.course_staff)
        assert InvigilatorPassword.objects.filter(course_id=demo.course_key, content_id=demo.final_exam_id).count() == 2
        assert deliver(data, attempt).receipt
        # and a file made now needs the new password
        assert api.check_invigilator_password(demo.course_key, demo.final_exam_id, STRONG)
        assert not api.check_invigilator_password(demo.course_key, demo.final_exam_id, INVIGILATOR_PASSWORD)

    def test_the_password_of_another_exam_does_not_co_sign(self, client, demo, attempt):
        practice = api.get_password_verifier(demo.course_key, demo.practice_exam_id)
        session = api.start_candidate_session(demo.verified_learner, attempt['id'])
        borrowed = replace(session, password_verifier=practice)  # another exam's password, same candidate and attempt
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'}, session=borrowed)
        assert refusal(data, attempt).reason == 'not_cosigned'

    def test_a_changed_co_signature_is_refused(self, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'})
        outer = json.loads(data)
        other = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'y'})
        outer['cosig'] = json.loads(other)['cosig']
        forged = envelope.encode_file(outer['protected'], outer['epk'], outer['iv'], outer['ciphertext'],
                                      outer['cosig'])
        assert refusal(forged, attempt).reason == 'not_cosigned'

    def test_a_version_1_file_is_refused(self, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'}).replace(
            b'"version":2', b'"version":1')
        assert refusal(data, attempt).reason == 'unsupported_version'

    def test_the_co_signing_key_is_stored_wrapped(self, demo):
        row = InvigilatorPassword.objects.get(course_id=demo.course_key, content_id=demo.final_exam_id)
        verifier = api.get_password_verifier(demo.course_key, demo.final_exam_id)
        from tests.crypto_helpers import cosign_key  # pylint: disable=import-outside-toplevel

        key = cosign_key(INVIGILATOR_PASSWORD, verifier.cosign_salt, verifier.cosign_iterations)
        assert key not in bytes(row.wrapped_cosign_key)
        assert row.cosign_salt != row.verifier_salt  # the verifier the page holds does not give the key away
        assert row.kek_id == 'sandbox-1'


class TestPasswordStrength:
    """The co-signature is only as strong as the password: easy ones are refused, and a strong one is offered."""

    @pytest.mark.parametrize('password', ['tentavakt', 'sommar2026', 'password123', 'hall-B-2026!', 'Qwerty12345'])
    def test_an_easy_password_is_refused(self, client, demo, password):
        client.force_login(demo.course_staff)
        response = client.post(reverse('offline_delivery_plugin:v1:invigilator-password', kwargs={
            'course_id': str(demo.course_key), 'content_id': demo.final_exam_id}), {'password': password},
            content_type='application/json')
        assert response.status_code == 400
        assert 'too easy to guess' in response.json()['detail']
        assert api.check_invigilator_password(demo.course_key, demo.final_exam_id, INVIGILATOR_PASSWORD)

    @pytest.mark.parametrize('password', [STRONG, '7KQM-2XPD-9RWT-4HNB', 'Tentavakt: hall B, 2026'])
    def test_a_strong_password_is_taken(self, demo, password):
        api.change_invigilator_password(demo.course_key, demo.final_exam_id, password, demo.course_staff)
        assert api.check_invigilator_password(demo.course_key, demo.final_exam_id, password)

    @override_settings(OFFLINE_DELIVERY_MIN_PASSWORD_GUESSES_LOG10=8)
    def test_the_bar_is_a_setting(self, demo):
        api.change_invigilator_password(demo.course_key, demo.final_exam_id, 'tentavakt', demo.course_staff)


@pytest.fixture
def successor(client, demo, attempt):
    """The candidate's attempt was submitted, opened for resubmission, and the candidate started again: the
    successor waits for the invigilator password. (At an exam proctored on site the check-in is that password; the
    course here moved to edx-proctoring's default backend meanwhile, so the successor starts without one.)"""
    post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'before'}))
    submit_exam(client, attempt)
    api.reopen_attempt(demo.course_key, demo.final_exam_id, attempt['id'], 10, 'hall B', demo.chief_invigilator)
    leave_onsite_invigilation(demo)
    return start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)


class TestReopenedAttempt:
    """Self-delivery got past the password gate of a reopened attempt (the attack's high finding)."""

    def test_a_locked_session_hands_out_nothing_a_file_is_made_with(self, client, demo, successor):
        response = client.get(reverse('offline_delivery_plugin:v1:attempt-session',
                                      kwargs={'attempt_id': successor['id']}))
        body = response.json()
        assert response.status_code == 200 and body['locked'] is True
        assert (body['kid'], body['public_key_spki_b64'], body['attempt_code'], body['candidate_id'],
                body['password_verifier']) == (None, None, None, None, None)
        assert body['answers'] == {CONTROL_WORD: 'before'}  # the answers are back, behind the gate
        api.unlock_attempt(demo.verified_learner, successor['id'], INVIGILATOR_PASSWORD)
        body = client.get(reverse('offline_delivery_plugin:v1:attempt-session',
                                  kwargs={'attempt_id': successor['id']})).json()
        assert body['locked'] is False and body['kid'] and body['attempt_code'] and body['password_verifier']

    @pytest.mark.parametrize('channel', ['self', 'staff'])
    def test_a_file_for_a_locked_attempt_is_refused_from_every_channel(self, demo, attempt, successor, channel):
        """Even a file that has everything right: the key (the same exam's), the candidate, the successor's attempt
        code (read from the database here), the invigilator's co-signature."""
        original = ProctoredExamStudentAttempt.objects.get(id=successor['id'])
        session = _full_session(demo, successor, original.attempt_code)
        data = delivery_file(demo.verified_learner, successor, {CONTROL_WORD: 'past the gate'}, session=session)
        assert refusal(data, successor, channel).reason == 'locked'
        assert status(successor) == 'started'
        event = AuditEvent.objects.filter(attempt_id=successor['id']).latest('id')
        assert (event.outcome, event.detail['reason'], event.detail['channel']) == (
            'refused', 'locked', 'self' if channel == 'self' else 'monitor')
        api.unlock_attempt(demo.verified_learner, successor['id'], INVIGILATOR_PASSWORD)
        assert deliver(data, successor, channel).receipt  # once the invigilator unlocked it, the same file is fine

    def test_a_file_already_delivered_to_the_reopened_attempt_is_not_reported_as_delivered(self, client, demo):
        first = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
        data = delivery_file(demo.verified_learner2, first, {CONTROL_WORD: 'delivered offline'})
        assert deliver(data, first, 'staff').already_delivered is False
        api.reopen_attempt(demo.course_key, demo.final_exam_id, first['id'], 10, 'hall B', demo.chief_invigilator)
        error = refusal(data, first, 'staff')
        assert error.reason == 'reopened'
        assert 'opened for resubmission' in error.user_message and 'receipt' in error.user_message


def _full_session(demo, attempt, attempt_code):
    """What an unlocked session of ``attempt`` would carry (the attacker's best guess at it)."""
    # pylint: disable=import-outside-toplevel
    from offline_delivery_plugin import compat
    from offline_delivery_plugin.data import CandidateSession

    key = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    return CandidateSession(
        attempt_id=attempt['id'], attempt_code=attempt_code, course_id=str(demo.course_key),
        content_id=demo.final_exam_id, exam_name='', candidate_id=compat.get_anonymous_user_id(
            demo.verified_learner, demo.course_key), candidate_label='', kid=key.kid,
        public_key_spki_b64=key.public_key_spki_b64,
        password_verifier=api.get_password_verifier(demo.course_key, demo.final_exam_id), deadline_ms=0,
        server_time_ms=0, autosave_interval_seconds=15, connection_lost_after_seconds=60, connection_lost_message='',
        allow_deliver_blank=True, genesis_hash=genesis_hash(attempt_code), acked_seq=0,
        acked_hash=genesis_hash(attempt_code), items=())


class TestSealedInTime:
    """A file written entirely after the deadline was accepted within the 30-minute grace."""

    def _sealed_at(self, demo, attempt, seconds_after_deadline, clock_offset_ms=0):
        row = ProctoredExamStudentAttempt.objects.get(id=attempt['id'])
        deadline = row.started_at + timedelta(minutes=row.allowed_time_limit_mins)
        sealed_ms = int(deadline.timestamp() * 1000) + seconds_after_deadline * 1000 - clock_offset_ms
        answers = {CONTROL_WORD: 'written late'}
        answers_json = json.dumps(answers, separators=(',', ':'))
        link = link_json(1, genesis_hash(attempt['attempt_code']), sealed_ms, answers_json, sorted(answers))
        return delivery_file(demo.verified_learner, attempt, answers, links=[link],
                             header_overrides={'clock_offset_ms': clock_offset_ms, 'created': sealed_ms})

    def test_answers_sealed_after_the_deadline_are_refused(self, demo, attempt):
        error = refusal(self._sealed_at(demo, attempt, 10 * 60), attempt)
        assert error.reason == 'sealed_late'
        assert '10 minutes after' in error.user_message

    def test_within_the_tolerance_is_accepted(self, demo, attempt):
        assert deliver(self._sealed_at(demo, attempt, 30), attempt).receipt

    def test_the_clock_offset_the_page_measured_is_applied(self, demo, attempt):
        """A device clock 20 minutes behind the server's: its times read 20 minutes early, its offset says so."""
        behind = 20 * 60 * 1000
        assert refusal(self._sealed_at(demo, attempt, 10 * 60, clock_offset_ms=behind), attempt).reason == (
            'sealed_late')
        assert deliver(self._sealed_at(demo, attempt, -60, clock_offset_ms=behind), attempt).receipt

    @override_settings(OFFLINE_DELIVERY_SEAL_TOLERANCE_SECONDS=15 * 60)
    def test_the_tolerance_is_a_setting(self, demo, attempt):
        assert deliver(self._sealed_at(demo, attempt, 10 * 60), attempt).receipt


class TestAudit:
    """Self-deliveries were never audited, accepted or refused; now every channel is, and the CSV shows which."""

    def test_an_accepted_self_delivery_is_audited(self, client, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'from the iPad'})
        response = client.post(self_delivery_url(attempt), data, content_type='application/octet-stream',
                               REMOTE_ADDR='10.3.3.3')
        assert response.status_code == 200
        event = AuditEvent.objects.get(attempt_id=attempt['id'], kind='self_delivery')
        assert (event.kind, event.outcome, event.actor, event.subject_id, event.ip_address) == (
            'self_delivery', 'ok', demo.verified_learner, demo.verified_learner.id, '10.3.3.3')
        assert event.detail['receipt'] == response.json()['receipt'] and event.detail['channel'] == 'self'

    def test_an_oversized_self_delivery_is_audited(self, client, demo, attempt, settings):
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 100
        response = client.post(self_delivery_url(attempt), b'x' * 500, content_type='application/octet-stream')
        assert response.status_code == 413 and response.json()['reason'] == 'too_large'
        assert AuditEvent.objects.get(attempt_id=attempt['id'], kind='self_delivery').detail['reason'] == 'too_large'

    def test_a_refused_autosave_is_audited(self, client, demo, attempt):
        chain = Chain(attempt)
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej'}))
        submit_exam(client, attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'late'})).status_code == 409
        event = AuditEvent.objects.get(attempt_id=attempt['id'], kind='autosave')
        assert (event.outcome, event.detail['channel'], event.detail['reason']) == (
            'refused', 'autosave', 'AttemptNotInProgress')

    def test_the_audit_csv_shows_the_channel(self, client, demo, attempt):
        deliver(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'}), attempt, 'self',
                demo.verified_learner)
        client.force_login(demo.course_staff)
        response = client.get(reverse('offline_delivery_plugin:v1:audit', kwargs={'course_id': str(demo.course_key)}),
                              {'export': 'csv'})
        lines = b''.join(response.streaming_content).decode().splitlines()
        assert lines[0].startswith('created,kind,channel,outcome')
        assert ',self_delivery,self,ok,verified_learner,verified_learner,' in lines[1]


def test_a_sweep_and_an_upload_decide_under_the_lock(demo, attempt):
    """The sweeper re-reads the attempt under its row lock: an attempt a file submitted meanwhile is left alone."""
    deliver(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'}), attempt, 'staff')
    assert api.finalise_expired_attempts(now=proctoring_api.get_exam_attempt_by_id(attempt['id'])['started_at']
                                         + timedelta(hours=5)) == 0
    assert status(attempt) == 'submitted'
