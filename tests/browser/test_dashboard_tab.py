"""
The "Offline delivery & proctoring" tab in Chromium: course staff reach it in the Instructor Dashboard with the
keyboard, set an exam's invigilator password, and the password works from then on.
"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from tests.browser.helpers import install_clock, log_in

pytestmark = pytest.mark.browser


def test_course_staff_set_the_invigilator_password_in_the_tab(page, live_server, demo, screenshot):
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('link', name='Instructor Dashboard').click()
    expect(page.locator('.idash-tabs[data-ready="true"]')).to_have_count(1)  # the tabs answer the keyboard
    course_info = page.get_by_role('tab', name='Course Info')
    expect(course_info).to_have_attribute('aria-selected', 'true')
    course_info.focus()
    page.keyboard.press('ArrowRight')
    tab = page.get_by_role('tab', name='Offline delivery & proctoring')
    expect(tab).to_have_attribute('aria-selected', 'true')
    panel = page.get_by_role('tabpanel', name='Offline delivery & proctoring')
    expect(panel.get_by_role('link', name='Open the Monitor of Final exam (proctored)')).to_be_visible()
    # The tab's module has attached its forms (until then they are disabled: nothing is sent, no password lands in
    # a URL); a key press, unlike a click, does not wait for that.
    expect(panel.locator('#offline-delivery-dashboard')).to_have_attribute('data-ready', 'true')

    label = 'New password for Practice exam'
    field = panel.get_by_label(label)
    form = panel.locator('form.password-form').filter(has=page.get_by_label(label))
    field.fill('short')
    field.press('Enter')  # the browser holds it back: at least 8 characters
    expect(form.locator('.password-result')).to_have_text('')
    assert not api.check_invigilator_password(demo.course_key, demo.practice_exam_id, 'short')
    field.fill('tentavakt')  # a dictionary word: a candidate holding the page's verifier guesses it at once
    field.press('Enter')
    expect(form.locator('.password-result')).to_contain_text('too easy to guess')
    assert not api.check_invigilator_password(demo.course_key, demo.practice_exam_id, 'tentavakt')
    form.get_by_role('button', name='Suggest a strong password').click()
    suggested = field.input_value()
    assert re.fullmatch(r'([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}', suggested)
    expect(field).to_have_attribute('type', 'text')  # shown, to be written down
    field.press('Enter')
    expect(form.locator('.password-result')).to_contain_text('The new invigilator password is set.')
    expect(field).to_have_value('')
    expect(field).to_have_attribute('type', 'password')
    screenshot(page, 'instructor-dashboard-tab')
    assert api.check_invigilator_password(demo.course_key, demo.practice_exam_id, suggested)

    page.reload()
    expect(page.get_by_role('tab', name='Offline delivery & proctoring')).to_have_attribute('aria-selected', 'true')
    expect(form.locator('.password-state')).to_contain_text('by course_staff.')
    audit = list(api.list_audit_events(demo.course_key))
    assert audit[0]['kind'] == 'password_changed' and suggested not in str(audit)


def test_invigilators_start_from_the_plugins_page(page, live_server, demo):
    log_in(page, live_server.url, 'invigilator')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    expect(page.get_by_role('link', name='Instructor Dashboard')).to_have_count(0)
    page.get_by_role('link', name='Offline delivery & proctoring').click()
    expect(page.get_by_role('heading', name='Offline delivery & proctoring')).to_be_visible()
    expect(page.locator('form.password-form')).to_have_count(0)
    page.get_by_role('link', name='Open the Monitor of Final exam (proctored)').click()
    expect(page.get_by_role('heading', name='Monitor: Final exam (proctored)')).to_be_visible()


def test_a_learner_asks_for_time_and_course_staff_approve_it_in_the_tab(chromium, live_server, mfe, demo, screenshot):
    learner = chromium.new_context(viewport={'width': 1200, 'height': 900})
    page = learner.new_page()
    log_in(page, live_server.url, 'verified_learner')
    exam_url = f'{mfe}/course/{demo.course_key}/{demo.final_exam_id}'
    page.goto(exam_url)
    # The plugin's line in the MFE's breadcrumbs slot, above the library's entrance screen.
    info = page.frame_locator('#offline-delivery-exam-file')
    expect(info.locator('.od-exam-info').first).to_contain_text('Your time for this exam: 1 hour', timeout=20000)
    info.get_by_role('link', name="The exam's rules, your requests and your result").click()
    page.get_by_label('Extra minutes you need').fill('15')
    page.get_by_label('Why, and what you need').fill('Disability Services recommend 25 % more time.')
    page.get_by_role('button', name='Send the request').click()
    expect(page.get_by_role('status')).to_contain_text('Your request was sent to the course team.')
    # The learner's own requests show what they asked for and why (the form had no minutes, the list no reason).
    mine = page.get_by_role('region', name='Your requests')
    expect(mine).to_contain_text('15 extra minutes asked for.')
    expect(mine).to_contain_text('Disability Services recommend 25 % more time.')
    page.goto(exam_url)
    info = page.frame_locator('#offline-delivery-exam-file')
    expect(info.get_by_role('alert')).to_contain_text('you cannot start this exam until the course team has answered',
                                                      timeout=20000)

    staff = chromium.new_context(viewport={'width': 1300, 'height': 1000})
    dashboard = staff.new_page()
    log_in(dashboard, live_server.url, 'course_staff')
    dashboard.goto(f'{live_server.url}/courses/{demo.course_key}/instructor/#view-offline_delivery')
    form = dashboard.get_by_role('form', name='Vera Verified asks for additional time in Final exam (proctored)')
    expect(form).to_contain_text('Disability Services recommend 25 % more time.')
    expect(form).to_contain_text('Asks for 15 extra minutes.')
    expect(form.get_by_label('Extra minutes')).to_have_value('15')  # what was asked for, for staff to decide
    form.get_by_label('Note to the learner (optional)').fill('Approved per the DS letter.')
    screenshot(dashboard, 'instructor-dashboard-requests')
    form.get_by_role('button', name='Approve').click()
    expect(form.locator('.decision-result')).to_have_text(
        "Approved. 15 extra minutes The learner's time is now 1 hour and 15 minutes.")

    page.goto(exam_url)
    info = page.frame_locator('#offline-delivery-exam-file')
    expect(info.locator('.od-exam-info').first).to_contain_text('Your time for this exam: 1 hour and 15 minutes',
                                                                timeout=20000)
    expect(info.get_by_role('alert')).to_have_count(0)
    # The library starts the exam with the learner's own time (its setup screen, then the hall's check-in).
    page.get_by_role('button', name='Continue to my proctored exam.').click()
    expect(page.get_by_text('Set up and start your proctored exam.')).to_be_visible()
    learner.close()
    staff.close()


def test_a_retake_is_approved_only_after_the_warning_is_confirmed(page, live_server, demo, client):
    from tests.helpers import start_exam, submit_exam  # pylint: disable=import-outside-toplevel

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, attempt)
    api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'retake',
                            'The proctoring software crashed.')
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/instructor/#view-offline_delivery')
    form = page.get_by_role('form', name='Vera Verified asks for a retake of Final exam (proctored)')
    expect(form.locator('.warning')).to_contain_text('all its answers are deleted')
    form.get_by_role('button', name='Approve').click()
    expect(form.locator('.decision-result')).to_contain_text('confirm it to approve the retake')
    from edx_proctoring import api as proctoring_api  # pylint: disable=import-outside-toplevel

    assert proctoring_api.get_exam_attempt_by_id(attempt['id']) is not None
    form.get_by_label('I understand that all answers of this attempt are deleted.').check()
    form.get_by_role('button', name='Approve').click()
    expect(form.locator('.decision-result')).to_contain_text('Approved.')
    assert proctoring_api.get_exam_attempt_by_id(attempt['id']) is None


def test_allowances_from_a_csv_file_in_the_tab(page, live_server, demo, tmp_path):
    csv = tmp_path / 'allowances.csv'
    csv.write_text('user,exam,type,value\nverified_learner,Final exam (proctored),additional_time,10\n'
                   'nobody,Final exam (proctored),additional_time,10\n')
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/instructor/#view-offline_delivery')
    page.get_by_label('CSV file', exact=True).set_input_files(str(csv))
    results = page.locator('.csv-results li')
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_have_text('Line 2: 10 extra minutes for verified_learner in "Final exam (proctored)".')
    expect(results.nth(1)).to_contain_text('Line 3: "nobody" is not a learner enrolled')


@pytest.mark.usefixtures('eager_celery')
def test_the_results_report_is_generated_downloaded_and_its_links_go_stale(page, live_server, demo, screenshot):
    install_clock(page)
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/instructor/#view-offline_delivery')
    reports = page.get_by_role('region', name='Proctored exam results report')
    expect(reports.locator('.report-list')).to_have_text('No report yet.')
    reports.get_by_role('button', name='Generate Proctored Exam Results Report').click()
    link = reports.get_by_role('link', name=re.compile(r'^SandboxU_EXAM101_2026_proctored_exam_results_report_'))
    expect(link).to_be_visible(timeout=15000)
    expect(reports.locator('.report-tasks')).to_have_text('None.')
    # Once its link is there, the report is no longer said to be "being generated".
    expect(reports.get_by_role('status')).to_have_text('The report is ready: download it below.')
    screenshot(page, 'instructor-dashboard-report')
    with page.expect_download() as download_info:
        link.click()
    assert Path(download_info.value.path()).read_text().startswith('user_email,exam_name,attempt_code')
    page.clock.run_for(301_000)
    expect(reports.locator('.report-stale')).to_contain_text('link expired: reload the page for a new one')
    expect(link).to_have_count(0)
    expect(reports.get_by_role('status')).to_have_text('')


def test_course_staff_give_an_invigilator_the_role_and_take_it_back_on_the_course_page(
        page, live_server, demo, screenshot):
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('navigation', name='Course tabs').get_by_role('link', name='Offline delivery & proctoring').click()
    expect(page.locator('#offline-delivery-dashboard')).to_have_attribute('data-ready', 'true')
    expect(page.get_by_role('region', name="The course's offline delivery settings")).to_contain_text('On: candidates')
    section = page.get_by_role('region', name='Invigilators')
    section.get_by_label('Username or email').fill('nobody-here')
    section.get_by_role('button', name='Give the role').click()
    expect(section.locator('.hall-role-result')).to_have_text('There is no account nobody-here.')
    section.get_by_label('Username or email').fill(demo.verified_learner2.email)
    section.get_by_label('Role').select_option(label='Chief invigilator')
    section.get_by_label('Username or email').press('Enter')
    expect(section.locator('.hall-role-result')).to_contain_text('is now Chief invigilator.')
    row = section.get_by_role('row').filter(has_text='verified_learner2')
    expect(row).to_contain_text('Chief invigilator')
    expect(section.get_by_label('Username or email')).to_have_value('')
    screenshot(page, 'course-page-invigilators')
    assert ('chief_invigilator', 'verified_learner2') in [
        (holder.role, holder.username) for holder in api.list_hall_roles(demo.course_key)]
    row.get_by_role('button', name='Remove verified_learner2 as Chief invigilator').click()
    expect(section.locator('.hall-role-result')).to_have_text('verified_learner2 no longer has that role.')
    expect(section.get_by_role('row').filter(has_text='verified_learner2')).to_have_count(0)
    kinds = [(event['kind'], event['outcome']) for event in api.list_audit_events(demo.course_key)][:3]
    assert kinds == [('hall_role', 'ok'), ('hall_role', 'ok'), ('hall_role', 'refused')]


def test_course_staff_make_an_exam_require_safe_exam_browser_on_the_course_page(page, live_server, demo, screenshot):
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/')
    expect(page.locator('#offline-delivery-dashboard')).to_have_attribute('data-ready', 'true')
    page.get_by_role('region', name='Safe Exam Browser').get_by_text('Final exam (proctored) · any browser').click()
    form = page.get_by_role('form', name='Final exam (proctored)')
    expect(form.locator('.seb-links')).to_be_hidden()
    form.get_by_label('Require Safe Exam Browser').check()
    form.get_by_label('Browser Exam Keys also accepted').fill('not a key')
    form.get_by_role('button', name='Save the Safe Exam Browser settings').click()
    expect(form.locator('.seb-result')).to_contain_text('Browser Exam Keys are 64 hexadecimal characters')
    assert not api.requires_safe_exam_browser(demo.course_key, demo.final_exam_id)  # nothing stored
    form.get_by_label('Browser Exam Keys also accepted').fill('')
    form.get_by_label('Quit password').fill('quit-the-hall')
    form.get_by_label('Folder for the delivery file on Windows').fill('C:\\Exams\\Delivery')
    form.get_by_label('Other sites SEB may open').fill('login.example.org')
    form.get_by_role('button', name='Save the Safe Exam Browser settings').click()
    expect(form.locator('.seb-result')).to_contain_text('Candidates need Safe Exam Browser')
    exam = api.get_safe_exam_browser_exam(demo.course_key, demo.final_exam_id)
    expect(form.locator('.seb-config-key')).to_have_text(exam.config_key)
    expect(form.locator('.seb-quit-state')).to_have_text('A quit password is set.')
    expect(form.get_by_role('link', name='Download the .seb file')).to_have_attribute('href', exam.config_url)
    assert exam.required and exam.quit_password_set and exam.allowed_sites == ('login.example.org',)
    screenshot(page, 'course-page-safe-exam-browser', page.get_by_role('region', name='Safe Exam Browser'))
