"""
The applier (``offline_delivery_plugin.problems``) on Open edX's real ProblemBlock, one response type at a time:
an accepted delivery file leaves each problem holding, showing and scoring the delivered answer as capa computes
it; an answer a problem will not take is named and kept; staff read the answers as words.
"""
import pytest
from opaque_keys.edx.keys import UsageKey

from offline_delivery_plugin import api
from tests.crypto_helpers import delivery_file
from tests.helpers import COURSE_BLOCK, ESSAY, answer_key, stored_answers


def problem(block_id):
    """The usage id of a problem of the demo course."""
    return f'{COURSE_BLOCK}problem+block@{block_id}'


def learner_block(user, usage_id):
    """The learner's block as the sandbox's runtime loads it afresh (what the learner's next page shows)."""
    # pylint: disable=import-outside-toplevel
    from sandbox.host.models import Course
    from sandbox.host.runtime import SandboxRuntime

    runtime = SandboxRuntime(user, Course.objects.get(course_key=UsageKey.from_string(usage_id).course_key))
    return runtime.get_block(usage_id)


def problem_html(block):
    """The problem as the learner's page shows it: capa's own HTML, which its script renders from the unit's markup."""
    return block.get_problem_html(encapsulate=False)


def stored_grade(user, usage_id):
    """The score the runtime's ``grade`` event stored on the learner's StudentModule, as (earned, possible)."""
    from sandbox.host.models import StudentModule  # pylint: disable=import-outside-toplevel

    module = StudentModule.objects.get(student=user, module_state_key=UsageKey.from_string(usage_id))
    return module.grade, module.max_grade


def deliver(demo, attempt, answers, channel='staff'):
    """An accepted delivery of a file with these answers (a staff upload, or ``self``: the candidate's); the receipt."""
    data = delivery_file(demo.verified_learner, attempt, answers)
    return api.deliver_file(data, attempt['id'], demo.invigilator if channel == 'staff' else None, channel)


# (block id, the value as the page captures it, what capa stores, what the rendered problem shows, correct?)
RESPONSE_TYPES = [
    ('final_term', 'TLS', 'TLS', 'value="TLS"', True),
    ('final_term', 'HTTP', 'HTTP', 'value="HTTP"', False),
    ('final_mc_cipher', 'choice_1', 'choice_1', 'value="choice_1"\n', True),
    ('final_mc_cipher', 'choice_3', 'choice_3', None, False),
    ('final_checkbox_bound', '["choice_0","choice_1"]', ['choice_0', 'choice_1'], None, True),
    ('final_checkbox_bound', '["choice_0"]', ['choice_0'], None, False),
    ('final_dropdown_keys', 'The private key', 'The private key', None, True),
    ('final_num_bits', '256', '256', 'value="256"', True),
    ('final_num_pi', '3.141', '3.141', 'value="3.141"', True),
    ('final_num_pi', '3.5', '3.5', None, False),
    ('final_formula_area', 'pi*r^2', 'pi*r^2', 'value="pi*r^2"', True),
    ('final_formula_area', '2*pi*r', '2*pi*r', None, False),
]


@pytest.mark.parametrize('block_id, captured, stored, shown, correct', RESPONSE_TYPES)
def test_each_response_type_takes_scores_and_shows_the_delivered_answer(demo, attempt, block_id, captured, stored,
                                                                        shown, correct):
    usage_id = problem(block_id)
    field = f'input_{block_id}_2_1' + ('[]' if isinstance(stored, list) else '')  # a checkbox group's name
    receipt = deliver(demo, attempt, {answer_key('problem', block_id, field): captured})
    assert receipt.not_applied == ()
    block = learner_block(demo.verified_learner, usage_id)
    assert block.lcp.student_answers == {f'{block_id}_2_1': stored}
    assert block.done is True, 'submitted, as the candidate handed the file in'
    assert block.attempts == 1
    assert (block.score.raw_earned, block.score.raw_possible) == ((1, 1) if correct else (0, 1))
    assert stored_grade(demo.verified_learner, usage_id) == ((1, 1) if correct else (0, 1))
    html = problem_html(block)
    if shown:
        assert shown.strip() in html
    if isinstance(stored, list):  # every delivered checkbox is checked, the others are not
        for index in range(4):
            tag = html.split(f'value="choice_{index}"')[1].split('>')[0]
            assert ('checked' in tag) == (f'choice_{index}' in stored)


