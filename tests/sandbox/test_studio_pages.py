"""
The sandbox's Studio pages: Advanced Settings and a subsection's exam settings, saved and published like Studio,
or refused with a message per field and nothing saved.
"""
import json

import pytest
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AuditEvent
from sandbox.host.models import Block, Course


def advanced_url(demo):
    return f'/studio/courses/{demo.course_key}/advanced/'


def subsection_url(demo, content_id):
    return f'/studio/courses/{demo.course_key}/subsection/{content_id}/settings/'


@pytest.mark.parametrize('username,expected', [
    ('verified_learner', 403), ('invigilator', 403), ('chief_invigilator', 403), ('course_staff', 200),
    ('admin', 200),
])
def test_only_the_course_team_opens_studio(client, demo, username, expected):
    client.force_login(demo.users[username])
    assert client.get(advanced_url(demo)).status_code == expected
    assert client.get(subsection_url(demo, demo.final_exam_id)).status_code == expected


def test_anonymous_is_sent_to_log_in(client, demo):
    assert client.get(advanced_url(demo)).status_code == 302


def test_advanced_settings_are_saved_and_published(client, demo):
    client.force_login(demo.course_staff)
    other = {'offline_delivery': {'enabled': True, 'autosave_interval_seconds': 20, 'reopen_roles': []}}
    response = client.post(advanced_url(demo), {
        'enable_proctored_exams': 'on', 'other_course_settings': json.dumps(other)})
    assert response.status_code == 302
    course = Course.objects.get(course_key=demo.course_key)
    assert (course.enable_proctored_exams, course.allow_proctoring_opt_out) == (True, False)
    assert course.other_course_settings == other
    assert 'have been saved' in client.get(response['Location']).content.decode()


def test_the_proctoring_provider_is_the_exams_backend(client, demo):
    client.force_login(demo.course_staff)
    course = Course.objects.get(course_key=demo.course_key)
    page = client.get(advanced_url(demo)).content.decode()
    # The demo's course is a hall's: its exams are published with on-site invigilation.
    assert '<option value="onsite_invigilation" selected>' in page and '<option value="null">' in page
    assert api.is_onsite_exam(proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id))
    response = client.post(advanced_url(demo), {
        'enable_proctored_exams': 'on', 'proctoring_provider': 'null',
        'other_course_settings': json.dumps(course.other_course_settings)})
    assert response.status_code == 302
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    assert exam['backend'] == 'null'
    assert not api.is_onsite_exam(exam)

    refused = client.post(advanced_url(demo), {
        'enable_proctored_exams': 'on', 'proctoring_provider': 'proctortrack',
        'other_course_settings': json.dumps(course.other_course_settings)})
    assert refused.status_code == 400
    assert '<code>proctoring_provider</code>' in refused.content.decode()
    assert Course.objects.get(course_key=demo.course_key).proctoring_provider == 'null'


@pytest.mark.parametrize('text,key', [
    ('{not json', 'other_course_settings'),
    ('[1, 2]', 'other_course_settings'),
])
def test_bad_advanced_settings_change_nothing(client, demo, text, key):
    before = Course.objects.get(course_key=demo.course_key)
    client.force_login(demo.course_staff)
    response = client.post(advanced_url(demo), {'other_course_settings': text})
    assert response.status_code == 400
    assert f'<code>{key}</code>' in response.content.decode()
    after = Course.objects.get(course_key=demo.course_key)
    assert (after.enable_proctored_exams, after.allow_proctoring_opt_out, after.other_course_settings) == (
        before.enable_proctored_exams, before.allow_proctoring_opt_out, before.other_course_settings)


def test_turning_proctoring_off_makes_proctored_exams_timed(client, demo):
    client.force_login(demo.course_staff)
    course = Course.objects.get(course_key=demo.course_key)
    response = client.post(advanced_url(demo), {'other_course_settings': json.dumps(course.other_course_settings)})
    assert response.status_code == 302
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    assert (exam['is_proctored'], exam['is_active']) == (False, True)


def test_a_subsection_becomes_a_proctored_exam_with_review_rules(client, demo):
    welcome = str(demo.course_key.make_usage_key('sequential', 'welcome'))
    client.force_login(demo.course_staff)
    response = client.post(subsection_url(demo, welcome), {
        'exam_type': 'proctored', 'time_allotted': '01:30', 'exam_review_rules': 'Allow a hand-held calculator.'})
    assert response.status_code == 302
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), welcome)
    assert (exam['time_limit_mins'], exam['is_proctored'], exam['is_practice_exam']) == (90, True, False)
    assert proctoring_api.get_review_policy_by_exam_id(exam['id'])['review_policy'] == 'Allow a hand-held calculator.'
    page = client.get(response['Location']).content.decode()
    assert 'value="01:30"' in page and 'Saved and published.' in page


