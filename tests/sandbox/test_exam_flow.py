"""
The sandbox host as a learner meets it: start the proctored exam through edx-proctoring's attempt API, see the
XBlock items, save answers through their handlers, submit.
"""
import json
from io import StringIO

import pytest
from django.urls import reverse

from sandbox.host.models import StudentModule
from tests.helpers import start_exam, submit_exam


def subsection_url(demo, content_id):
    return reverse('host:subsection', kwargs={'course_id': str(demo.course_key), 'usage_id': content_id})


def handler_url(usage_id, handler='submit_answer'):
    return reverse('host:xblock-handler', kwargs={'usage_id': usage_id, 'handler': handler, 'suffix': ''})


def item_id(demo, block_type, block_id):
    return str(demo.course_key.make_usage_key(block_type, block_id))


def test_landing_page_says_who_is_who(client, demo):
    page = client.get('/').content.decode()
    for username in demo.users:
        assert f'<code>{username}</code>' in page
    assert '<code class="password">edx</code>' in page
    assert 'EXAM101: Digital exams on site' in page


def test_before_start_the_exam_shows_only_its_start_page(client, demo):
    client.force_login(demo.verified_learner)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'Start the exam' in page
    assert 'You have <strong>1 hour</strong>' in page  # the learner's own time, from the plugin
    assert 'Rules for this exam' in page and 'Closed book.' in page
    assert 'Ask the course team before you start' in page
    assert 'exam-item' not in page  # no question is shown before the attempt starts


def test_audit_learners_see_no_proctored_exam_but_the_practice_exam(client, demo):
    client.force_login(demo.audit_learner)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'for learners on the verified track' in page and 'Start the exam' not in page
    assert 'Start the exam' in client.get(subsection_url(demo, demo.practice_exam_id)).content.decode()


def test_verified_learners_choose_only_where_the_course_allows_opting_out(client, demo):
    client.force_login(demo.verified_learner)
    demo.course.allow_proctoring_opt_out = False
    demo.course.save()
    assert 'open exam (no credit)' not in client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    demo.course.allow_proctoring_opt_out = True
    demo.course.save()
    assert 'open exam (no credit)' in client.get(subsection_url(demo, demo.final_exam_id)).content.decode()


def test_a_pending_request_holds_the_start_button_back(client, demo):
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'additional_time', '')
    client.force_login(demo.verified_learner)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'is pending' in page and 'Start the exam' not in page


def test_the_review_result_reads_pending_then_satisfactory(client, demo):
    from edx_proctoring.models import ProctoredExamStudentAttempt  # pylint: disable=import-outside-toplevel

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, attempt)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'Proctored session result: <strong>Pending</strong>' in page
    ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(status='verified')
    assert 'Proctored session result: <strong>Satisfactory</strong>' in client.get(
        subsection_url(demo, demo.final_exam_id)).content.decode()
    ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(status='rejected')
    assert 'Proctored session result: <strong>Unsatisfactory</strong>' in client.get(
        subsection_url(demo, demo.final_exam_id)).content.decode()


def test_learner_starts_the_proctored_exam_and_sees_the_xblock_items(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert attempt['status'] == 'started'
    assert attempt['taking_as_proctored'] is True

    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert page.count('class="exam-item ') == 9
    # Rendered by the XBlock runtime: wrapped with the block's usage id, type and JS init function.
    assert f"data-usage='{item_id(demo, 'exam_short_text', 'final_control_word')}'" in page
    assert "data-block-type='exam_multiple_choice'" in page
    assert "data-init='SandboxExamItem'" in page
    assert 'Type the control word the invigilator gives you' in page
    # The course has offline delivery on: the plugin's candidate page takes over saving and the timer.
    assert f'data-session-url="/offline-delivery/api/v1/attempts/{attempt["id"]}/session/"' in page
    assert 'offline_delivery_plugin/js/candidate.js' in page


def test_without_offline_delivery_the_host_keeps_its_own_timer(client, demo):
    demo.course.other_course_settings = {}
    demo.course.save()
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'id="time-left"' in page
    assert 'candidate.js' not in page


def test_answers_are_saved_through_the_xblock_handler_and_rendered_back(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    control_word = item_id(demo, 'exam_short_text', 'final_control_word')
    response = client.post(handler_url(control_word), data=json.dumps({'answer': 'hej'}),
                           content_type='application/json')
    assert response.status_code == 200
    assert response.json()['saved'] is True

    module = StudentModule.objects.get(student=demo.verified_learner, module_state_key=control_word)
    assert module.state == {'answer': 'hej'}
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'value="hej"' in page


@pytest.mark.parametrize('block_type,block_id,answer,error', [
    ('exam_numeric', 'final_num_bits', 'many', 'Please enter a number'),
    ('exam_multiple_choice', 'final_mc_cipher', 'AES-XYZ', 'Please choose one of the options'),
    ('exam_short_text', 'final_signature', 'x' * 11, 'too long'),
])
def test_bad_answers_get_a_clear_error_and_change_nothing(client, demo, block_type, block_id, answer, error):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    usage_id = item_id(demo, block_type, block_id)
    response = client.post(handler_url(usage_id), data=json.dumps({'answer': answer}),
                           content_type='application/json')
    assert response.status_code == 400
    assert error in response.json()['error']
    assert not StudentModule.objects.filter(student=demo.verified_learner, module_state_key=usage_id).exists()


def test_items_refuse_answers_before_the_exam_starts_and_after_it_ends(client, demo):
    control_word = item_id(demo, 'exam_short_text', 'final_control_word')
    client.force_login(demo.verified_learner)
    before = client.post(handler_url(control_word), data=json.dumps({'answer': 'early'}),
                         content_type='application/json')
    assert before.status_code == 409

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert submit_exam(client, attempt)['status'] == 'submitted'
    after = client.post(handler_url(control_word), data=json.dumps({'answer': 'late'}),
                        content_type='application/json')
    assert after.status_code == 409
    assert not StudentModule.objects.filter(student=demo.verified_learner, module_state_key=control_word).exists()
    page = client.get(subsection_url(demo, demo.final_exam_id)).content.decode()
    assert 'Your attempt is <strong>submitted</strong>' in page


def test_someone_not_in_the_course_sees_nothing(client, demo, other_course):
    client.force_login(other_course.staff)
    response = client.get(subsection_url(demo, demo.final_exam_id))
    assert response.status_code == 403
    control_word = item_id(demo, 'exam_short_text', 'final_control_word')
    assert client.post(handler_url(control_word), data='{}', content_type='application/json').status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    response = client.get(subsection_url(demo, demo.final_exam_id))
    assert response.status_code == 302
    assert response['Location'].startswith('/login/')


def test_seeding_twice_changes_nothing(demo):
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    from edx_proctoring import api as proctoring_api  # pylint: disable=import-outside-toplevel

    from sandbox.host.models import Block  # pylint: disable=import-outside-toplevel

    blocks = Block.objects.count()
    exams = proctoring_api.get_all_exams_for_course(str(demo.course_key))
    call_command('seed_demo', stdout=StringIO())
    assert Block.objects.count() == blocks
    assert proctoring_api.get_all_exams_for_course(str(demo.course_key)) == exams
