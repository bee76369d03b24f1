"""
The role matrix: every URL the plugin registers, for every role, and the status each one gets.

The URLs are read from the URL configuration (the LMS's and Studio's plugin patterns), so an endpoint added
without a row here fails ``test_every_plugin_url_has_a_row``. Each row names the objects its URL points at (the
learner's attempt, their request, a bulk upload, a report link) and a body that succeeds for a role that is let
in, so an allowed role shows what it really gets (200, 201, 202, 204, a redirect) and a refused one the refusal.
"""
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from edx_django_utils.plugins import get_plugin_url_patterns

from offline_delivery_plugin import api
from offline_delivery_plugin.models import ExamRequest, ResultsReport
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import (
    CONTROL_WORD,
    Chain,
    create_onsite_attempt,
    start_attempt,
    start_exam,
    submit_exam,
)

#: The columns of every row below, in this order.
ROLES = ('anonymous', 'another_learner', 'learner', 'audit_learner', 'other_course_staff', 'invigilator',
         'chief_invigilator', 'course_staff', 'global_staff')

#: The demo user who plays each role (``other_course_staff`` comes from the ``other_course`` fixture). The
#: learner owns the attempt, the request and the delivery file the URLs name; the other learner is enrolled on the
#: same track and owns none of them.
DEMO_USER_OF_ROLE = {
    'another_learner': 'verified_learner2', 'learner': 'verified_learner', 'audit_learner': 'audit_learner',
    'invigilator': 'invigilator', 'chief_invigilator': 'chief_invigilator', 'course_staff': 'course_staff',
    'global_staff': 'admin',
}

#: Where the sandbox mounts Studio's plugin URLs (it plays the LMS and Studio in one site).
STUDIO_NAMESPACE = 'studio:'


class Hall:
    """
    The objects a URL may name, made on first use and only for the test that needs them: the learner's attempt
    (in progress, or submitted for the reopen URLs), their pending request, a bulk upload, a finished report.
    """

    def __init__(self, demo, user):
        self.demo = demo
        self.user = user
        self.course_id = str(demo.course_key)
        self.exam_id = demo.final_exam_id

    @cached_property
    def attempt(self):
        """The learner's attempt at the proctored exam, in progress."""
        return start_exam(Client(), self.demo.verified_learner, self.demo.course_key, self.exam_id)

    @cached_property
    def submitted_attempt(self):
        """The learner's attempt, submitted with the exam page's button (what a reopen is for)."""
        client = Client()
        return submit_exam(client, start_exam(client, self.demo.verified_learner, self.demo.course_key,
                                              self.exam_id))

    @cached_property
    def onsite_attempt(self):
        """The learner's attempt at the proctored exam proctored on site, created and waiting for check-in (what
        frontend-lib-special-exams' *Continue to my proctored exam* makes)."""
        return create_onsite_attempt(Client(), self.demo)

    @cached_property
    def onsite_submitted_attempt(self):
        """The learner's on-site attempt, checked in, started and submitted (what the hall reviews)."""
        client = Client()
        created = create_onsite_attempt(client, self.demo)
        api.check_in_from_monitor(self.demo.course_key, self.exam_id, created['id'], self.demo.invigilator)
        return submit_exam(client, start_attempt(client, created))

    @cached_property
    def learner_request(self):
        """The learner's pending request for additional time."""
        return api.create_exam_request(self.demo.verified_learner, self.demo.course_key, self.exam_id,
                                       'additional_time', 'DS letter.')

    @cached_property
    def bulk_upload_id(self):
        """A batch an invigilator uploaded."""
        return api.start_bulk_upload([('notes.txt', b'not a delivery file')], self.demo.course_key, self.exam_id,
                                     self.demo.invigilator)

    @cached_property
    def report_token(self):
        """
        A download link of a finished results report made for the requesting user (the role's own link, so the
        permission check at download is what answers), or for course staff when nobody is logged in.
        """
        report = ResultsReport.objects.create(course_id=self.demo.course_key, requested_by=self.demo.course_staff)
        api.generate_results_report(report.id)
        return api.make_download_token(report.id, (self.user or self.demo.course_staff).id)

    @cached_property
    def seb_config_token(self):
        """The signed part of the link to the timed exam's ``.seb`` file, the exam made to require SEB (the final
        exam stays without it, so the candidate page's rows are about the roles only)."""
        exam = api.change_safe_exam_browser_settings(self.demo.course_key, self.demo.timed_exam_id,
                                                     {'required': True}, self.demo.course_staff)
        return exam.config_url.rstrip('/').split('/')[-2]

    def learner_file(self):
        """The learner's delivery file for their attempt in progress."""
        return delivery_file(self.demo.verified_learner, self.attempt, {CONTROL_WORD: 'hej'})


