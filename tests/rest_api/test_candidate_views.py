"""
The candidate page's endpoints: the session at attempt start and the snapshots, for every role and every kind of
bad input.
"""
import json

import pytest
from django.test import Client
from django.urls import reverse

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash
from offline_delivery_plugin.crypto.envelope import sha256_hex
from offline_delivery_plugin.rest_api.v1.serializers import SnapshotSerializer
from tests.helpers import CONTROL_WORD, ESSAY, Chain, post, session_url, snapshots_url, submit_exam


class TestRoles:
    """Only the candidate whose attempt it is may start its session or save to it."""

    @pytest.mark.parametrize('role,expected', [
        ('anonymous', 401),
        ('verified_learner2', 403),   # another learner
        ('verified_learner', 200),    # the learner
        ('audit_learner', 403),
        ('invigilator', 403),
        ('chief_invigilator', 403),
        ('course_staff', 403),
        ('admin', 403),               # global staff write nobody's answers
    ])
    def test_session_and_snapshot(self, demo, attempt, role, expected):
        client = Client()
        if role != 'anonymous':
            client.force_login(demo.users[role])
        assert client.get(session_url(attempt['id'])).status_code == expected
        assert post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'x'})).status_code == expected

    def test_staff_of_another_course(self, demo, attempt, other_course):
        client = Client()
        client.force_login(other_course.staff)
        assert client.get(session_url(attempt['id'])).status_code == 403

    def test_unknown_attempt(self, client, demo):
        client.force_login(demo.verified_learner)
        assert client.get(session_url(424242)).status_code == 403


class TestSession:
    """What the page starts with."""

    def test_contents(self, client, demo, attempt):
        body = client.get(session_url(attempt['id'])).json()
        assert body['attempt_code'] == attempt['attempt_code']
        assert body['content_id'] == demo.final_exam_id
        assert body['password_verifier']['iterations'] >= 600_000
        assert 'tentavakt' not in json.dumps(body)
        assert body['acked_seq'] == 0 and body['acked_hash'] == genesis_hash(attempt['attempt_code'])
        assert 3500 * 1000 <= body['deadline_ms'] - body['server_time_ms'] <= 3600 * 1000
        assert body['autosave_interval_seconds'] == 15 and body['connection_lost_after_seconds'] == 60
        assert len(body['items']) == 11
        assert body['public_key_spki_b64'] and body['kid']
        assert len(body['candidate_id']) == 32

    def test_without_a_password_the_verifier_is_null(self, client, demo, attempt):
        from offline_delivery_plugin.models import InvigilatorPassword  # pylint: disable=import-outside-toplevel

        InvigilatorPassword.objects.all().delete()
        assert client.get(session_url(attempt['id'])).json()['password_verifier'] is None

    def test_course_without_offline_delivery(self, client, demo, attempt):
        demo.course.other_course_settings = {}
        demo.course.save()
        response = client.get(session_url(attempt['id']))
        assert response.status_code == 409
        assert 'not turned on' in response.json()['detail']

    def test_submitted_attempt(self, client, demo, attempt):
        submit_exam(client, attempt)
        assert client.get(session_url(attempt['id'])).status_code == 409


