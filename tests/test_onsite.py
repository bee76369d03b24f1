"""
On-site invigilation: edx-proctoring's backend for exam halls, the check-in that makes an attempt ready to start,
the start gate that waits for it, and the chief invigilator's review as edx-proctoring's review of the attempt.

The learner's side is driven as frontend-lib-special-exams drives it (4.1.0, ``src/data/api.js``): create the
attempt without the clock, read it with ``is_learning_mfe``, then ``action: start``.
"""
import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamSoftwareSecureComment, ProctoredExamSoftwareSecureReview

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AttemptRecord, AuditEvent
from offline_delivery_plugin.onsite_backend import OnSiteInvigilationBackend
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.helpers import (
    ATTEMPT_API,
    create_onsite_attempt,
    exam_of,
    start_attempt,
    start_exam,
    submit_exam,
    use_onsite_invigilation,
)


def _attempt_as_the_library_reads_it(client, demo):
    response = client.get(f'{ATTEMPT_API}/course_id/{demo.course_key}', {
        'content_id': demo.final_exam_id, 'is_learning_mfe': 'true'})
    assert response.status_code == 200, response.content
    return response.json()['exam']['attempt']


def _submitted_onsite_attempt(client, demo):
    created = create_onsite_attempt(client, demo)
    api.check_in_from_monitor(demo.course_key, demo.final_exam_id, created['id'], demo.invigilator)
    return submit_exam(client, start_attempt(client, created))


def test_the_backend_is_edx_proctorings_through_its_entry_point(settings):
    backend = apps.get_app_config('edx_proctoring').get_backend('onsite_invigilation')
    assert isinstance(backend, OnSiteInvigilationBackend)
    assert 'onsite_invigilation' in settings.PROCTORING_BACKENDS
    choices = dict(apps.get_app_config('edx_proctoring').get_backend_choices())
    assert choices['onsite_invigilation'] == 'On-site invigilation'


def test_the_librarys_setup_screen_gets_the_halls_instructions_and_the_check_in_page(client, demo):
    exam_id = use_onsite_invigilation(demo)
    client.force_login(demo.verified_learner)
    settings_response = client.get(f'/api/edx_proctoring/v1/proctored_exam/settings/exam_id/{exam_id}/')
    assert settings_response.status_code == 200
    backend = settings_response.json()['exam_proctoring_backend']
    assert settings_response.json()['provider_name'] == 'On-site invigilation'
    assert any('invigilator' in line for line in backend['instructions'])

    created = create_onsite_attempt(client, demo)
    assert created['status'] == 'created'
    seen = _attempt_as_the_library_reads_it(client, demo)
    assert seen['software_download_url'].endswith(reverse('offline_delivery_plugin:check-in',
                                                          kwargs={'attempt_id': created['id']}))
    assert seen['software_download_url'].startswith('http')  # the MFE opens it from its own origin


def test_the_start_waits_for_the_check_in_and_says_why(client, demo):
    created = create_onsite_attempt(client, demo)
    refusal = start_attempt(client, created, expect=403)
    assert 'invigilator has not checked you in' in refusal['detail']
    assert proctoring_api.get_exam_attempt_by_id(created['id'])['status'] == 'created'

    assert api.check_in_from_monitor(demo.course_key, demo.final_exam_id, created['id'],
                                     demo.invigilator) == 'ready_to_start'
    assert start_attempt(client, created)['status'] == 'started'
    event = AuditEvent.objects.get(kind='check_in')
    assert (event.outcome, event.actor, event.subject_id, event.detail['channel']) == (
        'ok', demo.invigilator, demo.verified_learner.id, 'monitor')


def test_an_attempt_created_with_the_clock_running_is_refused_too(client, demo):
    exam_id = use_onsite_invigilation(demo)
    client.force_login(demo.verified_learner)
    response = client.post(ATTEMPT_API, data=json.dumps({
        'exam_id': exam_id, 'start_clock': 'true', 'attempt_proctored': 'true'}), content_type='application/json')
    assert response.status_code == 403
    assert 'invigilator has not checked you in' in response.json()['detail']
    assert not proctoring_api.get_current_exam_attempt(exam_id, demo.verified_learner.id)


