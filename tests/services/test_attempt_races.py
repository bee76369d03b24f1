"""
Every pair of paths that can change one attempt at the same moment, raced for real on MariaDB: two threads, each
with its own database connection, released together by a barrier, many rounds in a row. Whatever order the row
locks give them, the attempt ends in one coherent state: one outcome won, the other was refused with its reason (or
decided on what the first one left), and nothing of the loser was stored.

These are the races an outside attack found (issue 14): an autosave landing after a file submitted the attempt, two
files both accepted, a reopening that raced a file, parallel password guesses. ``attempt_locks`` is the rule they
all go through.
"""
import itertools
import threading
from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections
from django.test import Client, override_settings
from django.utils import timezone
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import AttemptNotFound, AttemptNotInProgress, DeliveryRefused
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, DeliveryFile, ItemAnswer, Reopening
from offline_delivery_plugin.password_gate import MAX_FAILURES_PER_ATTEMPT
from sandbox.host.demo import INVIGILATOR_PASSWORD
from sandbox.host.models import CourseEnrollment
from tests.crypto_helpers import delivery_file
from tests.helpers import (
    CONTROL_WORD,
    ESSAY,
    Chain,
    create_onsite_attempt,
    leave_onsite_invigilation,
    start_attempt,
    start_exam,
    submit_exam,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 8
_numbers = itertools.count()


def race(first, second):
    """
    Run ``first`` and ``second`` at once, each in its own thread and database connection, released together.
    Returns ``(outcome of first, outcome of second)``: the value returned, or the exception raised.
    """
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = action()
        except Exception as error:  # pylint: disable=broad-exception-caught
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return tuple(outcomes)


def new_candidate(demo):
    """A verified learner of the demo course of their own, so that every round starts from a fresh attempt."""
    user = get_user_model().objects.create_user(f'racer{next(_numbers)}', password='edx')
    CourseEnrollment.objects.create(user=user, course=demo.course, mode='verified')
    return user


def writing(demo):
    """A candidate writing the final exam, with one autosave the server holds (seq 1)."""
    user = new_candidate(demo)
    attempt = start_exam(Client(), user, demo.course_key, demo.final_exam_id)
    chain = Chain(attempt)
    api.save_snapshot(user, attempt['id'], *chain.next({CONTROL_WORD: 'online 1'}).values())
    return user, attempt, chain


def held(attempt):
    return {a.item_id: a.value for a in ItemAnswer.objects.filter(record__attempt_id=attempt['id'])}


def status(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt['id']).status


def upload(demo, attempt, data):
    return lambda: api.upload_delivery_file(data, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)


def test_an_autosave_racing_a_staff_upload(demo):
    """The file (seq 2) submits the attempt and the save (seq 3) is refused, or the save lands first and the file
    is older than what the server holds: never both, never the file's receipt beside the save's text."""
    orders = set()
    for _round in range(ROUNDS):
        user, attempt, chain = writing(demo)
        file_answers = {CONTROL_WORD: 'from the file'}
        data = delivery_file(user, attempt, file_answers, seq=2, anchor={'seq': 1, 'hash': chain.prev})
        chain.next(file_answers)  # the page's chain goes on past the file's link
        save = chain.next({CONTROL_WORD: 'typed after'})
        saved, uploaded = race(partial(api.save_snapshot, user, attempt['id'], *save.values()),
                               upload(demo, attempt, data))
        if isinstance(uploaded, DeliveryRefused):
            orders.add('save first')
            assert uploaded.reason == 'stale'
            assert saved.stored and saved.acked_seq == 3
            assert status(attempt) == 'started' and not DeliveryFile.objects.filter(record__attempt_id=attempt['id'])
            assert held(attempt) == {CONTROL_WORD: 'typed after'}
        else:
            orders.add('upload first')
            assert isinstance(saved, AttemptNotInProgress), saved
            assert not uploaded.already_delivered
            assert status(attempt) == 'submitted'
            assert held(attempt) == {CONTROL_WORD: 'from the file'}
            assert AttemptRecord.objects.get(attempt_id=attempt['id']).last_save_seq == 2
    print('orders seen:', sorted(orders))


@pytest.mark.parametrize('channels', [('staff', 'staff'), ('self', 'staff')])
def test_two_different_files_for_one_attempt(demo, channels):
    """Exactly one is accepted; the other is refused as closed (or older than the first); the answers held are the
    accepted file's."""
    for _round in range(ROUNDS):
        user, attempt, chain = writing(demo)
        first_answers, second_answers = {CONTROL_WORD: 'file A'}, {CONTROL_WORD: 'file B', ESSAY: 'only in B'}
        first = delivery_file(user, attempt, first_answers, seq=2, anchor={'seq': 1, 'hash': chain.prev})
        second = delivery_file(user, attempt, second_answers, seq=3, anchor={'seq': 1, 'hash': chain.prev})
        deliver = {
            'staff': lambda data, attempt=attempt: upload(demo, attempt, data)(),
            'self': lambda data, attempt=attempt, user=user: api.deliver_file(data, attempt['id'], user, 'self'),
        }
        outcomes = race(partial(deliver[channels[0]], first), partial(deliver[channels[1]], second))
        accepted = [index for index, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
        assert len(accepted) == 1, outcomes
        refused = outcomes[1 - accepted[0]]
        assert isinstance(refused, DeliveryRefused) and refused.reason in ('closed', 'stale'), refused
        assert DeliveryFile.objects.filter(record__attempt_id=attempt['id']).count() == 1
        assert status(attempt) == 'submitted'
        expected = first_answers if accepted == [0] else second_answers
        assert {k: v for k, v in held(attempt).items() if k in expected} == expected
        if accepted == [0]:
            assert ESSAY not in held(attempt)
        # Both are audited, with their channel.
        events = AuditEvent.objects.filter(attempt_id=attempt['id'], kind__in=('upload', 'self_delivery'))
        assert sorted(e.outcome for e in events) == ['ok', 'refused']


def test_two_reopenings_of_one_attempt(demo):
    """Two chief invigilators press *Open for resubmission* at once: one reopening, one refusal."""
    for _round in range(ROUNDS):
        user, attempt, _chain = writing(demo)
        client = Client()
        client.force_login(user)
        submit_exam(client, attempt)
        reopen = partial(api.reopen_attempt, demo.course_key, demo.final_exam_id, attempt['id'], 5, 'hall B',
                         demo.chief_invigilator)
        outcomes = race(reopen, reopen)
        assert sorted(type(o).__name__ for o in outcomes) == ['CannotReopen', 'int'], outcomes
        assert AuditEvent.objects.filter(attempt_id=attempt['id'], kind='reopen').count() == 1
        assert status(attempt) == 'error'


def test_the_sweeper_racing_a_file(demo):
    """The sweep times the attempt out while its file arrives: either way the file is accepted and the attempt ends
    submitted, once."""
    for _round in range(ROUNDS):
        user, attempt, chain = writing(demo)
        data = delivery_file(user, attempt, {CONTROL_WORD: 'sealed in time'}, seq=2,
                             anchor={'seq': 1, 'hash': chain.prev})
        later = timezone.now() + timedelta(hours=3)
        swept, uploaded = race(partial(api.finalise_expired_attempts, now=later), upload(demo, attempt, data))
        assert not isinstance(swept, Exception), swept
        assert not isinstance(uploaded, Exception), uploaded
        assert status(attempt) == 'submitted'
        assert DeliveryFile.objects.filter(record__attempt_id=attempt['id']).count() == 1


def test_a_retake_racing_a_reopening(demo):
    """Course staff approve a retake while a chief invigilator opens the same submitted attempt for resubmission:
    one of the two happens, the other is refused, and nothing is left half-done (a reopening of a cleared attempt,
    or a cleared attempt with a reopening waiting for it)."""
    for _round in range(ROUNDS):
        user, attempt, _chain = writing(demo)
        client = Client()
        client.force_login(user)
        submit_exam(client, attempt)
        request = api.create_exam_request(user, demo.course_key, demo.final_exam_id, 'retake', 'The Wi-Fi failed.')
        retake = partial(api.decide_exam_request, demo.course_key, request.request_id, demo.course_staff, True,
                         confirm_clearing=True)
        reopen = partial(api.reopen_attempt, demo.course_key, demo.final_exam_id, attempt['id'], 5, 'hall B',
                         demo.chief_invigilator)
        retaken, reopened = race(retake, reopen)
        exists = ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).exists()
        if isinstance(reopened, Exception):
            assert isinstance(reopened, (AttemptNotFound, api.CannotReopen)), reopened
            assert not isinstance(retaken, Exception), retaken
            assert not exists and not Reopening.objects.filter(attempt_id=attempt['id']).exists()
        else:
            assert isinstance(retaken, api.RequestRefused), retaken
            assert exists and status(attempt) == 'error'
            assert Reopening.objects.filter(attempt_id=attempt['id']).count() == 1


def reopened_and_continued(demo):
    """A candidate whose attempt was reopened and who started again: the successor waits for the password."""
    user, attempt, _chain = writing(demo)
    client = Client()
    client.force_login(user)
    submit_exam(client, attempt)
    api.reopen_attempt(demo.course_key, demo.final_exam_id, attempt['id'], 10, 'hall B', demo.chief_invigilator)
    leave_onsite_invigilation(demo)  # on site, the check-in is the unlock (tests/test_onsite.py)
    successor = start_exam(client, user, demo.course_key, demo.final_exam_id)
    assert api.start_candidate_session(user, successor['id']).locked
    return user, successor


def test_the_unlock_racing_an_autosave(demo):
    """No save is stored while the attempt waits for the invigilator; once unlocked, it is."""
    for number in range(ROUNDS):
        user, successor = reopened_and_continued(demo)
        save = Chain(successor).next({CONTROL_WORD: 'after the reopening'})
        saved, unlocked = race(partial(api.save_snapshot, user, successor['id'], *save.values()),
                               partial(api.unlock_attempt, user, successor['id'], INVIGILATOR_PASSWORD,
                                       ip_address=f'10.7.0.{number}'))
        assert unlocked is None, unlocked
        record = AttemptRecord.objects.get(attempt_id=successor['id'])
        assert record.unlocked_at is not None
        if isinstance(saved, AttemptNotInProgress):
            assert record.last_save_seq is None  # refused while locked: nothing of it stored
        else:
            assert saved.stored and record.last_save_seq == 1
            assert held(successor)[CONTROL_WORD] == 'after the reopening'


REDIS_CACHE = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                           'LOCATION': 'redis://127.0.0.1:6379/9'}}


