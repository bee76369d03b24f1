"""
The exam-file page (``/offline-delivery/exam-file/``), which the learning MFE's breadcrumbs slot frames beside an
exam subsection (ADR 0017), and what the candidate page needs to keep every unit of the exam: the session's units.
"""
import re

import pytest
from django.urls import reverse

from offline_delivery_plugin import api
from tests.helpers import session_url, start_exam

URL = reverse('offline_delivery_plugin:exam-file')


def _page(client, demo, content_id=None, course_id=None):
    return client.get(URL, {'course_id': course_id or str(demo.course_key),
                            'content_id': content_id or demo.final_exam_id})


def _attempt_id_on(response):
    match = re.search(r'id="offline-delivery"[^>]*?data-attempt-id="(\d+)"', response.content.decode())
    return int(match.group(1)) if match else None


def test_the_candidate_gets_the_page_of_their_attempt_in_progress_framed_only_by_the_mfe(client, demo, settings):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    response = _page(client, demo)
    assert response.status_code == 200
    assert _attempt_id_on(response) == attempt['id']
    body = response.content.decode()
    assert 'data-mode="exam-file"' in body and f'data-content-id="{demo.final_exam_id}"' in body
    assert response['Content-Security-Policy'] == f"frame-ancestors 'self' {settings.SANDBOX_MFE_URL}"
    assert 'X-Frame-Options' not in response
    assert response['Cache-Control'] == 'no-store'


def test_without_an_attempt_in_progress_a_learner_gets_their_time_and_the_way_to_their_exam_page(client, demo):
    client.force_login(demo.verified_learner)
    response = _page(client, demo)
    assert response.status_code == 200
    assert _attempt_id_on(response) is None
    body = response.content.decode()
    assert 'Your time for this exam: 1 hour, additional time included.' in body
    exam_page = reverse('offline_delivery_plugin:exam-requests', args=[str(demo.course_key), demo.final_exam_id])
    assert f'href="{exam_page}" target="_top"' in body
    assert 'is pending' not in body

    api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'additional_time',
                            'Dyslexia, confirmed by Disability Services.')
    assert 'you cannot start this exam until the course team has answered it' in _page(client, demo).content.decode()


def test_staff_and_invigilators_get_no_learners_line(client, demo):
    for user in (demo.course_staff, demo.invigilator, demo.chief_invigilator):
        client.force_login(user)
        assert 'Your time for this exam' not in _page(client, demo).content.decode(), user


def test_nobody_gets_another_learners_attempt(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    for user in (demo.verified_learner2, demo.course_staff, demo.invigilator, demo.chief_invigilator, demo.admin):
        client.force_login(user)
        response = _page(client, demo)
        assert response.status_code == 200
        assert _attempt_id_on(response) is None, user


def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo):
    response = _page(client, demo)
    assert response.status_code == 302
    assert '/login' in response['Location']


@pytest.mark.parametrize('course_id, content_id', [
    ('not a course', None),
    (None, 'not a block'),
    ('course-v1:OtherU+OTHER1+2026', None),  # an exam id of another course than the one named
])
def test_ids_that_are_not_an_exam_of_the_course_are_not_found(client, demo, course_id, content_id):
    client.force_login(demo.verified_learner)
    assert _page(client, demo, content_id=content_id, course_id=course_id).status_code == 404


def test_the_frame_ancestors_follow_the_learning_mfe_when_not_set(client, demo, settings):
    settings.OFFLINE_DELIVERY_FRAME_ANCESTORS = []
    settings.LEARNING_MICROFRONTEND_URL = 'https://apps.lms.example.org/learning'
    client.force_login(demo.verified_learner)
    response = _page(client, demo)
    assert response['Content-Security-Policy'] == "frame-ancestors 'self' https://apps.lms.example.org"
    settings.LEARNING_MICROFRONTEND_URL = None
    assert _page(client, demo)['Content-Security-Policy'] == "frame-ancestors 'self'"
    settings.OFFLINE_DELIVERY_FRAME_ANCESTORS = ["https://evil.example'; script-src *", 'javascript:alert(1)']
    assert _page(client, demo)['Content-Security-Policy'] == "frame-ancestors 'self'"


def test_the_session_lists_the_exams_units_in_course_order(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    units = client.get(session_url(attempt['id'])).json()['units']
    assert units == [str(demo.course_key.make_usage_key('vertical', f'final_part_{part}')) for part in 'abcde']
    assert api.start_candidate_session(demo.verified_learner, attempt['id']).units == tuple(units)


def test_exams_on_this_device_is_one_static_page_for_everybody(client, demo):
    """It reads nothing from the server (js/on-this-device.js reads this browser's IndexedDB): the same bytes
    for anybody, signed in or not."""
    url = reverse('offline_delivery_plugin:on-this-device')
    anonymous = client.get(url)
    client.force_login(demo.verified_learner)
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    learner = client.get(url)
    assert anonymous.status_code == learner.status_code == 200
    assert anonymous.content == learner.content
    assert b'js/on-this-device.js' in learner.content