def test_the_check_in_page_takes_the_invigilator_password(client, demo):
    created = create_onsite_attempt(client, demo)
    url = reverse('offline_delivery_plugin:check-in', kwargs={'attempt_id': created['id']})
    page = client.get(url)
    assert page.status_code == 200
    assert b'Invigilator password' in page.content

    wrong = client.post(url, {'password': 'not-the-password'})
    assert wrong.status_code == 400
    assert b'Wrong invigilator password' in wrong.content
    assert proctoring_api.get_exam_attempt_by_id(created['id'])['status'] == 'created'

    right = client.post(url, {'password': INVIGILATOR_PASSWORD})
    assert right.status_code == 302
    assert proctoring_api.get_exam_attempt_by_id(created['id'])['status'] == 'ready_to_start'
    after = client.get(url)
    assert b'You are checked in' in after.content
    outcomes = list(AuditEvent.objects.order_by('id').values_list('kind', 'outcome'))
    assert outcomes == [('password', 'refused'), ('check_in', 'ok')]
    assert INVIGILATOR_PASSWORD not in str(list(AuditEvent.objects.values('detail')))


def test_the_check_in_password_tries_are_limited(client, demo):
    created = create_onsite_attempt(client, demo)
    for number in range(5):
        with pytest.raises(api.UnlockRefused):
            api.check_in_with_password(demo.verified_learner, created['id'], f'guess-{number}', ip_address='10.2.0.1')
    with pytest.raises(api.UnlockRefused) as locked:
        api.check_in_with_password(demo.verified_learner, created['id'], INVIGILATOR_PASSWORD, ip_address='10.2.0.1')
    assert locked.value.locked is True
    assert proctoring_api.get_exam_attempt_by_id(created['id'])['status'] == 'created'


def test_nobody_checks_in_at_an_exam_that_is_not_on_site(client, demo):
    proctoring_api.update_exam(exam_of(demo)['id'], backend='null')  # a course that left edx-proctoring's default
    started = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    with pytest.raises(api.CannotCheckIn):
        api.check_in_from_monitor(demo.course_key, demo.final_exam_id, started['id'], demo.invigilator)
    assert AuditEvent.objects.get(kind='check_in').detail['reason'] == 'not_onsite'
    with pytest.raises(api.AttemptNotFound):
        api.get_check_in(demo.verified_learner, started['id'])


@pytest.mark.parametrize('by_password', [True, False])
def test_the_check_in_of_a_reopened_attempts_continuation_is_its_unlock(client, demo, by_password):
    """Flow D in a hall: the candidate continues a reopened attempt through the library's screens, so the
    invigilator's check-in (password on the candidate's screen, or the Monitor) is the one confirmation."""
    submitted = _submitted_onsite_attempt(client, demo)
    api.reopen_attempt(demo.course_key, demo.final_exam_id, submitted['id'], 10, 'Wi-Fi down', demo.chief_invigilator)
    continuation = create_onsite_attempt(client, demo)
    if by_password:
        api.check_in_with_password(demo.verified_learner, continuation['id'], INVIGILATOR_PASSWORD)
    else:
        api.check_in_from_monitor(demo.course_key, demo.final_exam_id, continuation['id'], demo.invigilator)
    record = AttemptRecord.objects.get(attempt_id=continuation['id'])
    assert record.requires_unlock is True and record.unlocked_at is not None
    check_in = AuditEvent.objects.get(kind='check_in', attempt_id=continuation['id'])
    assert (check_in.outcome, check_in.detail['unlocked_reopened']) == ('ok', True)
    assert start_attempt(client, continuation)['status'] == 'started'
    session = api.start_candidate_session(demo.verified_learner, continuation['id'])
    assert session.locked is False  # the file's key and binding, not a locked session


def test_a_plain_check_in_unlocks_nothing(client, demo):
    created = create_onsite_attempt(client, demo)
    api.check_in_from_monitor(demo.course_key, demo.final_exam_id, created['id'], demo.invigilator)
    assert 'unlocked_reopened' not in AuditEvent.objects.get(kind='check_in').detail


