"""
Safe Exam Browser for an exam that requires it (issue 20): the Config Key as SEB's specification computes it, the
``.seb`` file the plugin serves (parsed back), the settings course staff set, and SEB's keys checked on every
endpoint of the candidate page, from SEB's headers or relayed from its JavaScript API.
"""
import json
import plistlib
import random
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, SafeExamBrowserSettings
from offline_delivery_plugin.safe_exam_browser import config_key, hashed_quit_password, key_hash, seb_json
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, Chain, start_exam

#: The example SEB-JSON string of SEB's Config Key specification ("Example SEB-JSON String" in
#: SafeExamBrowser/SafeExamBrowser-Website developer/seb-config-key.html at 246318533d4a), as printed there: keys
#: sorted case-insensitively, backslashes written raw.
SPEC_EXAMPLE = (Path(__file__).parent / 'fixtures' / 'seb-config-key-example.json').read_text().strip()


def _parse_raw_seb_json(text):
    """The settings behind a SEB-JSON string (which escapes nothing: a backslash is a backslash)."""
    return json.loads(text.replace('\\', '\\\\'))


def _shuffled(value, rng):
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


# -- The Config Key -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('seed', [1, 2, 3])
def test_seb_json_writes_the_specifications_example_from_settings_in_any_order(seed):
    settings_dict = _shuffled(_parse_raw_seb_json(SPEC_EXAMPLE), random.Random(seed))
    assert list(settings_dict) != sorted(settings_dict, key=str.lower)  # really out of order
    assert seb_json(settings_dict) == SPEC_EXAMPLE


def test_the_config_key_is_sha256_of_the_seb_json_and_ignores_the_originator_version():
    settings_dict = _parse_raw_seb_json(SPEC_EXAMPLE)
    key = config_key(settings_dict)
    assert len(key) == 64 and key == key.lower()
    assert config_key({**settings_dict, 'originatorVersion': 'SEB_Win_2.1.1'}) == key
    assert config_key({**settings_dict, 'allowQuit': False}) != key


def test_seb_json_follows_the_specifications_rules_for_empty_dictionaries_arrays_case_and_data():
    assert seb_json({'b': True, 'emptydict': {}, 'array': []}) == '{"array":[],"b":true}'
    assert seb_json({'allowWLAN': 'upper', 'allowWlan': 'lower', 'testKey': 'x'}) == \
        '{"allowWlan":"lower","allowWLAN":"upper","testKey":"x"}'
    assert seb_json({'d': {'banana': False, 'apple': True}}) == '{"d":{"apple":true,"banana":false}}'
    assert seb_json({'salt': b'\x00\x01'}) == '{"salt":"AAE="}'
    assert seb_json({'url': 'ws:\\localhost', 'name': 'hello wörld'}) == '{"name":"hello wörld","url":"ws:\\localhost"}'
    with pytest.raises(TypeError):
        seb_json({'ratio': 1.5})  # SEBs disagree on reals: the plugin never writes one


def test_the_request_hash_is_sha256_of_the_url_without_its_fragment_and_the_key():
    # The test vector of eduNEXT's seb-openedx (tests/test_permissions.py at 5d22a0cf).
    expected = 'a3a793a2715bdd3da1a7ef3ebe8acdd48c1468433d88cba346a437e961f601b1'
    assert key_hash('https://domain.com/path', '534b5a6a593e735e9d') == expected
    assert key_hash('https://domain.com/path#part-2', '534b5a6a593e735e9d') == expected


def test_the_quit_password_is_stored_as_seb_expects_it():
    assert hashed_quit_password('secret') == '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b'


# -- The exam's settings and its .seb file ---------------------------------------------------------------------------

def require_seb(demo, content_id=None, **changes):
    return api.change_safe_exam_browser_settings(demo.course_key, content_id or demo.final_exam_id,
                                                 {'required': True, **changes}, demo.course_staff)


def settings_url(demo, content_id=None):
    return reverse('offline_delivery_plugin:v1:safe-exam-browser', kwargs={
        'course_id': str(demo.course_key), 'content_id': content_id or demo.final_exam_id})


