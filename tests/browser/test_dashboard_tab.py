"""
The "Offline delivery & proctoring" tab in Chromium: course staff reach it in the Instructor Dashboard with the
keyboard, set an exam's invigilator password, and the password works from then on.
"""
import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from tests.browser.test_sandbox_pages import log_in

pytestmark = pytest.mark.browser


def test_course_staff_set_the_invigilator_password_in_the_tab(page, live_server, demo, screenshot):
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('link', name='Instructor Dashboard').click()
    course_info = page.get_by_role('tab', name='Course Info')
    expect(course_info).to_have_attribute('aria-selected', 'true')
    course_info.focus()
    page.keyboard.press('ArrowRight')
    tab = page.get_by_role('tab', name='Offline delivery & proctoring')
    expect(tab).to_have_attribute('aria-selected', 'true')
    panel = page.get_by_role('tabpanel', name='Offline delivery & proctoring')
    expect(panel.get_by_role('link', name='Open the Monitor of Final exam (proctored)')).to_be_visible()

    label = 'New password for Practice exam (at least 8 characters)'
    field = panel.get_by_label(label)
    form = panel.locator('form.password-form').filter(has=page.get_by_label(label))
    field.fill('short')
    field.press('Enter')  # the browser holds it back: at least 8 characters
    expect(form.locator('.password-result')).to_have_text('')
    assert not api.check_invigilator_password(demo.course_key, demo.practice_exam_id, 'short')
    field.fill('hall-B-2026!')
    field.press('Enter')
    expect(form.locator('.password-result')).to_contain_text('The new invigilator password is set.')
    expect(field).to_have_value('')
    screenshot(page, 'instructor-dashboard-tab')
    assert api.check_invigilator_password(demo.course_key, demo.practice_exam_id, 'hall-B-2026!')

    page.reload()
    expect(page.get_by_role('tab', name='Offline delivery & proctoring')).to_have_attribute('aria-selected', 'true')
    expect(form.locator('.password-state')).to_contain_text('by course_staff.')
    audit = list(api.list_audit_events(demo.course_key))
    assert audit[0]['kind'] == 'password_changed' and 'hall-B-2026!' not in str(audit)


def test_invigilators_start_from_the_plugins_page(page, live_server, demo):
    log_in(page, live_server.url, 'invigilator')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    expect(page.get_by_role('link', name='Instructor Dashboard')).to_have_count(0)
    page.get_by_role('link', name='Offline delivery & proctoring').click()
    expect(page.get_by_role('heading', name='Offline delivery & proctoring')).to_be_visible()
    expect(page.locator('form.password-form')).to_have_count(0)
    page.get_by_role('link', name='Open the Monitor of Final exam (proctored)').click()
    expect(page.get_by_role('heading', name='Monitor: Final exam (proctored)')).to_be_visible()
