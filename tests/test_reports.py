"""
The proctored results report: its columns and values for every status and delivery channel, its file, its
expiring links, and who may have it.
"""
import csv
import io
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
)

from offline_delivery_plugin import api
from offline_delivery_plugin.models import ResultsReport
from offline_delivery_plugin.storage import plugin_storage
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, client_as, reopened_and_continued, start_exam, submit_exam


def generate(demo, now=None):
    report = ResultsReport.objects.create(course_id=demo.course_key, requested_by=demo.course_staff)
    api.generate_results_report(report.id, now=now)
    report.refresh_from_db()
    with plugin_storage().open(report.storage_name) as handle:
        text = handle.read().decode()
    return report, list(csv.DictReader(io.StringIO(text))), text


def by(rows, username, exam_name):
    return next(row for row in rows if row['username'] == username and row['exam_name'] == exam_name)


@pytest.fixture
def every_state(client, demo):
    """Attempts in every state and through every channel."""
    # Online: submitted with the exam page's button, then reviewed with comments.
    online = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, online)
    review = ProctoredExamSoftwareSecureReview.objects.create(
        attempt_code=online['attempt_code'], review_status='Suspicious', raw_data='{}',
        exam_id=online['proctored_exam']['id'], student=demo.verified_learner)
    for status, comment in (('Suspicious', 'Looked away'), ('Suspicious', 'Second voice'),
                            ('Rules Violation', 'Phone on desk')):
        ProctoredExamSoftwareSecureComment.objects.create(review=review, start_time=0, stop_time=1, duration=1,
                                                          comment=comment, status=status)
    # By file, uploaded by an invigilator, after the network went down.
    offline = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    api.sync_attempt_record(offline['id'])
    from offline_delivery_plugin.models import AttemptRecord  # pylint: disable=import-outside-toplevel

    AttemptRecord.objects.filter(attempt_id=offline['id']).update(
        last_contact_at=timezone.now() - timedelta(minutes=12))
    receipt = api.upload_delivery_file(delivery_file(demo.verified_learner2, offline, {CONTROL_WORD: 'hej'}),
                                       demo.course_key, demo.final_exam_id, offline['id'], demo.invigilator)
    # Self-delivered from the candidate's own device, then reopened with 10 extra minutes.
    practice = start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)
    self_receipt = api.deliver_file(delivery_file(demo.verified_learner, practice, {}), practice['id'], None,
                                    'self')
    api.reopen_attempt(demo.course_key, demo.practice_exam_id, practice['id'], 10, 'Wi-Fi', demo.course_staff)
    # Running, but its time ran out two hours ago and nobody has looked since.
    stale = start_exam(client, demo.verified_learner2, demo.course_key, demo.timed_exam_id, proctored=False)
    ProctoredExamStudentAttempt.objects.filter(id=stale['id']).update(
        started_at=timezone.now() - timedelta(hours=2))
    return {'online': online, 'offline': offline, 'receipt': receipt, 'practice': practice,
            'self_receipt': self_receipt, 'stale': stale}