def test_a_check_in_after_the_start_changes_nothing_and_a_finished_attempt_is_refused(client, demo):
    submitted = _submitted_onsite_attempt(client, demo)
    with pytest.raises(api.CannotCheckIn):
        api.check_in_from_monitor(demo.course_key, demo.final_exam_id, submitted['id'], demo.invigilator)
    assert proctoring_api.get_exam_attempt_by_id(submitted['id'])['status'] == 'submitted'


@pytest.mark.parametrize('outcome,note,status,review_status', [
    ('satisfactory', '', 'verified', 'Clean'),
    ('unsatisfactory', 'Notes found under the desk.', 'rejected', 'Suspicious'),
    ('second_review', 'Left the hall for 10 minutes, escorted.', 'second_review_required', 'Suspicious'),
])
def test_the_halls_review_is_edx_proctorings_review(client, demo, outcome, note, status, review_status):
    submitted = _submitted_onsite_attempt(client, demo)
    assert api.record_hall_review(demo.course_key, demo.final_exam_id, submitted['id'], outcome, note,
                                  demo.chief_invigilator) == status
    assert proctoring_api.get_exam_attempt_by_id(submitted['id'])['status'] == status
    review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=submitted['attempt_code'])
    assert review.review_status == review_status
    assert review.reviewed_by == (demo.chief_invigilator if outcome != 'second_review' else None)
    comments = list(ProctoredExamSoftwareSecureComment.objects.filter(review=review).values_list('comment',
                                                                                                   flat=True))
    assert comments == ([note] if note else [])
    event = AuditEvent.objects.filter(kind='hall_review').get()
    assert (event.outcome, event.actor, event.detail['result']) == ('ok', demo.chief_invigilator, outcome)


def test_the_results_report_reads_the_halls_review(client, demo):
    submitted = _submitted_onsite_attempt(client, demo)
    api.record_hall_review(demo.course_key, demo.final_exam_id, submitted['id'], 'satisfactory', '',
                           demo.chief_invigilator)
    report = api.request_results_report(demo.course_key, demo.course_staff)
    api.generate_results_report(report.report_id)
    rows = api.open_report_download(demo.course_key, api.make_download_token(report.report_id, demo.course_staff.id),
                                    demo.course_staff)[0].read().decode()
    line = next(row for row in rows.splitlines() if 'verified_learner,' in row)
    assert 'Clean' in line and 'verified' in line


def test_an_incident_needs_a_note_and_an_attempt_in_progress_cannot_be_reviewed(client, demo):
    created = create_onsite_attempt(client, demo)
    api.check_in_from_monitor(demo.course_key, demo.final_exam_id, created['id'], demo.invigilator)
    started = start_attempt(client, created)
    with pytest.raises(api.CannotReview):
        api.record_hall_review(demo.course_key, demo.final_exam_id, started['id'], 'satisfactory', '',
                               demo.chief_invigilator)
    submitted = submit_exam(client, started)
    with pytest.raises(api.CannotReview):
        api.record_hall_review(demo.course_key, demo.final_exam_id, submitted['id'], 'unsatisfactory', '  ',
                               demo.chief_invigilator)
    assert proctoring_api.get_exam_attempt_by_id(submitted['id'])['status'] == 'submitted'
    assert not ProctoredExamSoftwareSecureReview.objects.exists()
    assert list(AuditEvent.objects.filter(kind='hall_review').values_list('detail__reason', flat=True)) == [
        'status', 'note']


def test_the_review_endpoint_answers_a_malformed_record_with_a_reason(demo):
    client = Client()
    client.force_login(demo.chief_invigilator)
    submitted = _submitted_onsite_attempt(Client(), demo)
    url = reverse('offline_delivery_plugin:v1:hall-review', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id, 'attempt_id': submitted['id']})
    response = client.post(url, data=json.dumps({'outcome': 'fine'}), content_type='application/json')
    assert response.status_code == 400
    assert 'satisfactory' in response.json()['detail']
    response = client.post(url, data=json.dumps({'outcome': 'satisfactory'}), content_type='application/json')
    assert (response.status_code, response.json()) == (200, {'status': 'verified'})
