"""
REST API v1: every endpoint for every role, and what each answers.
"""
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import login_as

ROLES = ('anonymous', 'verified_learner', 'audit_learner', 'other_course_staff', 'invigilator',
         'chief_invigilator', 'course_staff', 'admin')


def exams_url(course_id):
    return reverse('offline_delivery_plugin:v1:course-exams', kwargs={'course_id': course_id})


def validate_url(course_id):
    return reverse('studio:offline_delivery_plugin:v1:course-settings-validate', kwargs={'course_id': course_id})


class TestCourseExams:
    """``GET /offline-delivery/api/v1/courses/{course_id}/exams/``"""

    @pytest.mark.parametrize('role,expected', [
        ('anonymous', 401),
        ('verified_learner', 403),
        ('audit_learner', 403),
        ('other_course_staff', 403),
        ('invigilator', 200),
        ('chief_invigilator', 200),
        ('course_staff', 200),
        ('admin', 200),
    ])
    def test_roles(self, client, demo, other_course, role, expected):
        login_as(client, demo, other_course, role)
        assert client.get(exams_url(str(demo.course_key))).status_code == expected

    def test_every_role_is_covered(self):
        cases = {case[0] for case in self.test_roles.pytestmark[0].args[1]}
        assert cases == set(ROLES)

    def test_body(self, client, demo):
        client.force_login(demo.invigilator)
        body = client.get(exams_url(str(demo.course_key))).json()
        assert body['course_id'] == str(demo.course_key)
        assert body['offline_delivery']['enabled'] is True
        assert body['offline_delivery']['autosave_interval_seconds'] == 15
        exams = {exam['content_id']: exam for exam in body['exams']}
        assert exams[demo.final_exam_id]['exam_type'] == 'proctored'
        assert exams[demo.final_exam_id]['exam_name'] == 'Final exam (proctored)'
        assert exams[demo.practice_exam_id]['exam_type'] == 'practice'
        assert exams[demo.timed_exam_id]['time_limit_mins'] == 20

    def test_staff_of_another_course_see_their_own(self, client, demo, other_course):
        client.force_login(other_course.staff)
        body = client.get(exams_url(str(other_course.course_key))).json()
        assert body['exams'] == []

    def test_malformed_course_id_is_a_clear_404(self, client, demo):
        client.force_login(demo.admin)
        response = client.get(exams_url('not+a+course'))
        assert response.status_code == 404
        assert 'not a valid course id' in response.json()['detail']

    def test_unknown_course_is_a_clear_404(self, client, demo):
        client.force_login(demo.admin)
        response = client.get(exams_url('course-v1:No+Such+Course'))
        assert response.status_code == 404
        assert 'There is no course' in response.json()['detail']

    def test_write_methods_are_not_allowed(self, client, demo):
        client.force_login(demo.course_staff)
        assert client.post(exams_url(str(demo.course_key)), data={}).status_code == 405


