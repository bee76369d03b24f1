"""
Open for resubmission (flow D): edx-proctoring's resume path, answers carried over, the unlock gate.
"""
import pytest
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import AttemptNotInProgress
from offline_delivery_plugin.models import AuditEvent
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.helpers import (
    CONTROL_WORD,
    ESSAY,
    NUMERIC,
    Chain,
    leave_onsite_invigilation,
    reopened_and_continued,
    start_exam,
)


def test_suggested_extra_time_is_the_time_offline(demo, submitted):
    assert api.suggest_extra_minutes(demo.course_key, demo.final_exam_id, submitted['id']) == 5


def test_reopen_gives_the_time_left_plus_extra(demo, submitted):
    seconds = api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, 'Wi-Fi down',
                                 demo.chief_invigilator)
    assert seconds == 40 * 60 + 10 * 60
    old = proctoring_api.get_exam_attempt_by_id(submitted['id'])
    assert (old['status'], old['ready_to_resume'], old['time_remaining_seconds']) == ('error', True, 3000)
    event = AuditEvent.objects.get(kind='reopen')
    assert (event.actor, event.detail['extra_minutes'], event.detail['reason']) == (
        demo.chief_invigilator, 10, 'Wi-Fi down')


def test_the_candidate_continues_in_a_successor_with_every_answer_and_locked(client, demo, submitted):
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, '', demo.chief_invigilator)
    leave_onsite_invigilation(demo)  # on site, the check-in is the unlock (tests/test_onsite.py)
    successor = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert successor['id'] != submitted['id']
    assert successor['status'] == 'started'
    assert successor['allowed_time_limit_mins'] == 50
    session = api.start_candidate_session(demo.verified_learner, successor['id'])
    assert session.answers == {CONTROL_WORD: 'hej'}
    assert session.locked is True
    with pytest.raises(AttemptNotInProgress):
        api.save_snapshot(demo.verified_learner, successor['id'], *Chain(successor).next({ESSAY: 'x'}).values())

    with pytest.raises(api.UnlockRefused):
        api.unlock_attempt(demo.verified_learner, successor['id'], 'wrong', ip_address='10.1.1.1')
    api.unlock_attempt(demo.verified_learner, successor['id'], INVIGILATOR_PASSWORD, ip_address='10.1.1.1')
    assert api.start_candidate_session(demo.verified_learner, successor['id']).locked is False
    ack = api.save_snapshot(demo.verified_learner, successor['id'],
                            *Chain(successor).next({CONTROL_WORD: 'hej', ESSAY: 'more'}).values())
    assert ack.stored is True
    outcomes = list(AuditEvent.objects.filter(kind='password').values_list('outcome', flat=True).order_by('id'))
    assert outcomes == ['refused', 'ok']
    assert INVIGILATOR_PASSWORD not in str(list(AuditEvent.objects.values('detail')))


def test_password_guessing_is_limited_per_attempt(client, demo, submitted):
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, '', demo.chief_invigilator)
    leave_onsite_invigilation(demo)  # on site, the check-in is the unlock (tests/test_onsite.py)
    successor = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    api.start_candidate_session(demo.verified_learner, successor['id'])
    for number in range(5):
        with pytest.raises(api.UnlockRefused) as caught:
            api.unlock_attempt(demo.verified_learner, successor['id'], f'guess{number}', ip_address=f'10.0.0.{number}')
        assert caught.value.locked is False
    with pytest.raises(api.UnlockRefused) as caught:
        api.unlock_attempt(demo.verified_learner, successor['id'], INVIGILATOR_PASSWORD, ip_address='10.9.9.9')
    assert caught.value.locked is True  # even the right password waits out the lockout
    assert AuditEvent.objects.filter(kind='password', detail__reason='locked').count() == 1


@pytest.mark.parametrize('extra', [-1, 601, '5', True, 2.5])
def test_bad_extra_time(demo, submitted, extra):
    with pytest.raises(api.CannotReopen):
        api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], extra, '', demo.course_staff)
    assert proctoring_api.get_exam_attempt_by_id(submitted['id'])['status'] == 'submitted'


def test_an_attempt_in_progress_cannot_be_reopened(client, demo):
    attempt = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    with pytest.raises(api.CannotReopen):
        api.reopen_attempt(demo.course_key, demo.final_exam_id, attempt['id'], 5, '', demo.course_staff)
    assert not AuditEvent.objects.filter(kind='reopen').exists()


def test_the_monitor_shows_a_reopened_attempt_until_the_password_is_typed(client, demo, submitted):
    def state():
        _exam, rows = api.get_monitor(demo.course_key, demo.final_exam_id)
        return {row.username: row for row in rows}['verified_learner'].state

    assert state() == 'submitted_online'
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, '', demo.chief_invigilator)
    assert state() == 'reopened', 'waiting for the candidate to continue'
    leave_onsite_invigilation(demo)  # on site, the check-in is the unlock (tests/test_onsite.py)
    successor = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    api.start_candidate_session(demo.verified_learner, successor['id'])
    assert state() == 'reopened', 'waiting for the invigilator password'
    api.unlock_attempt(demo.verified_learner, successor['id'], INVIGILATOR_PASSWORD)
    assert state() == 'writing'


def test_answers_the_continuation_saved_online_read_as_saved_online(client, demo):
    _original, continuation = reopened_and_continued(client, demo, submit=False)
    by_id = {item.item_id: item for item in api.get_attempt_answers(demo.course_key, demo.final_exam_id,
                                                                    continuation['id'])}
    for item_id, value in ((CONTROL_WORD, 'hej'), (ESSAY, 'finished offline'), (NUMERIC, '8')):
        item = by_id[item_id]
        assert (item.value, item.online_value, item.source, item.changed_offline) == (
            value, value, 'autosave', False), 'the Monitor says "(the same)", not "Last online save —"'


def test_the_page_of_a_reopened_attempt_is_told_so(client, demo, submitted):
    """The candidate's page, still open on the original attempt, asks the session and learns of the reopening."""
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 5, 'hall B', demo.chief_invigilator)
    client.force_login(demo.verified_learner)
    response = client.get(f"/offline-delivery/api/v1/attempts/{submitted['id']}/session/")
    assert response.status_code == 409
    assert response.json()['reason'] == 'reopened'
    assert 'opened for resubmission' in response.json()['detail']
    successor = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    api.sync_attempt_record(successor['id'])  # the candidate continued: the successor is linked
    response = client.get(f"/offline-delivery/api/v1/attempts/{submitted['id']}/session/")
    assert response.status_code == 409 and 'reason' not in response.json()