def test_every_column_for_every_channel_and_status(demo, every_state):
    report, rows, text = generate(demo)
    assert report.status == 'done' and (report.total, report.done) == (4, 4)
    assert list(rows[0]) == list(api.REPORT_COLUMNS)

    online = by(rows, 'verified_learner', 'Final exam (proctored)')
    # A suspicious review sends the attempt to a second review in edx-proctoring: the report says so.
    assert (online['user_email'], online['status'], online['track'], online['delivery_channel']) == (
        'verified_learner@example.invalid', 'second_review_required', 'verified', 'online')
    assert (online['allowed_time_limit_mins'], online['is_sample_attempt'], online['attempt_code']) == (
        '60', 'False', every_state['online']['attempt_code'])
    assert online['started_at'] and online['completed_at']
    assert (online['review_status'], online['suspicious_count'], online['suspicious_comments']) == (
        'Suspicious', '2', 'Looked away; Second voice')
    assert (online['rules_violation_count'], online['rules_violation_comments']) == ('1', 'Phone on desk')
    assert (online['receipt_code'], online['uploaded_by'], online['reopen_count'], online['minutes_offline']) == (
        '', '', '0', '0')

    offline = by(rows, 'verified_learner2', 'Final exam (proctored)')
    assert (offline['status'], offline['delivery_channel'], offline['receipt_code'], offline['uploaded_by']) == (
        'submitted', 'file', every_state['receipt'].receipt, 'invigilator')
    assert offline['uploaded_at'] and int(offline['minutes_offline']) == 12

    practice = by(rows, 'verified_learner', 'Practice exam')
    assert (practice['delivery_channel'], practice['receipt_code'], practice['is_sample_attempt']) == (
        'self-delivered', every_state['self_receipt'].receipt, 'True')
    assert (practice['reopen_count'], practice['extra_minutes'], practice['uploaded_by']) == ('1', '10', '')

    stale = by(rows, 'verified_learner2', 'Timed quiz')
    assert (stale['status'], stale['delivery_channel']) == ('timed_out', 'online')
    assert ProctoredExamStudentAttempt.objects.get(id=every_state['stale']['id']).status == 'started', \
        'the report says the truth without writing'

    assert 'hej' not in text and INVIGILATOR_PASSWORD not in text, 'never answers or passwords'


def test_a_reopened_attempt_and_its_continuation_tell_the_story(client, demo):
    """A → C → D: a file delivered by staff, reopened with extra minutes and a reason, continued and submitted."""
    original, continuation = reopened_and_continued(client, demo)
    _report, rows, _text = generate(demo)
    reopened, continued = (next(row for row in rows if row['attempt_code'] == attempt['attempt_code'])
                           for attempt in (original, continuation))
    # The original: edx-proctoring's status for a reopened attempt, but it does not count; who reopened it, when,
    # why, with how much more time, and which attempt goes on from it.
    assert (reopened['status'], reopened['counts'], reopened['continued_in']) == (
        'error', 'no', continuation['attempt_code'])
    assert (reopened['delivery_channel'], reopened['uploaded_by'], reopened['reopen_count']) == (
        'file', 'invigilator', '1')
    assert (reopened['reopened_by'], reopened['reopen_reason'], reopened['extra_minutes']) == (
        'chief_invigilator', 'Power cut in hall B', '10')
    assert reopened['reopened_at'] and reopened['reopened_at'] >= reopened['uploaded_at']
    assert reopened['continues'] == ''
    # The continuation: it counts, submitted online, and names the attempt it continues.
    assert (continued['status'], continued['counts'], continued['delivery_channel']) == (
        'submitted', 'yes', 'online')
    assert (continued['continues'], continued['continued_in'], continued['reopen_count']) == (
        original['attempt_code'], '', '0')
    assert (continued['reopened_by'], continued['reopened_at'], continued['reopen_reason']) == ('', '', '')


def test_a_reopened_attempt_not_yet_continued_still_counts(client, demo):
    original = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, original)
    api.reopen_attempt(demo.course_key, demo.final_exam_id, original['id'], 5, 'Wi-Fi', demo.course_staff)
    (row,) = generate(demo)[1]
    assert (row['status'], row['counts'], row['reopened_by'], row['reopen_reason'], row['continued_in']) == (
        'error', 'yes', 'course_staff', 'Wi-Fi', '')


def test_a_chunk_takes_the_same_queries_however_many_attempts_and_reopenings(client, demo):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            generate(demo)
        return len(captured)

    reopened_and_continued(client, demo)
    generate(demo)  # whatever is read once per process is read now
    few = queries()
    reopened_and_continued(client, demo, learner=demo.verified_learner2)
    start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)
    assert queries() == few


