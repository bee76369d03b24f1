"""
The plugin's Python API: course settings, the course's exams, and the attempt record kept in step with
edx-proctoring through its status signal.
"""
import pytest
from django.test import override_settings
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import CourseNotFound, InvalidCourseSettings
from tests.helpers import start_exam, submit_exam


class TestValidateCourseSettings:
    """``validate_course_settings``: what Studio's Advanced Settings may hold under ``offline_delivery``."""

    def test_defaults(self):
        validated = api.validate_course_settings({})
        assert validated.enabled is False
        assert validated.autosave_interval_seconds == 15
        assert validated.allow_deliver_blank is True
        assert 'contact an invigilator' in validated.connection_lost_message

    def test_none_is_the_defaults(self):
        assert api.validate_course_settings(None) == api.validate_course_settings({})

    @override_settings(OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS=20)
    def test_site_default_interval(self):
        assert api.validate_course_settings({}).autosave_interval_seconds == 20

    def test_full(self):
        validated = api.validate_course_settings({
            'enabled': True, 'autosave_interval_seconds': 30, 'allow_deliver_blank': False,
            'connection_lost_message': '  Call the invigilator in room B.  ',
        })
        assert (validated.enabled, validated.autosave_interval_seconds, validated.allow_deliver_blank) == (
            True, 30, False)
        assert validated.connection_lost_message == 'Call the invigilator in room B.'

    @pytest.mark.parametrize('raw,key,message', [
        ({'enabled': 'yes'}, 'enabled', 'true or false'),
        ({'enabled': 1}, 'enabled', 'true or false'),
        ({'allow_deliver_blank': None}, 'allow_deliver_blank', 'true or false'),
        ({'autosave_interval_seconds': 4}, 'autosave_interval_seconds', 'from 5 to 300'),
        ({'autosave_interval_seconds': 301}, 'autosave_interval_seconds', 'from 5 to 300'),
        ({'autosave_interval_seconds': '15'}, 'autosave_interval_seconds', 'whole number'),
        ({'autosave_interval_seconds': True}, 'autosave_interval_seconds', 'whole number'),
        ({'autosave_interval_seconds': 15.5}, 'autosave_interval_seconds', 'whole number'),
        ({'connection_lost_message': ''}, 'connection_lost_message', 'non-empty'),
        ({'connection_lost_message': 42}, 'connection_lost_message', 'non-empty'),
        ({'connection_lost_message': 'x' * 1001}, 'connection_lost_message', 'at most 1000'),
        ({'enable': True}, 'enable', 'Unknown setting'),
        ([], 'offline_delivery', 'JSON object'),
        ('on', 'offline_delivery', 'JSON object'),
    ])
    def test_each_error_names_its_key(self, raw, key, message):
        with pytest.raises(InvalidCourseSettings) as caught:
            api.validate_course_settings(raw)
        assert message in caught.value.errors[key]

    def test_all_errors_at_once(self):
        with pytest.raises(InvalidCourseSettings) as caught:
            api.validate_course_settings({'enabled': 'no', 'autosave_interval_seconds': 0, 'colour': 'red'})
        assert set(caught.value.errors) == {'enabled', 'autosave_interval_seconds', 'colour'}


class TestCourseSettingsAndExams:
    """Reading a course's settings and its exams."""

    def test_settings_of_the_demo_course(self, demo):
        settings = api.get_course_delivery_settings(demo.course_key)
        assert settings.enabled is True
        assert settings.autosave_interval_seconds == 15

    def test_settings_accept_a_string_course_id(self, demo):
        assert api.get_course_delivery_settings(str(demo.course_key)).enabled is True

    def test_invalid_stored_settings_read_as_off(self, demo):
        demo.course.other_course_settings = {'offline_delivery': {'enabled': 'maybe'}}
        demo.course.save()
        settings = api.get_course_delivery_settings(demo.course_key)
        assert settings.enabled is False
        assert settings == api.validate_course_settings({})

    def test_unknown_course(self, db):
        with pytest.raises(CourseNotFound):
            api.get_course_delivery_settings(CourseKey.from_string('course-v1:No+Such+Course'))
        with pytest.raises(CourseNotFound):
            api.list_course_exams('course-v1:No+Such+Course')

    def test_exams_of_the_demo_course(self, demo):
        exams = {exam.content_id: exam for exam in api.list_course_exams(demo.course_key)}
        assert set(exams) == {demo.final_exam_id, demo.practice_exam_id, demo.timed_exam_id}
        assert exams[demo.final_exam_id].exam_type == 'proctored'
        assert exams[demo.final_exam_id].time_limit_mins == 60
        assert exams[demo.practice_exam_id].exam_type == 'practice'
        assert exams[demo.timed_exam_id].exam_type == 'timed'

    def test_inactive_exams_are_left_out(self, demo):
        exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.timed_exam_id)
        proctoring_api.update_exam(exam['id'], is_active=False)
        assert demo.timed_exam_id not in {exam.content_id for exam in api.list_course_exams(demo.course_key)}


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
        # Inside the test's transaction no commit happens, so no sync runs: nothing is read half-written.
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


def test_api_declares_its_public_names():
    assert set(api.__all__) <= set(dir(api))
    assert 'AttemptRecord' not in api.__all__


def test_hall_roles_follow_the_courses_settings(demo):
    """Course staff always may; who else may upload and reopen is the course team's choice."""
    # pylint: disable=import-outside-toplevel
    import rules as rules_lib

    from offline_delivery_plugin import rules

    def may(user, permission):
        return rules_lib.has_perm(permission, user, demo.course_key)

    assert may(demo.invigilator, rules.UPLOAD_DELIVERY) and may(demo.chief_invigilator, rules.UPLOAD_DELIVERY)
    assert may(demo.chief_invigilator, rules.REOPEN_ATTEMPT) and not may(demo.invigilator, rules.REOPEN_ATTEMPT)

    settings = dict(demo.course.other_course_settings['offline_delivery'])
    demo.course.other_course_settings['offline_delivery'] = {
        **settings, 'upload_roles': ['chief_invigilator'], 'reopen_roles': ['invigilator', 'chief_invigilator']}
    demo.course.save()
    assert not may(demo.invigilator, rules.UPLOAD_DELIVERY) and may(demo.chief_invigilator, rules.UPLOAD_DELIVERY)
    assert may(demo.invigilator, rules.REOPEN_ATTEMPT)

    demo.course.other_course_settings['offline_delivery'] = {**settings, 'upload_roles': [], 'reopen_roles': []}
    demo.course.save()
    assert not may(demo.chief_invigilator, rules.UPLOAD_DELIVERY) and not may(demo.chief_invigilator,
                                                                              rules.REOPEN_ATTEMPT)
    assert may(demo.course_staff, rules.UPLOAD_DELIVERY) and may(demo.course_staff, rules.REOPEN_ATTEMPT)
    assert not may(demo.verified_learner, rules.UPLOAD_DELIVERY)


@pytest.mark.parametrize('value', [['course_staff'], 'invigilator', [1], ['invigilator', 'dean']])
def test_hall_roles_must_be_known_roles(value):
    with pytest.raises(InvalidCourseSettings) as caught:
        api.validate_course_settings({'upload_roles': value, 'reopen_roles': value})
    assert set(caught.value.errors) == {'upload_roles', 'reopen_roles'}