def _json(value):
    return {'data': json.dumps(value), 'content_type': 'application/json'}


@dataclass(frozen=True)
class Call:
    """One method of a URL: the body it is sent with and the status each role in ``ROLES`` gets."""

    method: str
    statuses: tuple
    body: Callable[[Hall], dict] | None = None

    def __post_init__(self):
        assert len(self.statuses) == len(ROLES), (self.method, self.statuses)


@dataclass(frozen=True)
class Endpoint:
    """A URL name's arguments (built from the hall) and the methods tried on it."""

    kwargs: Callable[[Hall], dict]
    calls: tuple


def no_kwargs(hall):
    return {}


def course(hall):
    return {'course_id': hall.course_id}


def exam(hall):
    return {'course_id': hall.course_id, 'content_id': hall.exam_id}


def attempt_in_exam(hall):
    return {**exam(hall), 'attempt_id': hall.attempt['id']}


def submitted_attempt_in_exam(hall):
    return {**exam(hall), 'attempt_id': hall.submitted_attempt['id']}


def attempt(hall):
    return {'attempt_id': hall.attempt['id']}


def onsite_attempt(hall):
    return {'attempt_id': hall.onsite_attempt['id']}


def onsite_attempt_in_exam(hall):
    return {**exam(hall), 'attempt_id': hall.onsite_attempt['id']}


def onsite_submitted_attempt_in_exam(hall):
    return {**exam(hall), 'attempt_id': hall.onsite_submitted_attempt['id']}


def unlockable_attempt(hall):
    api.sync_attempt_record(hall.attempt['id'])
    return attempt(hall)