def test_a_practice_exam_is_saved_ungraded_without_review_rules(client, demo):
    client.force_login(demo.course_staff)
    response = client.post(subsection_url(demo, demo.timed_exam_id), {
        'exam_type': 'practice', 'time_allotted': '00:10', 'exam_review_rules': 'ignored'})
    assert response.status_code == 302
    block = Block.objects.get(usage_key=demo.course_key.make_usage_key('sequential', 'timed_quiz'))
    assert (block.fields['graded'], block.fields['is_practice_exam'], block.fields['exam_review_rules']) == (
        False, True, '')
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.timed_exam_id)
    assert (exam['is_practice_exam'], exam['time_limit_mins']) == (True, 10)


def test_none_deactivates_the_exam_and_keeps_its_attempts(client, demo):
    client.force_login(demo.course_staff)
    assert client.post(subsection_url(demo, demo.timed_exam_id), {'exam_type': 'none'}).status_code == 302
    assert proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.timed_exam_id)['is_active'] is False


@pytest.mark.parametrize('form,message', [
    ({'exam_type': 'timed', 'time_allotted': '90'}, 'Enter the time as HH:MM'),
    ({'exam_type': 'timed', 'time_allotted': '00:00'}, 'Enter the time as HH:MM'),
    ({'exam_type': 'timed', 'time_allotted': '01:75'}, 'Enter the time as HH:MM'),
    ({'exam_type': 'oral', 'time_allotted': '01:00'}, 'Choose one of the kinds offered'),
    ({'exam_type': 'proctored', 'time_allotted': '01:00', 'exam_review_rules': 'x' * 4001}, 'At most 4000'),
])
def test_bad_subsection_settings_change_nothing(client, demo, form, message):
    block = Block.objects.get(usage_key=demo.course_key.make_usage_key('sequential', 'final_exam'))
    client.force_login(demo.course_staff)
    response = client.post(subsection_url(demo, demo.final_exam_id), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Block.objects.get(id=block.id).fields == block.fields


def test_proctored_kinds_need_proctoring_enabled(client, demo):
    Course.objects.filter(course_key=demo.course_key).update(enable_proctored_exams=False)
    client.force_login(demo.course_staff)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'Practice Proctored' not in page and 'Enable Proctored Exams' in page
    response = client.post(subsection_url(demo, demo.final_exam_id), {'exam_type': 'proctored',
                                                                       'time_allotted': '01:00'})
    assert response.status_code == 400


@pytest.mark.parametrize('plugin_keys,key', [
    ({'enabled': True, 'autosave_interval_seconds': 2}, 'autosave_interval_seconds'),
    ({'enabled': True, 'upload_roles': ['everyone']}, 'upload_roles'),
    ({'enabeld': True}, 'enabeld'),
])
def test_studio_saves_wrong_plugin_keys_and_the_plugin_reports_them_after_the_publish(
        client, demo, django_capture_on_commit_callbacks, plugin_keys, key):
    # Studio checks Other Course Settings' type only and calls no plugin (CourseMetadata.validate_and_update_from_json):
    # the plugin learns of the publish from COURSE_CATALOG_INFO_CHANGED and reports on its course page.
    client.force_login(demo.course_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(advanced_url(demo), {
            'enable_proctored_exams': 'on', 'proctoring_provider': 'onsite_invigilation',
            'other_course_settings': json.dumps({'offline_delivery': plugin_keys})})
    assert response.status_code == 302
    assert Course.objects.get(course_key=demo.course_key).other_course_settings == {'offline_delivery': plugin_keys}
    event = AuditEvent.objects.filter(kind='course_settings').latest('id')
    assert (event.outcome, event.detail['channel'], event.detail['enabled']) == ('refused', 'publish', False)
    assert key in event.detail['errors']
    assert api.get_course_delivery_settings(demo.course_key).enabled is False
    page = client.get(f'/offline-delivery/courses/{demo.course_key}/').content.decode()
    assert 'Not valid: offline delivery is off for this course' in page
    assert f'<code>{key}</code>' in page


def test_right_settings_are_audited_as_checked_on_publish(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.course_staff)
    course = Course.objects.get(course_key=demo.course_key)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(advanced_url(demo), {'enable_proctored_exams': 'on', 'proctoring_provider': 'onsite_invigilation',
                                         'other_course_settings': json.dumps(course.other_course_settings)})
    event = AuditEvent.objects.filter(kind='course_settings').latest('id')
    assert (event.outcome, event.detail['enabled'], event.detail['errors']) == ('ok', True, {})
    page = client.get(f'/offline-delivery/courses/{demo.course_key}/').content.decode()
    assert 'On: candidates' in page