def test_the_seb_file_is_settings_seb_reads_with_what_a_hall_needs(client, demo):
    exam = require_seb(demo, quit_password='quit-the-hall', download_directory_win='%USERPROFILE%\\Desktop\\Exam',
                       download_directory_mac='~/Desktop/Exam', allowed_sites=['login.example.org'])
    response = client.get(urlsplit(exam.config_url).path)  # no session: SEB loads it with its own client
    assert response.status_code == 200
    assert response['Content-Type'] == 'application/seb'
    assert b'quit-the-hall' not in response.content
    served = plistlib.loads(response.content)
    assert served['startURL'] == f'{settings.LEARNING_MICROFRONTEND_URL}/course/{demo.course_key}/{demo.final_exam_id}'
    assert served['sendBrowserExamKey'] is True
    assert served['allowDownUploads'] is True and served['allowDownloads'] is True
    assert served['allowUploads'] is False
    assert served['downloadDirectoryWin'] == '%USERPROFILE%\\Desktop\\Exam'
    assert served['downloadDirectoryOSX'] == '~/Desktop/Exam'
    assert served['hashedQuitPassword'] == hashed_quit_password('quit-the-hall')
    assert served['quitURL'] == settings.LMS_ROOT_URL.rstrip('/') + reverse('offline_delivery_plugin:seb-quit')
    assert served['quitURLConfirm'] is True
    assert served['URLFilterEnable'] is True
    expressions = {rule['expression'] for rule in served['URLFilterRules'] if rule['action'] == 1}
    assert expressions == {f'{urlsplit(settings.LMS_ROOT_URL).netloc}/*',
                           f'{urlsplit(settings.LEARNING_MICROFRONTEND_URL).netloc}/*', 'login.example.org/*'}
    assert 'originatorVersion' not in served
    # The key SEB computes from the file it opened is the one the plugin checks.
    assert config_key(served) == exam.config_key == api.get_safe_exam_browser_exam(
        demo.course_key, demo.final_exam_id).config_key
    assert exam.seb_link == 'seb' + exam.config_url[len('http'):]


def test_no_file_is_served_for_a_link_the_site_did_not_make_or_an_exam_without_seb(client, demo):
    exam = require_seb(demo)
    path = urlsplit(exam.config_url).path
    token = path.split('/')[-2]
    assert client.get(path.replace(token, token[:-2] + 'xx')).status_code == 404
    api.change_safe_exam_browser_settings(demo.course_key, demo.final_exam_id, {'required': False},
                                          demo.course_staff)
    assert client.get(path).status_code == 404


def test_course_staff_set_the_settings_and_a_wrong_field_stores_nothing(client, demo):
    client.force_login(demo.course_staff)
    wrong = client.put(settings_url(demo), data=json.dumps({'required': True, 'browser_exam_keys': ['not-hex'],
                                                            'quit_password': 'short'}),
                       content_type='application/json')
    assert wrong.status_code == 400
    assert set(wrong.json()['errors']) == {'browser_exam_keys', 'quit_password'}
    assert not SafeExamBrowserSettings.objects.exists()
    assert not AuditEvent.objects.filter(kind='seb_settings').exists()
    assert client.put(settings_url(demo), data=json.dumps({'colour': 'red'}),
                      content_type='application/json').status_code == 400
    for wrong_value in ({'browser_exam_keys': 5}, {'allowed_sites': {'a': 1}}, {'required': 'yes'},
                        {'download_directory_win': ['x']}, {'quit_password': 12345678}, {'allowed_sites': ['a b']}):
        answer = client.put(settings_url(demo), data=json.dumps(wrong_value), content_type='application/json')
        assert answer.status_code == 400, (wrong_value, answer.content)
    assert client.put(settings_url(demo), data='required=true', content_type='application/x-www-form-urlencoded'
                      ).status_code == 400
    assert not SafeExamBrowserSettings.objects.exists()

    key = 'AB' * 32
    saved = client.put(settings_url(demo), data=json.dumps({'required': True, 'browser_exam_keys': [key],
                                                            'quit_password': 'a-long-quit-password'}),
                       content_type='application/json')
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body['required'] and body['quit_password_set'] and body['browser_exam_keys'] == [key.lower()]
    assert 'a-long-quit-password' not in saved.content.decode()
    event = AuditEvent.objects.get(kind='seb_settings')
    assert event.actor == demo.course_staff and 'a-long-quit-password' not in json.dumps(event.detail)
    # A field left out keeps its value; '' removes the quit password.
    kept = client.put(settings_url(demo), data=json.dumps({'quit_password': ''}), content_type='application/json')
    assert kept.json()['required'] and kept.json()['browser_exam_keys'] == [key.lower()]
    assert not kept.json()['quit_password_set']