def test_the_file_name_and_where_it_is_kept(demo):
    when = timezone.now().replace(year=2026, month=11, day=22, hour=19, minute=5, second=7)
    report, rows, _text = generate(demo, now=when)
    assert report.file_name == 'SandboxU_EXAM101_2026_proctored_exam_results_report_2026-11-22-190507.csv'
    assert report.storage_name.startswith('offline_delivery/reports/SandboxU_EXAM101_2026/')
    assert rows == []


@pytest.mark.usefixtures('eager_celery')
def test_requesting_a_report_runs_the_task_after_the_commit(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.request_results_report(demo.course_key, demo.course_staff)
    assert queued.status == 'pending'
    (listed,) = api.list_results_reports(demo.course_key)
    assert (listed.report_id, listed.status) == (queued.report_id, 'done')


def test_reports_are_listed_newest_first(demo):
    first, _rows, _text = generate(demo)
    second, _rows, _text = generate(demo)
    assert [r.report_id for r in api.list_results_reports(demo.course_key)] == [second.id, first.id]


def reports_url(demo):
    return reverse('offline_delivery_plugin:v1:reports', kwargs={'course_id': str(demo.course_key)})


@pytest.mark.usefixtures('eager_celery')
@pytest.mark.parametrize('role,expected', [
    ('anonymous', 401), ('verified_learner', 403), ('audit_learner', 403), ('other_course_staff', 403),
    ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', 200), ('admin', 200),
])
def test_who_may_generate_and_download(demo, other_course, role, expected, django_capture_on_commit_callbacks):
    client = client_as(demo, other_course, role)
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(reports_url(demo))
    assert posted.status_code == (202 if expected == 200 else expected)
    listed = client.get(reports_url(demo))
    assert listed.status_code == expected
    if expected == 200:
        (report,) = listed.json()['reports']
        assert listed.json()['links_expire_in'] == 300
        response = client.get(report['download_url'])
        assert response.status_code == 200
        assert response['Content-Disposition'].startswith('attachment; filename="SandboxU_EXAM101_2026_proctored')
        assert b''.join(response.streaming_content).decode().startswith('user_email,exam_name,attempt_code')


def download_url(demo, token):
    return reverse('offline_delivery_plugin:report-download', kwargs={'course_id': str(demo.course_key),
                                                                      'token': token})


def test_links_expire_after_five_minutes(client, demo, monkeypatch):
    report, _rows, _text = generate(demo)
    token = api.make_download_token(report.id, demo.course_staff.id)
    client.force_login(demo.course_staff)
    assert client.get(download_url(demo, token)).status_code == 200
    later = time.time() + 301
    monkeypatch.setattr('django.core.signing.time.time', lambda: later)
    expired = client.get(download_url(demo, token))
    assert expired.status_code == 410 and 'expired' in expired.content.decode()


def test_a_report_removed_from_storage_says_so(client, demo):
    from offline_delivery_plugin.storage import plugin_storage  # pylint: disable=import-outside-toplevel

    report, _rows, _text = generate(demo)
    plugin_storage().delete(report.storage_name)
    client.force_login(demo.course_staff)
    response = client.get(download_url(demo, api.make_download_token(report.id, demo.course_staff.id)))
    assert response.status_code == 410
    assert 'no longer kept' in response.content.decode()


def test_a_link_is_only_good_for_its_user_and_course(client, demo, other_course):
    report, _rows, _text = generate(demo)
    token = api.make_download_token(report.id, demo.course_staff.id)
    client.force_login(demo.admin)
    assert client.get(download_url(demo, token)).status_code == 410, 'another user'
    client.force_login(demo.course_staff)
    assert client.get(download_url(demo, token[:-2] + 'xx')).status_code == 410, 'altered'
    other = reverse('offline_delivery_plugin:report-download', kwargs={
        'course_id': str(other_course.course_key), 'token': token})
    assert client.get(other).status_code == 403, 'not staff there'
    client.force_login(demo.verified_learner)
    assert client.get(download_url(demo, api.make_download_token(report.id, demo.verified_learner.id))
                      ).status_code == 403, 'the permission is checked again at download'

