"""
On-site invigilation in Chromium: the invigilator checks candidates in (in the Monitor, or with the password on the
candidate's check-in page, which frontend-lib-special-exams' *Start System Check* opens), and the chief invigilator
records the hall's result, which becomes edx-proctoring's review of the attempt.

The learner's own requests go to edx-proctoring's REST API as the library sends them (tests/helpers.py).
"""
import pytest
from django.test import Client
from django.urls import reverse
from edx_proctoring import api as proctoring_api
from playwright.sync_api import expect

from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import log_in
from tests.helpers import create_onsite_attempt, start_attempt, submit_exam

pytestmark = pytest.mark.browser


def test_the_hall_checks_candidates_in_and_records_their_result(chromium, live_server, demo, screenshot):
    learner = Client()
    vera = create_onsite_attempt(learner, demo)
    other = create_onsite_attempt(Client(), demo, user=demo.verified_learner2)

    invigilator = chromium.new_context(viewport={'width': 1300, 'height': 900})
    monitor = invigilator.new_page()
    log_in(monitor, live_server.url, 'invigilator')
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    row = monitor.locator('tr[data-user="verified_learner"]')
    expect(row.locator('.state')).to_have_text('Waiting for check-in')
    expect(row.locator('.upload-input')).to_have_count(0)
    screenshot(monitor, 'monitor-check-in')
    row.get_by_role('button', name='Check in Vera Verified').click()
    expect(row.locator('.state')).to_have_text('Checked in')
    expect(row.locator('.upload-ok')).to_contain_text('Checked in: the candidate can select Start Exam.')
    assert proctoring_api.get_exam_attempt_by_id(vera['id'])['status'] == 'ready_to_start'
    # An invigilator checks candidates in; the hall's result is the chief invigilator's.
    submit_exam(learner, start_attempt(learner, vera))
    expect(row.locator('.state')).to_have_text('Submitted online', timeout=10000)
    expect(row.get_by_role('button', name="Record the hall's result: Vera Verified")).to_have_count(0)

    # The other candidate is checked in on their own screen: the invigilator types the password there.
    candidate = chromium.new_context(viewport={'width': 1200, 'height': 900})
    check_in = candidate.new_page()
    log_in(check_in, live_server.url, 'verified_learner2')
    check_in.goto(live_server.url + reverse('offline_delivery_plugin:check-in', kwargs={'attempt_id': other['id']}))
    expect(check_in.get_by_role('heading', name='Final exam (proctored): check-in')).to_be_visible()
    check_in.get_by_label('Invigilator password').fill('not it')
    check_in.get_by_role('button', name='Confirm the candidate').click()
    expect(check_in.get_by_role('alert')).to_have_text('Wrong invigilator password.')
    check_in.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    screenshot(check_in, 'check-in-page')
    check_in.get_by_role('button', name='Confirm the candidate').click()
    expect(check_in.get_by_role('status')).to_have_text('You are checked in.')
    expect(check_in.get_by_role('link', name='Back to the exam').first).to_be_visible()
    expect(monitor.locator('tr[data-user="verified_learner2"] .state')).to_have_text('Checked in', timeout=10000)

    chief = chromium.new_context(viewport={'width': 1300, 'height': 900})
    page = chief.new_page()
    log_in(page, live_server.url, 'chief_invigilator')
    page.goto(monitor.url)
    row = page.locator('tr[data-user="verified_learner"]')
    row.get_by_role('button', name="Record the hall's result: Vera Verified").click()
    dialog = page.get_by_role('dialog', name="The hall's result: Vera Verified")
    dialog.get_by_label('Unsatisfactory: an incident that voids the exam').check()
    dialog.get_by_role('button', name='Record the result').click()
    expect(dialog.get_by_role('alert')).to_have_text('Say what happened: an incident needs a note.')
    dialog.get_by_label('An incident for the course team to judge (second review)').check()
    dialog.get_by_label('What happened').fill('Left the hall for ten minutes, escorted.')
    screenshot(page, 'monitor-hall-result', dialog)
    dialog.get_by_role('button', name='Record the result').click()
    expect(row.locator('.state')).to_have_text('Submitted online · Second review')
    assert proctoring_api.get_exam_attempt_by_id(vera['id'])['status'] == 'second_review_required'
    for context in (invigilator, candidate, chief):
        context.close()