# -- The check on the candidate page's endpoints ---------------------------------------------------------------------

@pytest.fixture
def writing(demo):
    """The learner's attempt at the final exam in progress, and then the exam made to require SEB."""
    client = Client()
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    exam = require_seb(demo, browser_exam_keys=['cd' * 32])
    return client, attempt, exam


def session_url(attempt):
    return reverse('offline_delivery_plugin:v1:attempt-session', kwargs={'attempt_id': attempt['id']})


def snapshot_url(attempt):
    return reverse('offline_delivery_plugin:v1:attempt-snapshots', kwargs={'attempt_id': attempt['id']})


def seb_headers(path, key, header='HTTP_X_SAFEEXAMBROWSER_CONFIGKEYHASH'):
    """SEB's header for a request of the test client to ``path`` (its absolute URL is http://testserver/...)."""
    return {header: key_hash(f'http://testserver{path}', key)}


def test_without_seb_the_session_is_refused_with_the_link_and_the_refusal_is_audited(writing, demo):
    client, attempt, exam = writing
    response = client.get(session_url(attempt))
    assert response.status_code == 403
    assert response.json()['reason'] == 'no_key'
    assert response.json()['seb_link'] == exam.seb_link
    assert 'Safe Exam Browser' in response.json()['detail']
    event = AuditEvent.objects.get(kind='seb')
    assert event.outcome == AuditEvent.REFUSED and event.detail == {'channel': 'session', 'reason': 'no_key'}
    assert event.attempt_id == attempt['id'] and event.subject == demo.verified_learner
    assert AttemptRecord.objects.get(attempt_id=attempt['id']).seb_verdict == 'no_key'


def test_a_save_without_seb_stores_nothing_and_with_its_config_key_is_stored(writing, demo):
    client, attempt, exam = writing
    save = Chain(attempt).next({CONTROL_WORD: 'hej'})
    refused = client.post(snapshot_url(attempt), data=json.dumps(save), content_type='application/json')
    assert refused.status_code == 403
    assert AttemptRecord.objects.get(attempt_id=attempt['id']).last_save_seq is None
    wrong = client.post(snapshot_url(attempt), data=json.dumps(save), content_type='application/json',
                        **seb_headers(snapshot_url(attempt), 'ef' * 32))
    assert wrong.status_code == 403 and wrong.json()['reason'] == 'wrong_key'
    assert AttemptRecord.objects.get(attempt_id=attempt['id']).last_save_seq is None

    stored = client.post(snapshot_url(attempt), data=json.dumps(save), content_type='application/json',
                         **seb_headers(snapshot_url(attempt), exam.config_key))
    assert stored.status_code == 200 and stored.json()['stored']
    record = AttemptRecord.objects.get(attempt_id=attempt['id'])
    assert record.last_save_seq == 1 and record.seb_verdict == 'config_key'
    assert [event.detail['reason'] for event in AuditEvent.objects.filter(kind='seb').order_by('id')] == [
        'no_key', 'wrong_key']


