"""
The sandbox host as a learner meets it through the learning MFE: the outline and jump_to lead to the MFE's page of
the subsection; the MFE frames each unit's render_xblock; the learner starts the proctored exam through
edx-proctoring's attempt API, sees the XBlock items, saves answers through their handlers, submits.
"""
import html
from io import StringIO

from django.urls import reverse

from sandbox.host.models import StudentModule
from tests.helpers import start_exam, submit_exam


def unit_url(demo, unit_id):
    """The final exam's unit ``unit_id`` as the learning MFE frames it (render_xblock)."""
    return reverse('host:render-xblock', kwargs={'usage_id': str(demo.course_key.make_usage_key('vertical', unit_id))})


def all_units(client, demo):
    """The final exam's five units, as the learner would open them one after the other, in one text."""
    return ''.join(html.unescape(client.get(unit_url(demo, f'final_part_{part}')).content.decode())
                   for part in 'abcde')


def item_id(demo, block_type, block_id):
    return str(demo.course_key.make_usage_key(block_type, block_id))


def test_landing_page_says_who_is_who(client, demo):
    page = client.get('/').content.decode()
    for username in demo.users:
        assert f'<code>{username}</code>' in page
    assert '<code class="password">edx</code>' in page
    assert 'EXAM101: Digital exams on site' in page


def test_the_outline_and_jump_to_lead_to_the_learning_mfe(client, demo, settings):
    client.force_login(demo.verified_learner)
    mfe_page = f'{settings.LEARNING_MICROFRONTEND_URL}/course/{demo.course_key}/{demo.final_exam_id}'
    assert f'href="{mfe_page}"' in client.get(f'/courses/{demo.course_key}/').content.decode()
    control_word = demo.course_key.make_usage_key('problem', 'final_control_word')
    response = client.get(f'/courses/{demo.course_key}/jump_to/{control_word}')
    assert (response.status_code, response['Location']) == (302, mfe_page)


def test_before_start_the_exam_shows_none_of_its_items(client, demo):
    client.force_login(demo.verified_learner)
    page = client.get(unit_url(demo, 'final_part_a')).content.decode()
    assert 'This content is part of an exam. Start the exam to see it.' in page
    assert 'exam-item' not in page and 'input_final_control_word' not in page


def test_learner_starts_the_proctored_exam_and_sees_the_xblock_items(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert attempt['status'] == 'started'
    assert attempt['taking_as_proctored'] is True

    page = all_units(client, demo)
    # Open edX's capa problems, rendered by the XBlock runtime: wrapped with the block's usage id, type and the JS
    # init function capa names; their inputs as capa names them, in the problem's HTML that capa puts (escaped) in
    # its wrapper's data-content for its script to render: the page is read unescaped.
    assert page.count("data-block-type='problem'") == 9
    assert f"data-usage='{item_id(demo, 'problem', 'final_control_word')}'" in page
    assert "data-init='Problem'" in page
    assert 'name="input_final_control_word_2_1"' in page
    assert 'name="input_final_checkbox_bound_2_1[]"' in page
    assert '<select name="input_final_dropdown_keys_2_1"' in page
    assert 'Type the control word the invigilator gives you' in page
    assert "data-block-type='html'" in page and 'Answer every question.' in page
    assert page.count('class="exam-item exam-item-essay"') == 2
    assert '/xblock/resource/problem/public/js/ProblemBlockDisplay.js' in page
    # The course has offline delivery on: the plugin's candidate page runs in every unit.
    assert page.count('id="offline-delivery"') == 5
    assert f'data-session-url="/offline-delivery/api/v1/attempts/{attempt["id"]}/session/"' in page
    assert 'offline_delivery_plugin/js/candidate.js' in page


def test_the_problems_own_files_are_served_as_the_lms_serves_a_blocks_resources(client, demo):
    response = client.get('/xblock/resource/problem/public/js/ProblemBlockDisplay.js')
    assert response.status_code == 200 and response['Content-Type'] == 'text/javascript'
    assert client.get('/xblock/resource/problem/../capa_block.py').status_code == 404
    assert client.get('/xblock/resource/problem/public/../capa_block.py').status_code == 404
    assert client.get('/xblock/resource/no_such_block/public/x.js').status_code == 404


def test_without_offline_delivery_the_units_are_the_platforms_alone(client, demo):
    demo.course.other_course_settings = {}
    demo.course.save()
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    page = client.get(unit_url(demo, 'final_part_a')).content.decode()
    assert 'input_final_control_word' in page
    assert 'candidate.js' not in page


def problem_call(client, usage_id, dispatch, data):
    """A capa problem's own AJAX call, as its JavaScript posts it (``xmodule_handler/<dispatch>``, form data)."""
    url = reverse('host:xblock-handler', kwargs={'usage_id': usage_id, 'handler': 'xmodule_handler',
                                                 'suffix': dispatch})
    return client.post(url, data=data)


def test_answers_are_saved_through_the_problems_handler_and_rendered_back(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    control_word = item_id(demo, 'problem', 'final_control_word')
    response = problem_call(client, control_word, 'problem_check', {'input_final_control_word_2_1': 'hej'})
    assert response.status_code == 200
    assert response.json()['success'] == 'correct'

    module = StudentModule.objects.get(student=demo.verified_learner, module_state_key=control_word)
    assert module.state['student_answers'] == {'final_control_word_2_1': 'hej'}
    assert (module.grade, module.max_grade) == (1, 1)
    page = html.unescape(client.get(unit_url(demo, 'final_part_a')).content.decode())
    assert 'value="hej"' in page


def test_a_number_capa_cannot_read_gets_its_own_message_and_no_score(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    usage_id = item_id(demo, 'problem', 'final_num_bits')
    response = problem_call(client, usage_id, 'problem_check', {'input_final_num_bits_2_1': 'many'})
    assert response.status_code == 200
    assert 'many' in response.json()['success'] and response.json()['success'] not in ('correct', 'incorrect')
    module = StudentModule.objects.filter(student=demo.verified_learner, module_state_key=usage_id).first()
    assert module is None or module.grade is None


def test_items_refuse_answers_before_the_exam_starts_and_after_it_ends(client, demo):
    control_word = item_id(demo, 'problem', 'final_control_word')
    client.force_login(demo.verified_learner)
    before = problem_call(client, control_word, 'problem_save', {'input_final_control_word_2_1': 'early'})
    assert before.status_code == 409

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert submit_exam(client, attempt)['status'] == 'submitted'
    after = problem_call(client, control_word, 'problem_save', {'input_final_control_word_2_1': 'late'})
    assert after.status_code == 409
    assert not StudentModule.objects.filter(student=demo.verified_learner, module_state_key=control_word).exists()
    assert 'Start the exam to see it' in client.get(unit_url(demo, 'final_part_a')).content.decode()


def test_someone_not_in_the_course_sees_nothing(client, demo, other_course):
    client.force_login(other_course.staff)
    response = client.get(unit_url(demo, 'final_part_a'))
    assert response.status_code in (403, 404)
    control_word = item_id(demo, 'problem', 'final_control_word')
    assert problem_call(client, control_word, 'problem_save', {}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    response = client.get(f'/courses/{demo.course_key}/')
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