class TestSnapshots:
    """Saving: idempotent, never backwards, every bad input a clear 4xx that stores nothing."""

    def test_save_and_ack(self, client, demo, attempt):
        chain = Chain(attempt)
        snapshot = chain.next({CONTROL_WORD: 'hej'})
        response = post(client, attempt['id'], snapshot)
        assert response.status_code == 200
        assert response.json() == {'acked_seq': 1, 'acked_hash': sha256_hex(snapshot['link']), 'stored': True}
        session = api.start_candidate_session(demo.verified_learner, attempt['id'])
        assert session.answers == {CONTROL_WORD: 'hej'}
        assert (session.acked_seq, session.acked_hash) == (1, sha256_hex(snapshot['link']))
        record = api.get_attempt_record(attempt['id'])
        assert record.proctoring_status == 'started'

    def test_repeated_late_and_out_of_order_posts_never_regress(self, client, demo, attempt):
        chain = Chain(attempt)
        first = chain.next({CONTROL_WORD: 'one'})
        second = chain.next({CONTROL_WORD: 'two', ESSAY: 'essay'})
        third = chain.next({CONTROL_WORD: 'three', ESSAY: 'essay'})
        assert post(client, attempt['id'], third).json()['stored'] is True
        for late in (first, second, third):
            reply = post(client, attempt['id'], late).json()
            assert reply == {'acked_seq': 3, 'acked_hash': sha256_hex(third['link']), 'stored': False}
        session = api.start_candidate_session(demo.verified_learner, attempt['id'])
        assert session.answers == {CONTROL_WORD: 'three', ESSAY: 'essay'}

    def test_only_changed_answers_are_rewritten(self, client, demo, attempt):
        from offline_delivery_plugin.models import ItemAnswer  # pylint: disable=import-outside-toplevel

        chain = Chain(attempt)
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej', ESSAY: 'a'}))
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej', ESSAY: 'ab'}))
        seqs = dict(ItemAnswer.objects.values_list('item_id', 'seq'))
        assert seqs == {CONTROL_WORD: 1, ESSAY: 2}
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'hallå', ESSAY: 'abc'}))  # two at once
        stored = {item: (value, seq, online) for item, value, seq, online in ItemAnswer.objects.values_list(
            'item_id', 'value', 'seq', 'online_value')}
        assert stored == {CONTROL_WORD: ('hallå', 3, 'hallå'), ESSAY: ('abc', 3, 'abc')}

    def test_a_lone_surrogate_in_any_body_is_refused(self):
        # The JSON parser refuses an escaped one first; the field holds the line for any other way in.
        snapshot = SnapshotSerializer(data={'link': '[1]', 'answers_json': '{"a": "\ud800"}'})
        assert not snapshot.is_valid()
        assert 'lone surrogate' in str(snapshot.errors['answers_json'])
        assert SnapshotSerializer(data={'link': '[1]', 'answers_json': '{"a": "åäö 😀"}'}).is_valid()

    def test_contact_is_recorded_even_for_a_repeat(self, client, demo, attempt):
        snapshot = Chain(attempt).next({CONTROL_WORD: 'x'})
        post(client, attempt['id'], snapshot)
        first_contact = api.get_attempt_record(attempt['id'])
        from offline_delivery_plugin.models import AttemptRecord  # pylint: disable=import-outside-toplevel

        before = AttemptRecord.objects.get(attempt_id=attempt['id']).last_contact_at
        post(client, attempt['id'], snapshot)
        after = AttemptRecord.objects.get(attempt_id=attempt['id']).last_contact_at
        assert first_contact is not None and after >= before

    @pytest.mark.parametrize('mutate,message', [
        (lambda s: {**s, 'answers_json': s['answers_json'].replace('hej', 'hej!')}, 'do not match'),
        (lambda s: {**s, 'link': '[1,2,3]'}, 'five parts'),
        (lambda s: {**s, 'link': 'not json'}, 'not valid JSON'),
        (lambda s: {**s, 'link': s['link'].replace('[1,', '[0,', 1)}, 'sequence, previous hash'),
        # Numbers no page writes, bounded where they are parsed (they were a 500 on SQLite and MariaDB).
        (lambda s: {**s, 'link': s['link'].replace('[1,', f'[{2 ** 31},', 1)}, 'from 1 to 2147483647'),
        (lambda s: {**s, 'link': s['link'].replace('[1,', f'[{2 ** 32},', 1)}, 'from 1 to 2147483647'),
        (lambda s: {**s, 'link': s['link'].replace('[1,', f'[{2 ** 63},', 1)}, 'from 1 to 2147483647'),
        (lambda s: {**s, 'link': s['link'].replace('[1,', f'[{10 ** 40},', 1)}, 'from 1 to 2147483647'),
        (lambda s: {'link': s['link']}, 'malformed'),
        (lambda s: {**s, 'answers_json': 7}, 'do not match'),
    ])
    def test_bad_snapshots_are_refused_and_store_nothing(self, client, demo, attempt, mutate, message):
        response = post(client, attempt['id'], mutate(Chain(attempt).next({CONTROL_WORD: 'hej'})))
        assert response.status_code == 400
        assert message in json.dumps(response.json())
        assert api.start_candidate_session(demo.verified_learner, attempt['id']).answers == {}

    def test_answers_must_be_text(self, client, demo, attempt):
        snapshot = Chain(attempt).next({CONTROL_WORD: ['not', 'text']})
        response = post(client, attempt['id'], snapshot)
        assert response.status_code == 400
        assert 'Each answer is a text' in response.json()['detail']

    def test_malformed_json_body(self, client, demo, attempt):
        response = client.post(snapshots_url(attempt['id']), data='{"link": ', content_type='application/json')
        assert response.status_code == 400

    def test_after_submission_nothing_is_saved(self, client, demo, attempt):
        submit_exam(client, attempt)
        response = post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'late'}))
        assert response.status_code == 409
        assert 'submitted' in response.json()['detail']

    def test_an_attempt_not_started(self, client, demo):
        from edx_proctoring import api as proctoring_api  # pylint: disable=import-outside-toplevel

        exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
        attempt_id = proctoring_api.create_exam_attempt(exam['id'], demo.verified_learner.id,
                                                        taking_as_proctored=True)
        client.force_login(demo.verified_learner)
        attempt = proctoring_api.get_exam_attempt_by_id(attempt_id)
        response = post(client, attempt_id, Chain(attempt).next({CONTROL_WORD: 'early'}))
        assert response.status_code == 409

    def test_a_save_reads_the_attempt_once_and_locks_it_once(self, client, demo, attempt):
        """
        The permission rule and the save's checks share one read of the attempt within the request; the save then
        decides under the attempt's row lock (attempt_locks), one more read (``FOR UPDATE`` where the database
        has row locks).
        """
        from django.db import connection  # pylint: disable=import-outside-toplevel
        from django.test.utils import CaptureQueriesContext  # pylint: disable=import-outside-toplevel

        chain = Chain(attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej'})).status_code == 200  # the record made
        with CaptureQueriesContext(connection) as queries:
            assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej igen'})).status_code == 200
        reads = [q['sql'] for q in queries if 'proctoredexamstudentattempt' in q['sql'].lower()]
        assert len(reads) == 2, reads
        if connection.features.has_select_for_update:
            assert ['FOR UPDATE' in read for read in reads] == [False, True], reads

    def test_the_next_request_reads_the_attempt_again(self, client, demo, attempt):
        chain = Chain(attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej'})).status_code == 200
        submit_exam(client, attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'late'})).status_code == 409

    def test_turning_offline_delivery_off_reaches_saves_within_the_cache_time(self, client, demo, attempt,
                                                                               settings, monkeypatch):
        settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS = 30
        clock = [1000.0]
        monkeypatch.setattr('offline_delivery_plugin.course_settings.time.monotonic', lambda: clock[0])
        chain = Chain(attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'one'})).status_code == 200
        demo.course.other_course_settings = {}
        demo.course.save()
        clock[0] += 29
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'two'})).status_code == 200
        assert client.get(session_url(attempt['id'])).status_code == 409  # the session start reads fresh
        clock[0] += 1
        response = post(client, attempt['id'], chain.next({CONTROL_WORD: 'three'}))
        assert response.status_code == 409
        assert 'not turned on' in response.json()['detail']
        assert api.get_attempt_record(attempt['id']).last_save_seq == 2  # the refused save stored nothing

    def test_with_no_cache_time_every_save_reads_the_settings(self, client, demo, attempt, settings):
        settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS = 0
        chain = Chain(attempt)
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'one'})).status_code == 200
        demo.course.other_course_settings = {}
        demo.course.save()
        assert post(client, attempt['id'], chain.next({CONTROL_WORD: 'two'})).status_code == 409

    def test_csrf_stays_on(self, demo, attempt):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo.verified_learner)
        assert post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'x'})).status_code == 403


