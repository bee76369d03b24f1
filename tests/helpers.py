"""
Plain helpers and constants shared by test modules (fixtures live in ``conftest.py``; the browser's own helpers in
``tests/browser/helpers.py``): starting and ending an exam the way the learner's page does, saving snapshots the
way the candidate page does, signing in as a role, delivering a file that must be refused, and the whole story of a
reopened attempt. No test module imports another; what two of them share is here.
"""
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash, link_json
from offline_delivery_plugin.crypto.envelope import sha256_hex
from offline_delivery_plugin.exceptions import DeliveryRefused
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file

ATTEMPT_API = '/api/edx_proctoring/v1/proctored_exam/attempt'

#: Answers of the demo course's final exam, by the key the candidate page gives them: the item's usage key and the
#: field's name as the item renders it (capa's ``input_<id>_2_1``, the essay's ``answer``).
COURSE_BLOCK = 'block-v1:SandboxU+EXAM101+2026+type@'


def answer_key(block_type, block_id, field=None):
    """The page's key of an item's answer: ``<usage key>#<field name>`` (capa: ``input_<block id>_2_1``)."""
    return f'{COURSE_BLOCK}{block_type}+block@{block_id}#{field or f"input_{block_id}_2_1"}'


CONTROL_WORD = answer_key('problem', 'final_control_word')
ESSAY = answer_key('exam_essay', 'final_essay_offline', 'answer')
NUMERIC = answer_key('problem', 'final_num_bits')


def start_exam(client, user, course_key, content_id, proctored=True):
    """
    Start ``user``'s attempt at the exam through edx-proctoring's REST API, as the learner's exam screens do. An
    exam proctored on site (the demo's proctored exams) is first created, then checked in from the Monitor by the
    course's invigilator, then started, as in a hall; any other exam starts with its creation.

    Returns the attempt as edx-proctoring serialises it.
    """
    exam = proctoring_api.get_exam_by_content_id(str(course_key), content_id)
    client.force_login(user)
    in_hall = proctored and exam['is_proctored'] and exam['backend'] == 'onsite_invigilation'
    response = client.post(ATTEMPT_API, data=json.dumps({
        'exam_id': exam['id'], 'start_clock': 'false' if in_hall else 'true',
        'attempt_proctored': 'true' if proctored else 'false',
    }), content_type='application/json')
    assert response.status_code == 200, response.content
    attempt = proctoring_api.get_exam_attempt_by_id(response.json()['exam_attempt_id'])
    if in_hall:
        invigilator = get_user_model().objects.get(username='invigilator')
        api.check_in_from_monitor(course_key, content_id, attempt['id'], invigilator)
        attempt = start_attempt(client, attempt)
        # The check-in recorded the attempt (it reads whether it continues a reopened one); the start's commit would
        # bring that record in step, but a test's transaction never commits, so it is brought in step here.
        api.sync_attempt_record(attempt['id'])
    return attempt


def use_onsite_invigilation(demo, content_id=None):
    """Make the demo's proctored final exam (or ``content_id``) one proctored by on-site invigilation, as Studio does
    on publish when the course team chose *On-site invigilation* as the course's proctoring provider."""
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), content_id or demo.final_exam_id)
    proctoring_api.update_exam(exam['id'], backend='onsite_invigilation')
    return exam['id']


def leave_onsite_invigilation(demo, content_id=None):
    """Make the demo's final exam (or ``content_id``) one with edx-proctoring's default backend, as Studio does on
    publish when the course team moves the course to it: a continuation then starts without a check-in and waits
    for the invigilator password on the candidate's screen (at an exam proctored on site the check-in is that
    password)."""
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), content_id or demo.final_exam_id)
    proctoring_api.update_exam(exam['id'], backend='null')
    return exam['id']


def create_onsite_attempt(client, demo, user=None):
    """
    ``user``'s (the verified learner's) attempt at the final exam proctored on site, created without starting the
    clock, as frontend-lib-special-exams' *Continue to my proctored exam* creates it: waiting for check-in.
    """
    exam_id = use_onsite_invigilation(demo)
    client.force_login(user or demo.verified_learner)
    response = client.post(ATTEMPT_API, data=json.dumps({
        'exam_id': exam_id, 'start_clock': 'false', 'attempt_proctored': 'true'}), content_type='application/json')
    assert response.status_code == 200, response.content
    return proctoring_api.get_exam_attempt_by_id(response.json()['exam_attempt_id'])


def start_attempt(client, attempt, expect=200):
    """Start an existing attempt (``action: start``), as the library's *Start exam* does; its status afterwards."""
    response = client.put(f"{ATTEMPT_API}/{attempt['id']}", data=json.dumps({'action': 'start'}),
                          content_type='application/json')
    assert response.status_code == expect, response.content
    return proctoring_api.get_exam_attempt_by_id(attempt['id']) if expect == 200 else response.json()


def submit_exam(client, attempt):
    """End the attempt through edx-proctoring's REST API, as the page's "End my exam" button does."""
    response = client.put(f"{ATTEMPT_API}/{attempt['id']}", data=json.dumps({'action': 'submit'}),
                          content_type='application/json')
    assert response.status_code == 200, response.content
    return proctoring_api.get_exam_attempt_by_id(attempt['id'])


def exam_of(demo, content_id=None):
    """The demo course's exam (by default the final exam) as edx-proctoring serialises it."""
    return proctoring_api.get_exam_by_content_id(str(demo.course_key), content_id or demo.final_exam_id)