def test_a_self_delivered_file_is_applied_the_same_way(demo, attempt):
    receipt = deliver(demo, attempt, {answer_key('problem', 'final_mc_cipher'): 'choice_1',
                                      answer_key('problem', 'final_num_bits'): '256'}, channel='self')
    assert receipt.not_applied == ()
    for block_id in ('final_mc_cipher', 'final_num_bits'):
        assert learner_block(demo.verified_learner, problem(block_id)).score.raw_earned == 1, block_id


def test_a_selected_option_and_a_chosen_radio_render_as_selected(demo, attempt):
    deliver(demo, attempt, {answer_key('problem', 'final_dropdown_keys'): 'The private key',
                            answer_key('problem', 'final_mc_cipher'): 'choice_1'})
    html = problem_html(learner_block(demo.verified_learner, problem('final_dropdown_keys')))
    assert 'value="The private key" selected' in html.replace('selected="true"', 'selected')
    radio = learner_block(demo.verified_learner, problem('final_mc_cipher'))
    html = problem_html(radio)
    assert 'checked' in html.split('value="choice_1"')[1].split('>')[0]
    assert 'checked' not in html.split('value="choice_0"')[1].split('>')[0]


def test_an_answer_capa_cannot_grade_is_saved_named_and_kept(demo, attempt):
    key = answer_key('problem', 'final_num_pi')
    receipt = deliver(demo, attempt, {key: 'about three', answer_key('problem', 'final_num_bits'): '256'})
    (usage_id, message), = receipt.not_applied
    assert usage_id == problem('final_num_pi')
    assert message.startswith('Saved, not graded: ') and 'about' in message
    block = learner_block(demo.verified_learner, problem('final_num_pi'))
    assert block.lcp.student_answers == {'final_num_pi_2_1': 'about three'}, 'the learner sees what they wrote'
    assert block.done is False
    assert learner_block(demo.verified_learner, problem('final_num_bits')).score.raw_earned == 1
    assert stored_answers(attempt)[key] == 'about three'


def test_a_closed_problem_keeps_its_state_and_the_answer_is_named(demo, attempt):
    from sandbox.host.models import Block  # pylint: disable=import-outside-toplevel

    block = Block.objects.get(usage_key=UsageKey.from_string(problem('final_term')))
    block.fields = {**block.fields, 'max_attempts': 1}
    block.save()
    first = learner_block(demo.verified_learner, problem('final_term'))
    first.submit_problem(_multidict({'input_final_term_2_1': 'SSL'}))
    first.save()

    receipt = deliver(demo, attempt, {answer_key('problem', 'final_term'): 'TLS'})
    assert receipt.not_applied == ((problem('final_term'), 'Problem is closed.'),)
    after = learner_block(demo.verified_learner, problem('final_term'))
    assert after.lcp.student_answers == {'final_term_2_1': 'SSL'}
    assert after.attempts == 1


def test_an_answer_the_problem_already_holds_submitted_is_not_submitted_again(demo, attempt):
    first = learner_block(demo.verified_learner, problem('final_term'))
    first.submit_problem(_multidict({'input_final_term_2_1': 'TLS'}))
    first.save()
    receipt = deliver(demo, attempt, {answer_key('problem', 'final_term'): 'TLS'})
    assert receipt.not_applied == ()
    assert learner_block(demo.verified_learner, problem('final_term')).attempts == 1


def test_an_unanswered_problem_keeps_its_state(demo, attempt):
    receipt = deliver(demo, attempt, {answer_key('problem', 'final_term'): '',
                                      answer_key('problem', 'final_checkbox_bound', 'input_final_checkbox_bound_2_1[]'):
                                      '[]'})
    assert receipt.not_applied == ()
    assert learner_block(demo.verified_learner, problem('final_term')).attempts == 0


@pytest.mark.parametrize('field, value, message', [
    ('input_someone_elses_2_1', 'TLS',
     'The answer names a field this problem does not have (input_someone_elses_2_1).'),
    ('answer', 'TLS', 'The answer names a field this problem does not have (answer).'),
    ('input_final_term_2_1[]', 'not a list', 'The answer to input_final_term_2_1[] is not a list of choices.'),
])
def test_fields_the_problem_does_not_render_are_named_and_change_nothing(demo, attempt, field, value, message):
    receipt = deliver(demo, attempt, {answer_key('problem', 'final_term', field): value})
    assert receipt.not_applied == ((problem('final_term'), message),)
    assert learner_block(demo.verified_learner, problem('final_term')).attempts == 0


