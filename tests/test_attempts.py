"""
The plugin's record of each attempt (``attempts``), kept in step with edx-proctoring through its status signal.
"""
import pytest
from django.test import override_settings
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin import api
from tests.helpers import leave_onsite_invigilation, start_exam, submit_exam


@pytest.mark.usefixtures('eager_celery')
class TestAttemptRecord:
    """The plugin follows edx-proctoring's attempts through ``exam_attempt_status_signal``."""

    def test_started_attempt_is_recorded_after_commit(self, client, demo, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        assert callbacks, 'the sync must wait for the commit of the attempt change'
        record = api.get_attempt_record(attempt['id'])
        assert record.proctoring_status == 'started'
        assert record.attempt_code == attempt['attempt_code']
        assert record.user_id == demo.verified_learner.id
        assert record.course_id == str(demo.course_key)
        assert record.content_id == demo.final_exam_id

    def test_nothing_is_recorded_when_the_transaction_does_not_commit(self, client, demo):
        # Inside the test's transaction no commit happens, so no sync runs: nothing is read half-written. (At an exam
        # proctored on site the check-in records the attempt on purpose: tests/test_onsite.py.)
        leave_onsite_invigilation(demo)
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        assert api.get_attempt_record(attempt['id']) is None

    def test_status_changes_follow(self, client, demo, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
            submit_exam(client, attempt)
        assert api.get_attempt_record(attempt['id']).proctoring_status == 'submitted'

    def test_sync_is_idempotent_and_reads_the_source_of_truth(self, client, demo):
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        first = api.sync_attempt_record(attempt['id'])
        assert api.sync_attempt_record(attempt['id']) == first
        submit_exam(client, attempt)
        # A late sync carrying no status of its own still lands on edx-proctoring's current status.
        assert api.sync_attempt_record(attempt['id']).proctoring_status == 'submitted'

    def test_a_cleared_attempt_is_marked_removed(self, client, demo):
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        api.sync_attempt_record(attempt['id'])
        proctoring_api.remove_exam_attempt(attempt['id'], requesting_user=demo.course_staff)
        assert api.sync_attempt_record(attempt['id']).proctoring_status == api.REMOVED_STATUS

    def test_an_attempt_without_attempt_code_is_recorded(self, client, demo, django_capture_on_commit_callbacks):
        # edx-proctoring's attempt_code is nullable, and its own fixtures make attempts without one.
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(attempt_code=None)
        with django_capture_on_commit_callbacks(execute=True):
            proctoring_api.update_attempt_status(attempt['id'], 'ready_to_submit')
        record = api.get_attempt_record(attempt['id'])
        assert (record.attempt_code, record.proctoring_status) == (None, 'ready_to_submit')
        # The candidate page still starts (and saves online); no delivery file can name this attempt.
        session = api.start_candidate_session(demo.verified_learner, attempt['id'])
        assert session.attempt_code is None
        assert session.genesis_hash == session.acked_hash

    def test_unknown_attempt(self, db):
        assert api.sync_attempt_record(987654) is None
        assert api.get_attempt_record(987654) is None

    @override_settings(OFFLINE_DELIVERY_CELERY_QUEUE='offline-delivery')
    def test_the_sync_goes_to_the_configured_queue(self, client, demo, django_capture_on_commit_callbacks,
                                                   monkeypatch):
        from offline_delivery_plugin import tasks  # pylint: disable=import-outside-toplevel

        sent = []
        monkeypatch.setattr(tasks.sync_attempt_record_task, 'apply_async',
                            lambda args, **options: sent.append((args, options)))
        with django_capture_on_commit_callbacks(execute=True):
            attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        assert ([attempt['id']], {'queue': 'offline-delivery'}) in sent
