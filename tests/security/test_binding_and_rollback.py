"""
Binding and rollback (issue 8, items 2 and 3), beside the cases tests/test_deliveries.py already covers (another
candidate, another exam, the same candidate's earlier attempt, a header swapped onto this attempt, a file older than
the server, a file from another line of snapshots):

- a file that names another course or another attempt code is refused, whatever its key;
- no order of autosaves, repeats and late arrivals ever leaves an older answer over a newer one (a seeded random
  property over many interleavings), and a file delivered after autosave writes only what is newer.
"""
import random

import pytest
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import AttemptNotInProgress, DeliveryRefused
from offline_delivery_plugin.models import AttemptRecord, ItemAnswer
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, ESSAY, Chain, post, refused, start_exam, stored_answers


class TestBinding:
    """A file is for exactly one attempt: its course, exam, candidate and attempt code."""

    def test_a_file_naming_another_course(self, demo, attempt, other_course):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'},
                             header_overrides={'course': str(other_course.course_key)})
        error = refused(data, attempt)
        assert error.reason == 'wrong_attempt'
        exam_name = attempt['proctored_exam']['exam_name']
        assert error.user_message == f'This file belongs to another exam, not to "{exam_name}".'

    def test_a_file_naming_another_attempt_code(self, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'},
                             header_overrides={'attempt': 'not-this-attempt'})
        assert refused(data, attempt).reason == 'wrong_attempt'

    def test_a_file_naming_another_candidate_id(self, demo, attempt):
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'x'},
                             header_overrides={'candidate': '0' * 32})
        assert refused(data, attempt).reason == 'wrong_attempt'

    def test_nothing_is_delivered_to_a_removed_attempt(self, client, demo, attempt):
        """After a retake was granted, the first attempt takes no file, not even the retake's."""
        proctoring_api.remove_exam_attempt(attempt['id'], requesting_user=demo.course_staff)
        retake = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        data = delivery_file(demo.verified_learner, retake, {CONTROL_WORD: 'retake'})
        with pytest.raises(DeliveryRefused) as caught:
            api.deliver_file(data, attempt['id'], None, 'staff')
        assert caught.value.reason == 'wrong_attempt'


def _snapshots(attempt, count, rng):
    """``count`` snapshots in the page's order, each changing one of two items to a new value."""
    chain, answers, made = Chain(attempt), {}, []
    for number in range(1, count + 1):
        answers = {**answers, rng.choice([CONTROL_WORD, ESSAY]): f'v{number}'}
        made.append((number, dict(answers), chain.next(answers)))
    return made


class TestNoRollbackByAutosave:
    """Autosaves arrive late, twice or out of order (retries, two tabs, a slow proxy): the newest always wins."""

    def test_a_late_older_snapshot_changes_nothing(self, client, demo, attempt):
        made = _snapshots(attempt, 3, random.Random(1))
        assert post(client, attempt['id'], made[2][2]).json()['acked_seq'] == 3
        late = post(client, attempt['id'], made[1][2]).json()
        assert late == {'acked_seq': 3, 'acked_hash': late['acked_hash'], 'stored': False}
        assert stored_answers(attempt) == made[2][1]

    def test_the_same_sequence_number_with_other_answers_changes_nothing(self, client, demo, attempt):
        chain = Chain(attempt)
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'first'}))
        second_tab = Chain(attempt).next({CONTROL_WORD: 'other tab'})  # also sequence number 1
        assert post(client, attempt['id'], second_tab).json()['stored'] is False
        assert stored_answers(attempt) == {CONTROL_WORD: 'first'}

    def test_every_interleaving_keeps_the_newest(self, client, demo):
        """
        Seeded random orders with repeats and drops: the server ends with the answers of the highest sequence
        number it received, and its acknowledgement never goes down.
        """
        rng = random.Random(20261122)
        for _round in range(25):
            attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
            made = _snapshots(attempt, rng.randint(2, 8), rng)
            arrivals = [entry for entry in made if rng.random() > 0.2] or made[-1:]
            arrivals += rng.choices(arrivals, k=rng.randint(0, 4))  # retried saves arrive again
            rng.shuffle(arrivals)
            acked = 0
            for _number, _answers, snapshot in arrivals:
                ack = post(client, attempt['id'], snapshot).json()['acked_seq']
                assert ack >= acked, 'the acknowledgement went down'
                acked = ack
            newest = max(arrivals, key=lambda entry: entry[0])
            assert acked == newest[0]
            assert stored_answers(attempt) == newest[1]
            assert AttemptRecord.objects.get(attempt_id=attempt['id']).last_save_seq == newest[0]
            proctoring_api.remove_exam_attempt(attempt['id'], requesting_user=demo.course_staff)


class TestNoRollbackByUpload:
    """A file meets what autosave already stored: it may add what is newer, never take back what is newer."""

    def test_a_newer_file_writes_only_what_changed_after_the_servers_snapshot(self, client, demo, attempt):
        chain = Chain(attempt)
        post(client, attempt['id'], chain.next({CONTROL_WORD: 'online', ESSAY: 'online essay'}))
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'online', ESSAY: 'offline essay'},
                             seq=3, anchor={'seq': 1, 'hash': chain.prev})
        receipt = api.deliver_file(data, attempt['id'], None, 'staff')
        assert receipt.changed_items == (ESSAY,)
        assert stored_answers(attempt) == {CONTROL_WORD: 'online', ESSAY: 'offline essay'}
        online = dict(ItemAnswer.objects.filter(record__attempt_id=attempt['id']).values_list('item_id',
                                                                                            'online_value'))
        assert online[ESSAY] == 'online essay'  # what autosave had is kept beside it, for the Monitor

    def test_a_late_autosave_after_the_file_changes_nothing(self, client, demo, attempt):
        chain = Chain(attempt)
        early = chain.next({CONTROL_WORD: 'early'})
        data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'from the file'}, seq=2)
        api.deliver_file(data, attempt['id'], None, 'staff')
        response = post(client, attempt['id'], early)  # held back by a proxy, arriving after the upload
        assert response.status_code == 409
        assert stored_answers(attempt) == {CONTROL_WORD: 'from the file'}
        with pytest.raises(AttemptNotInProgress):
            api.save_snapshot(demo.verified_learner, attempt['id'], early['link'], early['answers_json'])

    def test_an_older_file_after_a_newer_file_is_refused(self, demo, attempt):
        newer = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'newer'}, seq=4)
        older = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'older'}, seq=2)
        api.deliver_file(newer, attempt['id'], None, 'staff')
        with pytest.raises(DeliveryRefused):
            api.deliver_file(older, attempt['id'], None, 'staff')
        assert stored_answers(attempt) == {CONTROL_WORD: 'newer'}
