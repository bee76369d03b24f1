"""
The sandbox in real Chromium: the landing page and its reset, the outline leading to the exam in the learning MFE
(the sandbox's shell), answers through the XBlocks, and the plugin's pages as pages of the site.
"""
import re

import pytest
from django.test import Client
from edx_proctoring.models import ProctoredExamStudentAttempt
from playwright.sync_api import expect

from sandbox.host.demo import DEMO_USERS
from sandbox.host.models import StudentModule
from tests.browser.helpers import go_to_unit, log_in, open_final_exam, server_answers, started_attempt, wait_until_sent
from tests.helpers import start_exam

pytestmark = pytest.mark.browser


def test_landing_page(page, live_server, demo, screenshot):
    page.goto(live_server.url)
    expect(page.get_by_role('heading', name='Offline delivery sandbox')).to_be_visible()
    expect(page.get_by_text(f'The demo has {len(DEMO_USERS)} users:')).to_be_visible()
    expect(page.locator('table.users tbody tr td:first-child')).to_have_text(
        [demo_user.username for demo_user in DEMO_USERS])
    expect(page.get_by_role('button', name='Reset the demo course')).to_have_count(0)
    screenshot(page, 'sandbox-landing')


def test_course_staff_reset_the_demo_course_once_they_confirm(page, live_server, demo):
    start_exam(Client(), demo.verified_learner, demo.course_key, demo.final_exam_id)
    log_in(page, live_server.url, 'course_staff')
    page.goto(live_server.url)
    reset = page.get_by_role('button', name='Reset the demo course')
    reset.click()  # not confirmed: the browser keeps the form (the box is required)
    expect(page.get_by_role('status')).to_have_count(0)
    assert ProctoredExamStudentAttempt.objects.filter(user=demo.verified_learner).exists()
    page.get_by_label('I understand that everything done in the demo course is deleted.').check()
    reset.click()
    expect(page.get_by_role('status')).to_have_text('The demo course is back to its first state.')
    expect(page.get_by_text('Signed in as course_staff')).to_be_visible()  # the reset signs nobody out
    assert not ProctoredExamStudentAttempt.objects.filter(user=demo.verified_learner).exists()


def test_the_outline_leads_to_the_exam_in_the_mfe_where_answers_are_saved(page, live_server, mfe, demo, screenshot):
    started_attempt(demo)
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('link', name='Final exam (proctored)').click()
    unit = page.frame_locator('#unit-iframe')
    # Open edX's capa problems, as the runtime renders them, one unit at a time.
    expect(unit.locator(".xblock-v1[data-block-type='problem']")).to_have_count(2, timeout=30000)
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    control_word = unit.get_by_label('Type the control word the invigilator gives you')
    control_word.fill('hej')
    unit = go_to_unit(page, 2)
    unit.get_by_label('AES-GCM').check()
    unit.get_by_label('The attempt code').check()
    unit.get_by_label('Which key may never leave the server?').select_option('The private key')
    screenshot(page, 'sandbox-exam-in-progress')
    wait_until_sent(unit)
    assert server_answers(demo.verified_learner, demo) == {
        'final_control_word': 'hej', 'final_mc_cipher': 'choice_1', 'final_checkbox_bound': '["choice_1"]',
        'final_dropdown_keys': 'The private key'}

    page.reload()
    unit = go_to_unit(page, 2)
    expect(unit.get_by_label('The attempt code')).to_be_checked()  # restored from this device's copy
    expect(unit.get_by_label('AES-GCM')).to_be_checked()
    expect(unit.get_by_label('Which key may never leave the server?')).to_have_value('The private key')
    unit = go_to_unit(page, 1)
    expect(unit.get_by_label('Type the control word the invigilator gives you')).to_have_value('hej')


def test_a_problems_own_submit_grades_it_through_capas_script(page, live_server, mfe, demo, screenshot):
    """capa's own script runs in the unit, as in the LMS: Submit posts ``problem_check`` and shows the result,
    the problem re-renders, and the plugin's copy of the answer is still what the learner chose."""
    open_final_exam(page, live_server, mfe, demo, unit=2)
    unit = page.frame_locator('#unit-iframe')
    question = unit.locator("[data-usage$='block@final_mc_cipher']")
    question.get_by_label('AES-GCM').check()
    question.get_by_role('button', name='Submit').click()
    expect(question.locator('.notification.success')).to_contain_text('Correct (1/1 point)')
    expect(question.get_by_label('AES-GCM')).to_be_checked()
    screenshot(page, 'sandbox-problem-submitted')
    module = StudentModule.objects.get(student=demo.verified_learner,
                                       module_state_key=demo.course_key.make_usage_key('problem', 'final_mc_cipher'))
    assert (module.grade, module.max_grade) == (1, 1)
    assert module.state['student_answers'] == {'final_mc_cipher_2_1': 'choice_1'}
    wait_until_sent(unit)
    assert server_answers(demo.verified_learner, demo) == {'final_mc_cipher': 'choice_1'}


@pytest.mark.parametrize('username,path', [
    ('invigilator', 'offline-delivery/courses/{course}/exams/{exam}/monitor/'),
    ('verified_learner', 'offline-delivery/courses/{course}/exams/{exam}/requests/'),
    ('course_staff', 'offline-delivery/courses/{course}/'),
    ('course_staff', 'offline-delivery/courses/{course}/audit/'),
])
def test_the_plugins_pages_are_pages_of_the_site(page, live_server, demo, username, path):
    """The plugin's pages extend the site's own page (the LMS's main_django.html; the sandbox's stand-in here):
    who is signed in, a way to sign out, and a way back to the course (they had none)."""
    log_in(page, live_server.url, username)
    page.goto(f'{live_server.url}/' + path.format(course=demo.course_key, exam=demo.final_exam_id))
    header = page.locator('header.site-header')
    expect(header).to_contain_text(f'Signed in as {username}')
    expect(header.get_by_role('button', name='Sign out')).to_be_visible()
    expect(page.locator('body')).to_have_class(re.compile(r'\bview-offline-delivery\b'))
    links = page.get_by_role('navigation', name='Course').get_by_role('link')
    if username == 'verified_learner':  # a learner is not offered the staff's page
        expect(links.filter(has_text='Offline delivery & proctoring')).to_have_count(0)
    links.filter(has_text='Back to the course').click()
    expect(page.get_by_role('heading', level=1)).to_contain_text('EXAM101: Digital exams on site')
