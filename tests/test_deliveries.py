"""
Accepting a delivery file for an attempt: all or nothing, bound to exactly that attempt, never a rollback.
"""
import json

import pytest
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.storage import plugin_storage
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, ESSAY, Chain, post, refused, start_exam, stored_answers, submit_exam


def test_a_good_file_is_accepted_all_at_once(demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej', ESSAY: 'offline text'}, seq=2)
    receipt = api.deliver_file(data, attempt['id'], demo.invigilator, 'staff')
    assert receipt.receipt == envelope.receipt_code(envelope.sha256_hex(data))
    assert receipt.already_delivered is False
    assert receipt.changed_items == tuple(sorted([CONTROL_WORD, ESSAY]))
    assert stored_answers(attempt) == {CONTROL_WORD: 'hej', ESSAY: 'offline text'}
    assert proctoring_api.get_exam_attempt_by_id(attempt['id'])['status'] == 'submitted'
    from offline_delivery_plugin.models import DeliveryFile  # pylint: disable=import-outside-toplevel

    stored = DeliveryFile.objects.get()
    assert (stored.channel, stored.delivered_by, stored.seq) == ('staff', demo.invigilator, 2)
    with plugin_storage().open(stored.storage_name) as handle:
        assert handle.read() == data


def test_the_same_file_twice_is_harmless(demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
    first = api.deliver_file(data, attempt['id'], None, 'self')
    again = api.deliver_file(data, attempt['id'], None, 'self')
    assert again.already_delivered is True
    assert again.receipt == first.receipt


def test_a_file_continuing_from_the_servers_last_snapshot(client, demo, attempt):
    chain = Chain(attempt)
    post(client, attempt['id'], chain.next({CONTROL_WORD: 'online'}))
    post(client, attempt['id'], chain.next({CONTROL_WORD: 'online', ESSAY: 'before the drop'}))
    anchor = {'seq': 2, 'hash': chain.prev}
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'online', ESSAY: 'after the drop'},
                         seq=4, anchor=anchor)
    receipt = api.deliver_file(data, attempt['id'], None, 'staff')
    assert receipt.changed_items == (ESSAY,)  # written after the connection dropped
    assert stored_answers(attempt)[ESSAY] == 'after the drop'


def test_an_old_anchor_is_fine_when_the_chain_passes_the_servers_snapshot(client, demo, attempt):
    # The server stored snapshot 1, but its acknowledgement never reached the page: the page still anchors at
    # the genesis, and its chain runs through the snapshot the server holds.
    answers = {CONTROL_WORD: 'x'}
    data = delivery_file(demo.verified_learner, attempt, answers, seq=3)
    post(client, attempt['id'], Chain(attempt).next(answers))  # the same first link as the file's
    assert api.deliver_file(data, attempt['id'], None, 'staff').seq == 3


def test_older_than_the_server_is_refused(client, demo, attempt):
    chain = Chain(attempt)
    for number in range(1, 6):
        post(client, attempt['id'], chain.next({CONTROL_WORD: f'v{number}'}))
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'v2'}, seq=2)
    error = refused(data, attempt)
    assert error.reason == 'stale'
    assert 'older than what the server already holds' in error.user_message
    assert stored_answers(attempt) == {CONTROL_WORD: 'v5'}


def test_a_file_from_another_line_is_refused(client, demo, attempt):
    chain = Chain(attempt)
    post(client, attempt['id'], chain.next({CONTROL_WORD: 'server line'}))
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'other line'}, seq=2)
    assert refused(data, attempt).reason == 'diverged'


def test_another_candidates_file(client, demo, attempt):
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    api.sync_attempt_record(other['id'])
    data = delivery_file(demo.verified_learner2, other, {CONTROL_WORD: 'not mine'})
    error = refused(data, attempt)
    assert (error.reason, error.user_message) == ('wrong_attempt', 'This file belongs to another candidate.')
    staff_view = refused(data, attempt, reveal_owner=True)
    assert f"verified_learner2 (attempt {other['id']})" in staff_view.user_message


