"""
The Monitor: candidates' states, constant queries, uploads with their audit trail, answers beside the online save.
"""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import AttemptNotFound, DeliveryRefused
from offline_delivery_plugin.models import AuditEvent
from sandbox.host.models import CourseEnrollment
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, ESSAY, NUMERIC, Chain, post, start_exam, submit_exam


def rows_by_user(demo, now=None):
    _exam, rows = api.get_monitor(demo.course_key, demo.final_exam_id, now=now)
    return {row.username: row for row in rows}


def test_who_is_on_the_monitor_of_a_proctored_exam(demo):
    rows = rows_by_user(demo)
    assert set(rows) == {'verified_learner', 'verified_learner2'}  # audit learners take no proctored exam
    assert {row.state for row in rows.values()} == {'not_started'}
    practice = {row.username for row in api.get_monitor(demo.course_key, demo.practice_exam_id)[1]}
    assert 'audit_learner' in practice


def test_states_follow_the_hall(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'hej'}))
    row = rows_by_user(demo)['verified_learner']
    assert (row.state, row.attempt_id, row.last_save_seq) == ('writing', attempt['id'], 1)
    assert 3500 <= row.seconds_left <= 3600
    later = rows_by_user(demo, now=timezone.now() + timedelta(seconds=61))['verified_learner']
    assert later.state == 'connection_lost'

    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    submit_exam(client, other)
    assert rows_by_user(demo)['verified_learner2'].state == 'submitted_online'


def test_a_delivered_file_shows_with_its_receipt(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    receipt = api.upload_delivery_file(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}),
                                       demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    row = rows_by_user(demo)['verified_learner']
    assert (row.state, row.receipt, row.seconds_left) == ('delivered_offline', receipt.receipt, None)


def test_queries_do_not_grow_with_the_hall(client, demo):
    def count():
        with CaptureQueriesContext(connection) as queries:
            api.get_monitor(demo.course_key, demo.final_exam_id)
        return len(queries)

    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    small = count()
    users = get_user_model()
    for number in range(40):
        user = users.objects.create_user(f'candidate{number}', f'c{number}@example.invalid', 'x')
        CourseEnrollment.objects.create(user=user, course=demo.course, mode='verified')
        if number % 2:
            start_exam(client, user, demo.course_key, demo.final_exam_id)
    assert len(api.get_monitor(demo.course_key, demo.final_exam_id)[1]) == 42
    assert count() == small


def test_upload_is_audited_accepted_and_refused(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    api.sync_attempt_record(other['id'])
    wrong = delivery_file(demo.verified_learner2, other, {CONTROL_WORD: 'not mine'})
    with pytest.raises(DeliveryRefused) as caught:
        api.upload_delivery_file(wrong, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator,
                                 ip_address='10.0.0.7', file_name='Ville.offline-delivery')
    assert 'verified_learner2' in caught.value.user_message  # staff are told whose file it is
    right = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
    receipt = api.upload_delivery_file(right, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator,
                                       ip_address='10.0.0.7', file_name='Vera.offline-delivery')
    events = list(AuditEvent.objects.filter(kind='upload').order_by('id').values(
        'kind', 'outcome', 'actor', 'subject', 'ip_address', 'detail'))
    assert [(e['kind'], e['outcome']) for e in events] == [('upload', 'refused'), ('upload', 'ok')]
    assert {e['actor'] for e in events} == {demo.invigilator.id}
    assert {e['subject'] for e in events} == {demo.verified_learner.id}
    assert events[0]['detail']['reason'] == 'wrong_attempt'
    assert events[1]['detail']['receipt'] == receipt.receipt
    assert 'hej' not in str(events)  # no answers in the audit trail


def test_upload_for_an_attempt_of_another_exam(client, demo):
    practice = start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)
    with pytest.raises(AttemptNotFound):
        api.upload_delivery_file(b'{}', demo.course_key, demo.final_exam_id, practice['id'], demo.invigilator)


def test_answers_show_what_was_written_offline(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    chain = Chain(attempt)
    post(client, attempt['id'], chain.next({CONTROL_WORD: 'hej', ESSAY: 'online draft'}))
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej', ESSAY: 'finished offline'}, seq=3,
                         anchor={'seq': 1, 'hash': chain.prev})
    api.upload_delivery_file(data, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    items = api.get_attempt_answers(demo.course_key, demo.final_exam_id, attempt['id'])
    assert [item.display_name for item in items][:2] == ['Control word', 'Question 1']
    assert len(items) == 11
    by_id = {item.item_id: item for item in items}
    assert (by_id[CONTROL_WORD].value, by_id[CONTROL_WORD].changed_offline) == ('hej', False)
    essay = by_id[ESSAY]
    assert (essay.value, essay.online_value, essay.changed_offline) == ('finished offline', 'online draft', True)


def test_answers_follow_the_order_the_candidate_saw(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    seen = list(reversed(api.start_candidate_session(demo.verified_learner, attempt['id']).items))[:3]
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}, items=seen)
    api.upload_delivery_file(data, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    items = api.get_attempt_answers(demo.course_key, demo.final_exam_id, attempt['id'])
    assert [item.item_id for item in items] == seen + [CONTROL_WORD]


def test_answers_say_which_item_did_not_take_its_answer(client, demo):
    numeric = NUMERIC
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    data = delivery_file(demo.verified_learner, attempt, {numeric: 'two hundred', CONTROL_WORD: 'hej'})
    receipt = api.upload_delivery_file(data, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    assert [item for item, _message in receipt.not_applied] == [numeric.partition('#')[0]]
    by_id = {item.item_id: item for item in api.get_attempt_answers(demo.course_key, demo.final_exam_id,
                                                                    attempt['id'])}
    assert by_id[numeric].value == 'two hundred'
    assert by_id[numeric].not_applied.startswith('Saved, not graded: '), 'capa could not grade it'
    assert by_id[CONTROL_WORD].not_applied == ''


def test_answers_of_several_fields_show_one_row_per_field(client, demo):
    item = CONTROL_WORD.partition('#')[0]
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    data = delivery_file(demo.verified_learner, attempt, {f'{item}#first': 'a', f'{item}#second': 'b'})
    api.upload_delivery_file(data, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    by_id = {item.item_id: item for item in api.get_attempt_answers(demo.course_key, demo.final_exam_id,
                                                                    attempt['id'])}
    assert item not in by_id
    assert (by_id[f'{item}#first'].display_name, by_id[f'{item}#first'].value) == (
        'Control word (first)', 'a')