def deliveries_url(attempt_id):
    return reverse('offline_delivery_plugin:v1:attempt-deliveries', kwargs={'attempt_id': attempt_id})


class TestSelfDelivery:
    """``POST /offline-delivery/api/v1/attempts/{attempt_id}/deliveries/``: the candidate delivers their file."""

    @pytest.fixture
    def data(self, demo, attempt):
        from tests.crypto_helpers import delivery_file  # pylint: disable=import-outside-toplevel

        return delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})

    def send(self, client, attempt, data):
        return client.post(deliveries_url(attempt['id']), data=data, content_type='application/octet-stream')

    @pytest.mark.parametrize('role,expected', [
        ('anonymous', 401), ('verified_learner2', 403), ('verified_learner', 200), ('audit_learner', 403),
        ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', 403), ('admin', 403),
    ])
    def test_roles(self, demo, attempt, data, role, expected):
        client = Client()
        if role != 'anonymous':
            client.force_login(demo.users[role])
        assert self.send(client, attempt, data).status_code == expected

    def test_delivered(self, client, demo, attempt, data):
        body = self.send(client, attempt, data).json()
        assert body['already_delivered'] is False and body['blank'] is False
        from offline_delivery_plugin.crypto import envelope  # pylint: disable=import-outside-toplevel

        assert body['receipt'] == envelope.receipt_code(envelope.sha256_hex(data))
        assert self.send(client, attempt, data).json()['already_delivered'] is True

    def test_a_refusal_says_why(self, client, demo, attempt, data):
        changed = bytearray(data)
        changed[len(changed) // 2] ^= 1
        response = self.send(client, attempt, bytes(changed))
        assert response.status_code == 400
        assert response.json()['reason'] in ('tampered', 'malformed')

    def test_too_large(self, client, demo, attempt, settings):
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 1000
        response = self.send(client, attempt, b'x' * 1001)
        assert response.status_code == 413
        assert response.json()['reason'] == 'too_large'

    def test_csrf_stays_on(self, demo, attempt, data):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo.verified_learner)
        assert self.send(client, attempt, data).status_code == 403
