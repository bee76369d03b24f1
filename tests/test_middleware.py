"""
The start gate (``middleware``): edx-proctoring's start requests are refused while the learner's request for
additional time or a special allowance is pending, and without proctoring where the course does not allow opting
out; other learners and other exams pass.
"""
import json

from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api
from tests.helpers import ATTEMPT_API, ask, exam_of, start_exam


def test_a_pending_allowance_request_blocks_the_start(client, demo):
    request = ask(demo, 'additional_time')
    client.force_login(demo.verified_learner)
    exam = exam_of(demo)
    response = client.post(ATTEMPT_API, data=json.dumps({'exam_id': exam['id'], 'start_clock': 'true',
                                                         'attempt_proctored': 'true'}),
                           content_type='application/json')
    assert response.status_code == 403
    assert 'still pending' in response.json()['detail']
    assert proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id) is None
    # Other learners and other exams are not held back.
    start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)

    api.withdraw_exam_request(demo.verified_learner, demo.course_key, request.request_id)
    assert start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)['status'] == 'started'


def test_the_gate_also_holds_a_created_attempt_back(client, demo):
    exam = exam_of(demo)
    client.force_login(demo.verified_learner)
    created = client.post(ATTEMPT_API, data=json.dumps({'exam_id': exam['id'], 'start_clock': 'false',
                                                        'attempt_proctored': 'true'}),
                          content_type='application/json')
    assert created.status_code == 200
    attempt_id = created.json()['exam_attempt_id']
    ask(demo, 'special_allowance')
    response = client.put(f'{ATTEMPT_API}/{attempt_id}', data=json.dumps({'action': 'start'}),
                          content_type='application/json')
    assert response.status_code == 403
    assert proctoring_api.get_exam_attempt_by_id(attempt_id)['status'] == 'created'


def test_no_open_exam_where_the_course_does_not_allow_opting_out(client, demo):
    exam = exam_of(demo)
    client.force_login(demo.verified_learner)
    body = json.dumps({'exam_id': exam['id'], 'start_clock': 'true', 'attempt_proctored': 'false'})
    demo.course.allow_proctoring_opt_out = False
    demo.course.save()
    refused = client.post(ATTEMPT_API, data=body, content_type='application/json')
    assert refused.status_code == 403 and 'does not allow' in refused.json()['detail']
    assert proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id) is None
    demo.course.allow_proctoring_opt_out = True
    demo.course.save()
    assert client.post(ATTEMPT_API, data=body, content_type='application/json').status_code == 200
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)
    assert attempt['taking_as_proctored'] is False