class TestCourseSettingsValidation:
    """``POST /studio/offline-delivery/api/v1/courses/{course_id}/settings/validate/`` (Studio)."""

    @pytest.mark.parametrize('role,expected', [
        ('anonymous', 401),
        ('verified_learner', 403),
        ('audit_learner', 403),
        ('other_course_staff', 403),
        ('invigilator', 403),
        ('chief_invigilator', 403),
        ('course_staff', 200),
        ('admin', 200),
    ])
    def test_roles(self, client, demo, other_course, role, expected):
        login_as(client, demo, other_course, role)
        response = client.post(validate_url(str(demo.course_key)), data=json.dumps({'offline_delivery': {}}),
                               content_type='application/json')
        assert response.status_code == expected

    def test_every_role_is_covered(self):
        cases = {case[0] for case in self.test_roles.pytestmark[0].args[1]}
        assert cases == set(ROLES)

    def test_valid_draft_comes_back_with_defaults(self, client, demo):
        client.force_login(demo.course_staff)
        response = client.post(validate_url(str(demo.course_key)), data=json.dumps({
            'offline_delivery': {'enabled': True, 'autosave_interval_seconds': 20},
        }), content_type='application/json')
        assert response.status_code == 200
        body = response.json()
        assert body['valid'] is True
        assert body['offline_delivery']['autosave_interval_seconds'] == 20
        assert body['offline_delivery']['allow_deliver_blank'] is True

    @pytest.mark.parametrize('payload,key', [
        ({'offline_delivery': {'autosave_interval_seconds': 1}}, 'autosave_interval_seconds'),
        ({'offline_delivery': {'enabled': 'true'}}, 'enabled'),
        ({'offline_delivery': 'on'}, 'offline_delivery'),
        ({}, 'offline_delivery'),
    ])
    def test_invalid_draft_names_the_key(self, client, demo, payload, key):
        client.force_login(demo.course_staff)
        response = client.post(validate_url(str(demo.course_key)), data=json.dumps(payload),
                               content_type='application/json')
        assert response.status_code == 400
        assert response.json()['valid'] is False
        assert key in response.json()['errors']

    def test_malformed_json_is_a_clear_400(self, client, demo):
        client.force_login(demo.course_staff)
        response = client.post(validate_url(str(demo.course_key)), data='{"offline_delivery": {',
                               content_type='application/json')
        assert response.status_code == 400
        assert 'JSON parse error' in response.json()['detail']

    def test_validation_stores_nothing(self, client, demo):
        before = dict(demo.course.other_course_settings)
        client.force_login(demo.course_staff)
        client.post(validate_url(str(demo.course_key)), data=json.dumps({'offline_delivery': {'enabled': False}}),
                    content_type='application/json')
        demo.course.refresh_from_db()
        assert demo.course.other_course_settings == before

    def test_csrf_stays_on(self, demo):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo.course_staff)
        response = client.post(validate_url(str(demo.course_key)), data=json.dumps({'offline_delivery': {}}),
                               content_type='application/json')
        assert response.status_code == 403
        assert 'CSRF' in response.json()['detail']


def test_every_plugin_url_has_a_permission_rule():
    """A view the plugin registers without ``permission_required`` would be refused to all; catch it here."""
    # pylint: disable=import-outside-toplevel
    from django.urls import get_resolver

    from offline_delivery_plugin.rest_api.v1.permissions import HasAttemptPermission, HasCoursePermission

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, 'url_patterns'):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    plugin_views = {p.callback.view_class for p in walk(get_resolver().url_patterns)
                    if getattr(p.callback, '__module__', '').startswith('offline_delivery_plugin')}
    assert {view.__name__ for view in plugin_views} == {
        'CourseExamsView', 'CourseSettingsValidationView', 'CandidateSessionView', 'SnapshotView',
        'SelfDeliveryView', 'ExamMonitorView', 'UploadView', 'AttemptAnswersView', 'ServiceWorkerView',
        'PluginJavaScriptCatalog', 'MonitorPageView', 'ReopenView', 'UnlockView', 'BulkUploadView',
        'BulkUploadStatusView', 'AuditLogView', 'InvigilatorPasswordView', 'AuditPageView', 'CourseDashboardView',
        'MyExamRequestsView', 'MyExamRequestView', 'CourseExamRequestsView', 'ExamRequestDecisionView',
        'AllowancesCsvView', 'ExamRequestsPageView', 'ResultsReportsView', 'ReportDownloadView',
        'CheckInPageView', 'CheckInView', 'MonitorCheckInView', 'HallReviewView', 'ExamFilePageView',
        'OnThisDevicePageView', 'HallRolesView', 'SafeExamBrowserView', 'SafeExamBrowserConfigView',
        'SafeExamBrowserQuitView',
    }
    for view in plugin_views:
        if getattr(view, 'public', False):  # a static asset, declared public on purpose
            assert 'Permission: public' in view.__doc__, view
            continue
        assert view.permission_required, view
        if hasattr(view, 'permission_classes'):
            assert {HasCoursePermission, HasAttemptPermission} & set(view.permission_classes), view


def test_a_view_without_a_rule_is_refused_to_everybody(rf, demo):
    # pylint: disable=import-outside-toplevel
    from types import SimpleNamespace

    from offline_delivery_plugin.rest_api.v1.permissions import HasCoursePermission

    request = rf.get('/')
    request.user = demo.admin
    view = SimpleNamespace(permission_required=None, course_key=demo.course_key)
    assert HasCoursePermission().has_permission(request, view) is False