def test_the_autosave_checks_with_the_exams_settings_as_recently_read(writing, demo, settings):
    """
    The autosave (every candidate, every few seconds) keeps the exam's settings for
    OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS, as it keeps the course's: a change made in another process reaches it
    within that time, a change made in this one at once; the page's other requests read them fresh.
    """
    client, attempt, exam = writing
    chain = Chain(attempt)

    def save(**headers):
        return client.post(snapshot_url(attempt), data=json.dumps(chain.next({CONTROL_WORD: 'hej'})),
                           content_type='application/json', **headers)

    assert save(**seb_headers(snapshot_url(attempt), exam.config_key)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert save(**seb_headers(snapshot_url(attempt), exam.config_key)).status_code == 200
    assert not [query for query in queries.captured_queries if 'safeexambrowsersettings' in query['sql']]

    # Another app server turns the requirement off: the page's session sees it now, the autosave a little later.
    SafeExamBrowserSettings.objects.filter(content_id=demo.final_exam_id).update(required=False)
    assert client.get(session_url(attempt)).status_code == 200
    assert save().status_code == 403
    settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS = 0
    assert save().status_code == 200

    # Turned on again here, with the cache on: this process's next autosave is checked at once.
    settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS = 30
    assert save().status_code == 200
    require_seb(demo)
    refused = save()
    assert refused.status_code == 403 and refused.json()['reason'] == 'no_key'


def test_a_key_hashed_for_another_url_is_not_valid(writing):
    client, attempt, exam = writing
    other = seb_headers(session_url({'id': attempt['id'] + 1}), exam.config_key)
    assert client.get(session_url(attempt), **other).json()['reason'] == 'wrong_key'


def test_a_browser_exam_key_of_the_exam_is_accepted(writing):
    client, attempt, _exam = writing
    response = client.get(session_url(attempt), **seb_headers(session_url(attempt), 'cd' * 32,
                                                               header='HTTP_X_SAFEEXAMBROWSER_REQUESTHASH'))
    assert response.status_code == 200
    assert response.json()['safe_exam_browser']['quit_url'].endswith(reverse('offline_delivery_plugin:seb-quit'))
    assert AttemptRecord.objects.get(attempt_id=attempt['id']).seb_verdict == 'browser_exam_key'


def test_keys_from_sebs_javascript_api_count_for_a_page_of_the_lms_only(writing, demo):
    client, attempt, exam = writing
    page = f'{settings.LMS_ROOT_URL.rstrip("/")}/xblock/{demo.final_exam_id}'
    relayed = {'HTTP_X_OFFLINE_DELIVERY_SEB_PAGE_URL': page,
               'HTTP_X_OFFLINE_DELIVERY_SEB_CONFIG_KEY_HASH': key_hash(page, exam.config_key)}
    assert client.get(session_url(attempt), **relayed).status_code == 200
    elsewhere = 'https://cheat.example.org/xblock/x'
    assert client.get(session_url(attempt), **{
        'HTTP_X_OFFLINE_DELIVERY_SEB_PAGE_URL': elsewhere,
        'HTTP_X_OFFLINE_DELIVERY_SEB_CONFIG_KEY_HASH': key_hash(elsewhere, exam.config_key),
    }).json()['reason'] == 'wrong_key'


def test_the_file_from_the_device_and_the_invigilators_password_need_seb_too(writing, demo):
    client, attempt, exam = writing
    deliveries = reverse('offline_delivery_plugin:v1:attempt-deliveries', kwargs={'attempt_id': attempt['id']})
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
    refused = client.post(deliveries, data=data, content_type='application/octet-stream')
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(kind='delivery').exists()
    unlock = reverse('offline_delivery_plugin:v1:attempt-unlock', kwargs={'attempt_id': attempt['id']})
    assert client.post(unlock, data=json.dumps({'password': INVIGILATOR_PASSWORD}),
                       content_type='application/json').status_code == 403
    assert not AuditEvent.objects.filter(kind='password').exists()  # the password was not even checked
    assert [event.detail['channel'] for event in AuditEvent.objects.filter(kind='seb').order_by('id')] == [
        'self', 'password_gate']
    delivered = client.post(deliveries, data=data, content_type='application/octet-stream',
                            **seb_headers(deliveries, exam.config_key))
    assert delivered.status_code == 200, delivered.content


def test_the_monitor_shows_what_each_candidate_showed_of_seb(writing, demo):
    client, attempt, exam = writing
    client.get(session_url(attempt), **seb_headers(session_url(attempt), exam.config_key))
    staff = Client()
    staff.force_login(demo.invigilator)
    body = staff.get(reverse('offline_delivery_plugin:v1:exam-monitor', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id})).json()
    assert body['exam']['safe_exam_browser'] is True
    verdicts = {row['username']: row['seb_verdict'] for row in body['rows']}
    assert verdicts['verified_learner'] == 'config_key'
    assert verdicts['verified_learner2'] == ''


def test_an_exam_that_does_not_require_seb_is_not_checked(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    require_seb(demo, content_id=demo.timed_exam_id)
    response = client.get(session_url(attempt))
    assert response.status_code == 200 and response.json()['safe_exam_browser'] is None
    assert not AuditEvent.objects.filter(kind='seb').exists()