def ask(demo, kind, user=None, reason='Dyslexia, confirmed by Disability Services.'):
    """``user`` (by default ``verified_learner``) asks for ``kind`` at the final exam; returns the request."""
    return api.create_exam_request(user or demo.verified_learner, demo.course_key, demo.final_exam_id, kind, reason)


def session_url(attempt_id):
    """The candidate page's session endpoint of the attempt."""
    return reverse('offline_delivery_plugin:v1:attempt-session', kwargs={'attempt_id': attempt_id})


def snapshots_url(attempt_id):
    """The candidate page's autosave endpoint of the attempt."""
    return reverse('offline_delivery_plugin:v1:attempt-snapshots', kwargs={'attempt_id': attempt_id})


class Chain:
    """Builds snapshots the way the page does."""

    def __init__(self, attempt):
        self.prev = genesis_hash(attempt['attempt_code'])
        self.seq = 0

    def next(self, answers, seq=None):
        self.seq = seq or self.seq + 1
        answers_json = json.dumps(answers, separators=(',', ':'), ensure_ascii=False)
        link = link_json(self.seq, self.prev, 1_700_000_000_000 + self.seq, answers_json, sorted(answers))
        self.prev = sha256_hex(link)
        return {'link': link, 'answers_json': answers_json}


def post(client, attempt_id, snapshot):
    """Send ``snapshot`` (from ``Chain.next``) to the attempt's autosave endpoint, as the page does."""
    return client.post(snapshots_url(attempt_id), data=json.dumps(snapshot), content_type='application/json')


def login_as(client, demo, other_course, role):
    """
    Log ``client`` in as the role's demo user (``other_course_staff``: the ``other_course`` fixture's staff member;
    ``anonymous`` stays logged out). Returns the user, or None for ``anonymous``.
    """
    if role == 'anonymous':
        return None
    user = other_course.staff if role == 'other_course_staff' else demo.users[role]
    client.force_login(user)
    return user


def client_as(demo, other_course, role):
    """A new client logged in as the role's demo user, as ``login_as`` logs one in."""
    client = Client()
    login_as(client, demo, other_course, role)
    return client


def stored_answers(attempt):
    """The answers the plugin stores for the attempt, by item id."""
    from offline_delivery_plugin.models import ItemAnswer  # pylint: disable=import-outside-toplevel

    return dict(ItemAnswer.objects.filter(record__attempt_id=attempt['id']).values_list('item_id', 'value'))


def refused(data, attempt, reveal_owner=False):
    """
    Deliver ``data`` for ``attempt`` as staff and check that it is refused and changes nothing: neither the stored
    answers nor edx-proctoring's status. Returns the ``DeliveryRefused``.
    """
    before = stored_answers(attempt)
    status = proctoring_api.get_exam_attempt_by_id(attempt['id'])['status']
    with pytest.raises(DeliveryRefused) as caught:
        api.deliver_file(data, attempt['id'], None, 'staff', reveal_owner=reveal_owner)
    assert stored_answers(attempt) == before, 'a refused file changed answers'
    assert proctoring_api.get_exam_attempt_by_id(attempt['id'])['status'] == status
    return caught.value


def reopened_and_continued(client, demo, submit=True, learner=None):
    """
    Flows A, C and D for ``learner`` (by default ``verified_learner``) at the final exam: a draft saved online, the
    connection lost and the rest saved as a file, which an invigilator uploads; the chief invigilator opens the
    attempt for resubmission with 10 extra minutes, the candidate continues in a new attempt (the invigilator types
    the password), its page saves every answer online, and (``submit``) the candidate ends the exam online.

    Returns ``(original, continuation)`` as edx-proctoring serialises them.
    """
    learner = learner or demo.verified_learner
    original = start_exam(client, learner, demo.course_key, demo.final_exam_id)
    chain = Chain(original)
    post(client, original['id'], chain.next({CONTROL_WORD: 'hej', ESSAY: 'online draft'}))
    answers = {CONTROL_WORD: 'hej', ESSAY: 'finished offline', NUMERIC: '8'}  # the number only written offline
    api.upload_delivery_file(delivery_file(learner, original, answers, seq=2,
                                           anchor={'seq': 1, 'hash': chain.prev}),
                             demo.course_key, demo.final_exam_id, original['id'], demo.invigilator)
    api.reopen_attempt(demo.course_key, demo.final_exam_id, original['id'], 10, 'Power cut in hall B',
                       demo.chief_invigilator)
    continuation = start_exam(client, learner, demo.course_key, demo.final_exam_id)
    api.start_candidate_session(learner, continuation['id'])
    api.unlock_attempt(learner, continuation['id'], INVIGILATOR_PASSWORD)
    # The page sends every answer it holds (the ones carried over among them), as it does every few seconds.
    assert post(client, continuation['id'], Chain(continuation).next(answers)).status_code == 200
    if submit:
        continuation = submit_exam(client, continuation)
    return proctoring_api.get_exam_attempt_by_id(original['id']), continuation


def save_problem_answer(client, usage_id, value, dispatch='problem_save'):
    """
    A capa problem's own *Save* (or, with ``dispatch='problem_check'``, *Submit*) as its JavaScript posts it: form
    data to the block's ``xmodule_handler``, the problem's only input named ``input_<block id>_2_1``.
    """
    block_id = usage_id.rsplit('@', 1)[1]
    response = client.post(f'/xblock/{usage_id}/handler/xmodule_handler/{dispatch}',
                           data={f'input_{block_id}_2_1': value})
    assert response.status_code == 200, response.content
    return response.json()
