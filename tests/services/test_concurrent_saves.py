"""
Saves of one attempt racing each other on MariaDB's row locks: a page that sends again while its last request
is still on the way, or two tabs of the same candidate. Whatever the order they reach the database in, the record
ends at the newest snapshot with that snapshot's answers, and no save fails.
"""
import random
import threading

import pytest
from django.db import connections

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import link_json
from tests.helpers import start_exam

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CONTROL_WORD = 'block-v1:SandboxU+EXAM101+2026+type@problem+block@final_control_word#input_final_control_word_2_1'
ESSAY = 'block-v1:SandboxU+EXAM101+2026+type@exam_essay+block@final_essay_offline#answer'
SAVES = 60
THREADS = 6


def snapshot(seq):
    """Snapshot ``seq``: both answers name it, so the answers held show which snapshot they came from."""
    answers_json = f'{{"{CONTROL_WORD}":"word {seq}","{ESSAY}":"essay {seq}"}}'
    return link_json(seq, '0' * 64, 1_700_000_000_000 + seq, answers_json, [CONTROL_WORD, ESSAY]), answers_json


def test_racing_saves_end_at_the_newest_snapshot(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    order = list(range(1, SAVES + 1))
    random.Random(7).shuffle(order)
    acks, errors = [], []

    def save(mine):
        try:
            for seq in mine:
                link, answers_json = snapshot(seq)
                acks.append((seq, api.save_snapshot(demo.verified_learner, attempt['id'], link, answers_json)))
        except Exception as error:  # pylint: disable=broad-exception-caught
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(order[n::THREADS],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(acks) == SAVES
    assert all(ack.acked_seq >= seq for seq, ack in acks)  # never acknowledged below what was sent
    assert [seq for seq, ack in acks if ack.stored]  # at least the first one to arrive stored
    record = api.get_attempt_record(attempt['id'])
    assert record.last_save_seq == SAVES
    session = api.start_candidate_session(demo.verified_learner, attempt['id'])
    assert session.acked_seq == SAVES
    assert session.answers == {CONTROL_WORD: f'word {SAVES}', ESSAY: f'essay {SAVES}'}