def test_another_exams_file(client, demo, attempt):
    practice = start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)
    data = delivery_file(demo.verified_learner, practice, {CONTROL_WORD: 'x'})
    error = refused(data, attempt)
    assert error.reason == 'wrong_attempt'
    assert 'another exam' in error.user_message


def test_the_same_candidates_earlier_attempt(client, demo, attempt):
    old = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'first try'})
    proctoring_api.remove_exam_attempt(attempt['id'], requesting_user=demo.course_staff)
    retake = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    error = refused(old, retake)
    assert error.reason == 'wrong_attempt'
    assert 'another attempt of this candidate' in error.user_message


def test_a_header_swapped_to_this_attempt_does_not_decrypt(client, demo, attempt):
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    data = delivery_file(demo.verified_learner2, other, {CONTROL_WORD: 'x'})
    mine = json.loads(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'y'}))
    forged = json.loads(data)
    forged['protected'] = mine['protected']
    assert refused(json.dumps(forged).encode(), attempt).reason == 'tampered'


def test_a_broken_chain_is_refused(demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'}, seq=2,
                         links=['[1,"' + 'a' * 64 + '",1,"' + 'b' * 64 + '",[]]'])
    error = refused(data, attempt)
    assert error.reason == 'malformed'
    assert 'chain is broken' in error.user_message


def test_the_anchor_must_be_this_attempts_genesis(demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'},
                         anchor={'seq': 0, 'hash': genesis_hash('someone-else')})
    assert refused(data, attempt).reason == 'malformed'


def test_a_submitted_attempt_is_closed(client, demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'})
    submit_exam(client, attempt)
    error = refused(data, attempt)
    assert error.reason == 'closed'
    assert 'open it for resubmission' in error.user_message


def test_blank_delivery_submits_without_answers(client, demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'typed but handed in blank'}, blank=True)
    receipt = api.deliver_file(data, attempt['id'], None, 'self')
    assert receipt.blank is True and receipt.changed_items == ()
    assert stored_answers(attempt) == {}
    assert proctoring_api.get_exam_attempt_by_id(attempt['id'])['status'] == 'submitted'


def test_a_failure_midway_leaves_nothing_behind(demo, attempt, monkeypatch):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'})

    def explode(*args, **kwargs):
        raise RuntimeError('the database went away')

    monkeypatch.setattr(proctoring_api, 'update_attempt_status', explode)
    with pytest.raises(RuntimeError):
        api.deliver_file(data, attempt['id'], None, 'staff')
    from offline_delivery_plugin.models import DeliveryFile  # pylint: disable=import-outside-toplevel

    assert stored_answers(attempt) == {}
    assert not DeliveryFile.objects.exists()
    assert api.get_attempt_record(attempt['id']).last_save_seq is None
    assert not plugin_storage().exists(
        f"offline_delivery/{demo.course_key}/{attempt['id']}/{envelope.sha256_hex(data)}.offline-delivery")


def item_state(user, usage_id):
    """The learner's state of an item, as its XBlock stores it (``StudentModule``), or None."""
    from opaque_keys.edx.keys import UsageKey  # pylint: disable=import-outside-toplevel

    from sandbox.host.models import StudentModule  # pylint: disable=import-outside-toplevel

    module = StudentModule.objects.filter(student=user, module_state_key=UsageKey.from_string(usage_id)).first()
    return module.state if module else None


# What the applier does to each kind of item: tests/test_problems.py.
def test_a_blank_delivery_puts_nothing_into_the_items(demo, attempt):
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'typed'}, blank=True)
    api.deliver_file(data, attempt['id'], None, 'self')
    assert item_state(demo.verified_learner, CONTROL_WORD.partition('#')[0]) is None


@pytest.mark.parametrize('answers, items', [
    ({'x' * 256: 'an item id longer than any usage key'}, None),
    ({CONTROL_WORD: 'y' * 100_001}, None),
    ({CONTROL_WORD: 'hej'}, ['z' * 256]),
    ({CONTROL_WORD: 'hej'}, [CONTROL_WORD] * 1001),
])
def test_an_authentic_file_out_of_bounds_is_refused(demo, attempt, answers, items):
    data = delivery_file(demo.verified_learner, attempt, answers, items=items)
    assert refused(data, attempt).reason == 'malformed'