def test_a_file_of_an_earlier_version_names_a_single_field_by_its_item(demo, attempt):
    # Before the page named every field, an item with one field was keyed by the item alone.
    receipt = deliver(demo, attempt, {problem('final_num_bits'): '256',
                                      problem('final_checkbox_bound'): '["choice_0","choice_1"]'})
    assert receipt.not_applied == ()
    assert learner_block(demo.verified_learner, problem('final_num_bits')).score.raw_earned == 1
    assert learner_block(demo.verified_learner, problem('final_checkbox_bound')).lcp.student_answers == {
        'final_checkbox_bound_2_1': ['choice_0', 'choice_1']}


def test_the_essay_takes_its_answer_through_the_plugins_protocol(demo, attempt):
    receipt = deliver(demo, attempt, {ESSAY: 'offline text'})
    assert receipt.not_applied == ()
    assert learner_block(demo.verified_learner, ESSAY.partition('#')[0]).answer == 'offline text'


def test_an_essay_too_long_for_the_block_is_named_and_kept(demo, attempt):
    receipt = deliver(demo, attempt, {ESSAY: 'x' * 20_001})
    assert receipt.not_applied == ((ESSAY.partition('#')[0], 'The answer is too long (at most 20000 characters).'),)
    assert learner_block(demo.verified_learner, ESSAY.partition('#')[0]).answer == ''
    assert stored_answers(attempt)[ESSAY] == 'x' * 20_001


def test_an_item_the_course_no_longer_has_is_named_and_kept(demo, attempt):
    gone = f'{COURSE_BLOCK}problem+block@removed_after_the_exam'
    receipt = deliver(demo, attempt, {answer_key('problem', 'final_num_bits'): '256',
                                      f'{gone}#input_removed_after_the_exam_2_1': 'still mine'})
    assert receipt.not_applied == ((gone, 'This item is no longer in the course, or the candidate may no longer '
                                          'see it.'),)
    assert stored_answers(attempt)[f'{gone}#input_removed_after_the_exam_2_1'] == 'still mine'


def test_the_uploader_is_not_the_one_who_answered(demo, attempt):
    from sandbox.host.models import StudentModule  # pylint: disable=import-outside-toplevel

    deliver(demo, attempt, {answer_key('problem', 'final_num_bits'): '256'})
    assert not StudentModule.objects.filter(student=demo.invigilator).exists()


def test_the_blocks_events_reach_the_track_function(demo, attempt, caplog):
    caplog.set_level('INFO', logger='sandbox.host.runtime')
    deliver(demo, attempt, {answer_key('problem', 'final_num_bits'): '256',
                            answer_key('problem', 'final_num_pi'): 'about three'})
    events = [record.getMessage().split(':')[0] for record in caplog.records]
    assert events.count('Tracking event problem_check') == 1, 'the graded submit'
    assert 'Tracking event save_problem_success' in events, 'the answer capa could not grade, saved'
    assert 'Tracking event grade' not in events, 'a grade is stored, not tracked (the LMS publishes it as a score)'


def test_staff_read_the_answers_as_words(demo, attempt):
    deliver(demo, attempt, {
        answer_key('problem', 'final_mc_cipher'): 'choice_1',
        answer_key('problem', 'final_checkbox_bound', 'input_final_checkbox_bound_2_1[]'): '["choice_0","choice_1"]',
        answer_key('problem', 'final_num_bits'): '256',
        answer_key('problem', 'final_dropdown_keys'): 'option_final_dropdown_keys_2_1_dummy_default',
        ESSAY: 'offline text',
    })
    rows = {row.item_id: row for row in api.get_attempt_answers(demo.course_key, demo.final_exam_id, attempt['id'])}
    choice = rows[answer_key('problem', 'final_mc_cipher')]
    assert (choice.display_name, choice.value, choice.value_text) == ('Question 2', 'choice_1', 'AES-GCM')
    assert choice.question == 'Which of these is an authenticated encryption mode?'
    boxes = rows[answer_key('problem', 'final_checkbox_bound', 'input_final_checkbox_bound_2_1[]')]
    assert boxes.value_text == 'The course, The attempt code'
    assert rows[answer_key('problem', 'final_num_bits')].value_text == '256'
    untouched = rows[answer_key('problem', 'final_dropdown_keys')]
    assert (untouched.value_text, untouched.changed_offline) == ('', False), 'Select an option is no answer'
    essay = rows[ESSAY]
    assert (essay.display_name, essay.value, essay.value_text, essay.question) == (
        'Question 8', 'offline text', '', '')


def _multidict(values):
    from webob.multidict import MultiDict  # pylint: disable=import-outside-toplevel

    return MultiDict(values)
