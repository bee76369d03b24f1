"""
The language follows the user's account preference (``pref-lang``, as in the LMS): the plugin's pages, its
messages and its JavaScript catalogue come in Swedish for a user who chose Swedish, whatever the browser says.
"""
import json

from django.urls import reverse

from sandbox.host.models import UserPreference
from tests.helpers import Chain, snapshots_url, start_exam


def _choose(client, language, next_url='/'):
    return client.post(reverse('host:set-language'), {'language': language, 'next': next_url})


def test_a_user_who_chose_swedish_gets_the_plugin_in_swedish(client, demo):
    client.force_login(demo.invigilator)
    assert _choose(client, 'sv').status_code == 302
    assert UserPreference.objects.get(user=demo.invigilator, key='pref-lang').value == 'sv'
    page = client.get(reverse('offline_delivery_plugin:course-dashboard', kwargs={'course_id': str(demo.course_key)}),
                      HTTP_ACCEPT_LANGUAGE='en')
    assert page.status_code == 200
    assert '<html lang="sv"' in page.content.decode()
    catalogue = client.get(reverse('offline_delivery_plugin:jsi18n'), HTTP_ACCEPT_LANGUAGE='en').content.decode()
    assert json.dumps('Alla svar är sparade på servern.') in catalogue


def test_the_preference_holds_on_another_device(client, demo):
    UserPreference.objects.create(user=demo.verified_learner, key='pref-lang', value='sv')
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    response = client.post(snapshots_url(attempt['id']), data=json.dumps({'link': 'not a link', 'answers_json': '{}'}),
                           content_type='application/json', HTTP_ACCEPT_LANGUAGE='en')
    assert response.status_code == 400
    assert 'Sparningens länk är inte giltig JSON.' in json.dumps(response.json(), ensure_ascii=False)


def test_without_a_preference_the_browser_decides(client, demo):
    client.force_login(demo.invigilator)
    page = client.get('/', HTTP_ACCEPT_LANGUAGE='sv')
    assert '<html lang="sv"' in page.content.decode()
    page = client.get('/', HTTP_ACCEPT_LANGUAGE='en')
    assert '<html lang="en"' in page.content.decode()


def test_an_unknown_language_is_refused_and_nothing_is_kept(client, demo):
    client.force_login(demo.invigilator)
    assert _choose(client, 'xx').status_code == 400
    assert not UserPreference.objects.filter(user=demo.invigilator).exists()


def test_the_language_form_goes_back_only_to_this_site(client, demo):
    client.force_login(demo.invigilator)
    assert _choose(client, 'sv', 'https://evil.example/').url == '/'
    assert _choose(client, 'sv', '/courses/').url == '/courses/'


def test_with_the_database_unreachable_the_language_falls_back_and_the_api_answers_503(client, demo, monkeypatch):
    from django.db import OperationalError  # pylint: disable=import-outside-toplevel

    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    client.force_login(demo.verified_learner)

    def unreachable(*args, **kwargs):
        raise OperationalError(2003, "Can't connect to MySQL server")

    monkeypatch.setattr(UserPreference.objects, 'filter', unreachable)
    monkeypatch.setattr(api, 'save_snapshot', unreachable)
    response = client.post(snapshots_url(attempt['id']), data=json.dumps(Chain(attempt).next({'x': 'y'})),
                           content_type='application/json')
    assert response.status_code == 503
    assert response['Retry-After']