# The statuses, one column per role:
#   anonymous, another learner, the learner, audit learner, staff of another course,
#   invigilator, chief invigilator, course staff, global staff.
# Anonymous users get 401 from the REST API (it offers JWT) and a redirect to the login page (302) from pages.
ENDPOINTS = {
    # Public assets: no data in them (see their views' docstrings).
    'offline_delivery_plugin:service-worker': Endpoint(no_kwargs, (
        Call('get', (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:jsi18n': Endpoint(no_kwargs, (
        Call('get', (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    )),
    # Safe Exam Browser: the quit URL holds nothing; the .seb file is for whoever has its signed link (SEB loads it
    # without the learner's session), and a 404 for every exam that does not require SEB.
    'offline_delivery_plugin:seb-quit': Endpoint(no_kwargs, (
        Call('get', (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:seb-config': Endpoint(lambda hall: {'token': hall.seb_config_token}, (
        Call('get', (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    )),
    # Pages.
    'offline_delivery_plugin:course-dashboard': Endpoint(course, (
        Call('get', (302, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:monitor': Endpoint(exam, (
        Call('get', (302, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:audit-page': Endpoint(course, (
        Call('get', (302, 403, 403, 403, 403, 403, 403, 200, 200)),
    )),
    # The learner's page: every enrolled learner sees their own; withdrawing the learner's request works for the
    # learner only (400 for another learner: no pending request of theirs with that number).
    'offline_delivery_plugin:exam-requests': Endpoint(exam, (
        Call('get', (302, 200, 200, 200, 403, 403, 403, 403, 403)),
        Call('post', (302, 400, 302, 400, 403, 403, 403, 403, 403), body=lambda hall: {
            'data': {'action': 'withdraw', 'request_id': hall.learner_request.request_id}}),
    )),
    # The check-in page of an on-site exam: the attempt's own candidate only (404 for anyone else: not theirs).
    'offline_delivery_plugin:check-in': Endpoint(onsite_attempt, (
        Call('get', (302, 404, 200, 404, 404, 404, 404, 404, 404)),
        Call('post', (302, 404, 302, 404, 404, 404, 404, 404, 404),
             body=lambda hall: {'data': {'password': INVIGILATOR_PASSWORD}}),
    )),
    # The exam-file page the MFE's slot frames: every signed-in user gets a page, which names an attempt only for
    # the learner whose attempt in progress it is (tests/test_exam_file_page.py reads what each one shows).
    'offline_delivery_plugin:exam-file': Endpoint(no_kwargs, (
        Call('get', (302, 200, 200, 200, 200, 200, 200, 200, 200),
             body=lambda hall: {'data': {**exam(hall), 'started': hall.attempt['id']}}),
    )),
    # Exams on this device: the same static page for everybody; what it lists is what the browser holds.
    'offline_delivery_plugin:on-this-device': Endpoint(no_kwargs, (
        Call('get', (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    )),
    # Each role's own link: the data-download permission is checked again at download.
    'offline_delivery_plugin:report-download': Endpoint(lambda hall: {**course(hall), 'token': hall.report_token}, (
        Call('get', (302, 403, 403, 403, 403, 403, 403, 200, 200)),
    )),
    # The Monitor's API.
    'offline_delivery_plugin:v1:course-exams': Endpoint(course, (
        Call('get', (401, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:v1:exam-monitor': Endpoint(exam, (
        Call('get', (401, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:v1:attempt-answers': Endpoint(attempt_in_exam, (
        Call('get', (401, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    # Uploads: both hall roles by default (``upload_roles``); learners deliver through their own page instead.
    'offline_delivery_plugin:v1:attempt-uploads': Endpoint(attempt_in_exam, (
        Call('post', (401, 403, 403, 403, 403, 200, 200, 200, 200), body=lambda hall: {
            'data': {'file': SimpleUploadedFile('vera.offline-delivery', hall.learner_file())}}),
    )),
    'offline_delivery_plugin:v1:bulk-uploads': Endpoint(exam, (
        Call('post', (401, 403, 403, 403, 403, 202, 202, 202, 202), body=lambda hall: {
            'data': {'files': [SimpleUploadedFile('notes.txt', b'not a delivery file')]}}),
    )),
    'offline_delivery_plugin:v1:bulk-upload-status': Endpoint(
        lambda hall: {**exam(hall), 'upload_id': hall.bulk_upload_id}, (
            Call('get', (401, 403, 403, 403, 403, 200, 200, 200, 200)),
        )),
    # Reopening: the chief invigilator by default (``reopen_roles``), not every invigilator.
    'offline_delivery_plugin:v1:attempt-reopen': Endpoint(submitted_attempt_in_exam, (
        Call('get', (401, 403, 403, 403, 403, 403, 200, 200, 200)),
        Call('post', (401, 403, 403, 403, 403, 403, 200, 200, 200),
             body=lambda hall: _json({'extra_minutes': 5, 'reason': 'Wi-Fi down in hall B'})),
    )),
    # On-site invigilation: every hall role checks candidates in; the review is the chief invigilator's.
    'offline_delivery_plugin:v1:monitor-check-in': Endpoint(onsite_attempt_in_exam, (
        Call('post', (401, 403, 403, 403, 403, 200, 200, 200, 200)),
    )),
    'offline_delivery_plugin:v1:hall-review': Endpoint(onsite_submitted_attempt_in_exam, (
        Call('post', (401, 403, 403, 403, 403, 403, 200, 200, 200),
             body=lambda hall: _json({'outcome': 'satisfactory'})),
    )),
    # Course staff only.
    'offline_delivery_plugin:v1:invigilator-password': Endpoint(exam, (
        Call('post', (401, 403, 403, 403, 403, 403, 403, 204, 204),
             body=lambda hall: _json({'password': 'a-new-long-password'})),
    )),
    'offline_delivery_plugin:v1:safe-exam-browser': Endpoint(exam, (
        Call('get', (401, 403, 403, 403, 403, 403, 403, 200, 200)),
        Call('put', (401, 403, 403, 403, 403, 403, 403, 200, 200),
             body=lambda hall: _json({'allowed_sites': ['login.example.org']})),
    )),
    'offline_delivery_plugin:v1:hall-roles': Endpoint(course, (
        Call('get', (401, 403, 403, 403, 403, 403, 403, 200, 200)),
        Call('post', (401, 403, 403, 403, 403, 403, 403, 200, 200),
             body=lambda hall: _json({'user': 'verified_learner2', 'role': 'invigilator'})),
    )),
    'offline_delivery_plugin:v1:audit': Endpoint(course, (
        Call('get', (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    )),
    'offline_delivery_plugin:v1:requests': Endpoint(course, (
        Call('get', (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    )),
    'offline_delivery_plugin:v1:request-decision': Endpoint(
        lambda hall: {**course(hall), 'request_id': hall.learner_request.request_id}, (
            Call('post', (401, 403, 403, 403, 403, 403, 403, 200, 200),
                 body=lambda hall: _json({'approve': True, 'minutes': 20, 'note': 'ok'})),
        )),
    'offline_delivery_plugin:v1:allowances-csv': Endpoint(course, (
        Call('post', (401, 403, 403, 403, 403, 403, 403, 200, 200), body=lambda hall: {'data': {
            'file': SimpleUploadedFile('allowances.csv', b'user,exam,type,value\n'
                                       b'verified_learner,Final exam (proctored),additional_time,10\n', 'text/csv')}}),
    )),
    # The proctored results report: course staff (the LMS's instructor.view_exam_results), not the hall roles.
    'offline_delivery_plugin:v1:reports': Endpoint(course, (
        Call('get', (401, 403, 403, 403, 403, 403, 403, 200, 200)),
        Call('post', (401, 403, 403, 403, 403, 403, 403, 202, 202)),
    )),
    # The candidate page: the owner of the attempt only; nobody writes another's answers, global staff included.
    'offline_delivery_plugin:v1:attempt-session': Endpoint(attempt, (
        Call('get', (401, 403, 200, 403, 403, 403, 403, 403, 403)),
    )),
    'offline_delivery_plugin:v1:attempt-snapshots': Endpoint(attempt, (
        Call('post', (401, 403, 200, 403, 403, 403, 403, 403, 403),
             body=lambda hall: _json(Chain(hall.attempt).next({CONTROL_WORD: 'x'}))),
    )),
    'offline_delivery_plugin:v1:attempt-deliveries': Endpoint(attempt, (
        Call('post', (401, 403, 200, 403, 403, 403, 403, 403, 403), body=lambda hall: {
            'data': hall.learner_file(), 'content_type': 'application/octet-stream'}),
    )),
    'offline_delivery_plugin:v1:attempt-check-in': Endpoint(onsite_attempt, (
        Call('post', (401, 403, 200, 403, 403, 403, 403, 403, 403),
             body=lambda hall: _json({'password': INVIGILATOR_PASSWORD})),
    )),
    'offline_delivery_plugin:v1:attempt-unlock': Endpoint(unlockable_attempt, (
        Call('post', (401, 403, 200, 403, 403, 403, 403, 403, 403),
             body=lambda hall: _json({'password': INVIGILATOR_PASSWORD})),
    )),
    # A learner's own requests: any enrolled learner; the audit track may not ask for a proctored exam (400 says
    # why); withdrawing the learner's request is refused to another learner (400: none of theirs).
    'offline_delivery_plugin:v1:my-requests': Endpoint(course, (
        Call('get', (401, 200, 200, 200, 403, 403, 403, 403, 403)),
        Call('post', (401, 201, 201, 400, 403, 403, 403, 403, 403), body=lambda hall: _json(
            {'exam': hall.exam_id, 'kind': 'additional_time', 'reason': 'Extra time per DS.'})),
    )),
    'offline_delivery_plugin:v1:my-request': Endpoint(
        lambda hall: {**course(hall), 'request_id': hall.learner_request.request_id}, (
            Call('delete', (401, 400, 204, 400, 403, 403, 403, 403, 403)),
        )),
    # Studio.
    'studio:offline_delivery_plugin:v1:course-settings-validate': Endpoint(course, (
        Call('post', (401, 403, 403, 403, 403, 403, 403, 200, 200),
             body=lambda hall: _json({'offline_delivery': {'enabled': True}})),
    )),
}


def _plugin_url_names(patterns, namespace=''):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f'{namespace}{pattern.namespace}:' if pattern.namespace else namespace
            yield from _plugin_url_names(pattern.url_patterns, inner)
        elif getattr(pattern.callback, '__module__', '').startswith('offline_delivery_plugin'):
            assert pattern.name, f'a plugin URL without a name: {pattern.pattern}'
            yield f'{namespace}{pattern.name}'


def registered_url_names():
    """
    Every plugin URL name: as the test site mounts them, and as the plugin hands them to the LMS and Studio
    (``get_plugin_url_patterns``), so a URL the sandbox forgot to mount is not missed either.
    """
    return (set(_plugin_url_names(get_resolver().url_patterns))
            | set(_plugin_url_names(get_plugin_url_patterns('lms.djangoapp')))
            | {STUDIO_NAMESPACE + name for name in _plugin_url_names(get_plugin_url_patterns('cms.djangoapp'))})


def test_every_plugin_url_has_a_row():
    for name in sorted(registered_url_names()):
        assert name in ENDPOINTS, f'new endpoint without a role rule: {name}'


def test_every_row_is_a_registered_url():
    for name in sorted(ENDPOINTS):
        assert name in registered_url_names(), f'the matrix lists a URL that is gone: {name}'


def user_of(role, demo, other_course):
    """The role's user, or None for anonymous."""
    if role == 'anonymous':
        return None
    if role == 'other_course_staff':
        return other_course.staff
    return demo.users[DEMO_USER_OF_ROLE[role]]


def send(name, call, hall, user, kwargs=None):
    """``call`` on the URL ``name`` from a fresh client logged in as ``user``."""
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs if kwargs is not None else ENDPOINTS[name].kwargs(hall))
    return getattr(client, call.method)(url, **(call.body(hall) if call.body else {}))


MATRIX = [
    pytest.param(name, index, role, id=f'{name.rpartition(":")[2]}-{call.method}-{role}')
    for name, endpoint in ENDPOINTS.items()
    for index, call in enumerate(endpoint.calls)
    for role in ROLES
]


@pytest.mark.parametrize('name,index,role', MATRIX)
def test_role_matrix(demo, other_course, name, index, role):
    call = ENDPOINTS[name].calls[index]
    user = user_of(role, demo, other_course)
    response = send(name, call, Hall(demo, user), user)
    expected = call.statuses[ROLES.index(role)]
    assert response.status_code == expected, (name, call.method, role, getattr(response, 'content', b'')[:300])


#: Staff of another course naming this course's objects under their own course id, where they do hold the
#: permission: the object is not found there (404; 410 for a report link, the page's answer to a foreign link).
CROSS_COURSE = {
    ('offline_delivery_plugin:monitor', 'get'): 404,
    ('offline_delivery_plugin:report-download', 'get'): 410,
    ('offline_delivery_plugin:v1:exam-monitor', 'get'): 404,
    ('offline_delivery_plugin:v1:attempt-answers', 'get'): 404,
    ('offline_delivery_plugin:v1:attempt-uploads', 'post'): 404,
    ('offline_delivery_plugin:v1:bulk-uploads', 'post'): 404,
    ('offline_delivery_plugin:v1:bulk-upload-status', 'get'): 404,
    ('offline_delivery_plugin:v1:attempt-reopen', 'get'): 404,
    ('offline_delivery_plugin:v1:attempt-reopen', 'post'): 404,
    ('offline_delivery_plugin:v1:invigilator-password', 'post'): 404,
    ('offline_delivery_plugin:v1:request-decision', 'post'): 400,
}


@pytest.mark.parametrize('name,method', sorted(CROSS_COURSE))
def test_staff_of_another_course_reach_nothing_here_through_their_own(demo, other_course, name, method):
    endpoint = ENDPOINTS[name]
    call = next(call for call in endpoint.calls if call.method == method)
    hall = Hall(demo, other_course.staff)
    kwargs = {**endpoint.kwargs(hall), 'course_id': str(other_course.course_key)}
    response = send(name, call, hall, other_course.staff, kwargs=kwargs)
    assert response.status_code == CROSS_COURSE[name, method], getattr(response, 'content', b'')[:300]
    if name.endswith('request-decision'):
        assert ExamRequest.objects.get(id=hall.learner_request.request_id).status == 'pending'


def test_csrf_stays_on_for_the_learners_page_form(demo):
    """The plain HTML form of the learner's page is protected by Django's CSRF middleware, not DRF's."""
    hall = Hall(demo, demo.verified_learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.verified_learner)
    response = client.post(reverse('offline_delivery_plugin:exam-requests', kwargs=exam(hall)),
                           {'action': 'withdraw', 'request_id': hall.learner_request.request_id})
    assert response.status_code == 403
    assert ExamRequest.objects.get(id=hall.learner_request.request_id).status == 'pending'