@override_settings(CACHES=REDIS_CACHE)
def test_parallel_password_guesses_check_at_most_the_limit(demo):
    """Ten wrong passwords and the right one, sent at once against Redis: at most five are checked at all."""
    caches['default'].clear()
    user, successor = reopened_and_continued(demo)
    barrier = threading.Barrier(11)
    results = []

    def guess(password):
        try:
            barrier.wait(timeout=30)
            api.unlock_attempt(user, successor['id'], password, ip_address='10.8.0.1')
            results.append('unlocked')
        except api.UnlockRefused as refusal:
            results.append('locked' if refusal.locked else 'wrong')
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(f'guess-{n}',)) for n in range(10)]
    threads.append(threading.Thread(target=guess, args=(INVIGILATOR_PASSWORD,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    audited = AuditEvent.objects.filter(attempt_id=successor['id'], kind='password')
    # A password checked is audited, wrong or right; a try that arrived after the unlock committed checks nothing
    # (it finds the attempt unlocked and answers so).
    checked = audited.filter(detail__reason='wrong').count() + audited.filter(outcome=AuditEvent.OK).count()
    assert len(results) == 11
    assert checked <= MAX_FAILURES_PER_ATTEMPT, results
    assert audited.filter(detail__reason='wrong').count() == results.count('wrong')
    assert audited.filter(detail__reason='locked').count() == results.count('locked')
    caches['default'].clear()


def waiting_for_check_in(demo):
    """A candidate of the final exam proctored on site, their attempt created and waiting for check-in."""
    user = new_candidate(demo)
    return user, create_onsite_attempt(Client(), demo, user=user)


def test_two_check_ins_of_one_candidate(demo):
    """The Monitor's *Check in* and the password on the candidate's screen at once: one check-in, audited once."""
    for _round in range(ROUNDS):
        user, attempt = waiting_for_check_in(demo)
        outcomes = race(
            partial(api.check_in_from_monitor, demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator),
            partial(api.check_in_with_password, user, attempt['id'], INVIGILATOR_PASSWORD, ip_address='10.3.0.1'))
        assert outcomes == ('ready_to_start', 'ready_to_start'), outcomes
        assert status(attempt) == 'ready_to_start'
        assert AuditEvent.objects.filter(attempt_id=attempt['id'], kind='check_in', outcome='ok').count() == 1


def test_two_hall_results_for_one_attempt(demo):
    """Two chief invigilators record a result at once: one review of the attempt, and the attempt's status is the
    one that review gives."""
    for _round in range(ROUNDS):
        user, attempt = waiting_for_check_in(demo)
        client = Client()
        client.force_login(user)
        api.check_in_from_monitor(demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
        submit_exam(client, start_attempt(client, attempt))
        record = partial(api.record_hall_review, demo.course_key, demo.final_exam_id, attempt['id'])
        outcomes = race(partial(record, 'satisfactory', '', demo.chief_invigilator),
                        partial(record, 'unsatisfactory', 'Notes under the desk.', demo.chief_invigilator))
        assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
        review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt['attempt_code'])
        assert status(attempt) == {'Clean': 'verified', 'Suspicious': 'rejected'}[review.review_status]
        assert AuditEvent.objects.filter(attempt_id=attempt['id'], kind='hall_review', outcome='ok').count() == 2
