"""
Small helpers shared by tests: starting an exam the way the learner's page does.
"""
import json

from edx_proctoring import api as proctoring_api

ATTEMPT_API = '/api/edx_proctoring/v1/proctored_exam/attempt'


def start_exam(client, user, course_key, content_id, proctored=True):
    """
    Start ``user``'s attempt at the exam through edx-proctoring's REST API, as the exam page's Start button does.

    Returns the attempt as edx-proctoring serialises it.
    """
    exam = proctoring_api.get_exam_by_content_id(str(course_key), content_id)
    client.force_login(user)
    response = client.post(ATTEMPT_API, data=json.dumps({
        'exam_id': exam['id'], 'start_clock': 'true', 'attempt_proctored': 'true' if proctored else 'false',
    }), content_type='application/json')
    assert response.status_code == 200, response.content
    return proctoring_api.get_exam_attempt_by_id(response.json()['exam_attempt_id'])


def submit_exam(client, attempt):
    """End the attempt through edx-proctoring's REST API, as the page's "End my exam" button does."""
    response = client.put(f"{ATTEMPT_API}/{attempt['id']}", data=json.dumps({'action': 'submit'}),
                          content_type='application/json')
    assert response.status_code == 200, response.content
    return proctoring_api.get_exam_attempt_by_id(attempt['id'])
