"""
Accessibility (issue 9, item 3): the candidate page (in a unit of the learning MFE), the Monitor, the course page
and the Instructor Dashboard tab pass axe-core (from the npm registry, pinned in package.json, run inside Chromium)
with no serious or critical violation, in the states people meet them in: writing, the connection lost, the
password dialog open, a file uploaded, answers viewed. The connection-lost message and the timer warnings are live
regions.
"""
import pytest
from playwright.sync_api import expect

from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    ESSAY,
    go_offline,
    install_clock,
    log_in,
    open_final_exam,
    serious_violations,
    started_attempt,
)

pytestmark = pytest.mark.browser


def test_the_candidate_page(page, live_server, mfe, hall_network, demo):
    install_clock(page)
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    assert serious_violations(unit) == []
    go_offline(page, hall_network)
    unit.get_by_label(ESSAY).fill('offline')
    page.clock.run_for(70000)
    lost = unit.locator('.od-lost')
    expect(lost).to_be_visible()
    expect(lost).to_have_attribute('role', 'alert')  # announced by screen readers as it appears
    expect(unit.locator('.od-status')).to_have_attribute('aria-live', 'polite')
    assert serious_violations(unit) == []
    unit.get_by_role('button', name='Menu').click()
    unit.get_by_role('menuitem', name='Save delivery as file').click()
    expect(unit.get_by_label('Invigilator password')).to_be_focused()
    assert serious_violations(unit) == []


def test_the_monitor_and_the_course_page(page, live_server, demo):
    log_in(page, live_server.url, 'invigilator')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    assert serious_violations(page) == []
    page.get_by_role('link', name='Monitor').first.click()
    expect(page.get_by_role('heading', name='Monitor: Final exam (proctored)')).to_be_visible()
    assert serious_violations(page) == []


def test_the_instructor_dashboard_tab(page, live_server, demo):
    log_in(page, live_server.url, 'course_staff')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('link', name='Instructor Dashboard').click()
    expect(page.locator('.idash-tabs[data-ready="true"]')).to_have_count(1)
    page.get_by_role('tab', name='Offline delivery & proctoring').click()
    panel = page.get_by_role('tabpanel', name='Offline delivery & proctoring')
    expect(panel).to_be_visible()
    assert serious_violations(page, '[role="tabpanel"]:not([hidden])') == []
    page.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/')
    assert serious_violations(page) == []


def test_the_check_itself_sees_violations(page):
    """The checker is live: a page with an unnamed button and an image without text fails it."""
    page.set_content('<html lang="en"><title>t</title><main><button></button><img src="x.png"></main></html>')
    found = serious_violations(page)
    assert any(line.startswith('button-name') for line in found), found
    assert any(line.startswith('image-alt') for line in found), found


def test_the_candidate_saves_a_delivery_file_with_the_keyboard_alone(page, live_server, mfe, demo):
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    unit.get_by_label(ESSAY).focus()
    page.keyboard.type('typed without a mouse')
    menu = unit.get_by_role('button', name='Menu')
    menu.focus()
    page.keyboard.press('Enter')
    expect(unit.get_by_role('menuitem', name='Save delivery as file')).to_be_focused()
    page.keyboard.press('Escape')
    expect(menu).to_be_focused()  # Escape closes the menu and gives the focus back
    page.keyboard.press('Enter')
    page.keyboard.press('Enter')
    expect(unit.get_by_label('Invigilator password')).to_be_focused()
    page.keyboard.type(INVIGILATOR_PASSWORD)
    with page.expect_download(timeout=30000):
        page.keyboard.press('Enter')
    ok = unit.get_by_role('button', name='OK')
    expect(ok).to_be_focused()
    page.keyboard.press('Enter')
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_be_hidden()


def test_the_invigilator_uses_the_monitor_with_the_keyboard_alone(page, live_server, demo):
    started_attempt(demo)  # Vera is writing
    log_in(page, live_server.url, 'invigilator')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/')
    page.get_by_role('link', name='Monitor').first.focus()
    page.keyboard.press('Enter')
    view = page.get_by_role('button', name='View answers of Vera Verified')
    view.focus()
    page.keyboard.press('Enter')
    dialog = page.get_by_role('dialog', name='Answers of Vera Verified')
    expect(dialog.get_by_role('button', name='Close')).to_be_focused()
    page.keyboard.press('Escape')
    expect(dialog).to_be_hidden()
    expect(view).to_be_focused()  # back where the invigilator was
