"""
Flow C in Chromium, with two browsers: the candidate saves the delivery file offline; the invigilator uploads it
in the Monitor, sees the same receipt code and checks the control word.
"""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_candidate_offline import CONTROL_WORD, ESSAY, start_final_exam
from tests.browser.test_candidate_resilience import save_file
from tests.browser.test_sandbox_pages import log_in

pytestmark = pytest.mark.browser


def test_invigilator_uploads_the_candidates_file(chromium, live_server, demo, screenshot):
    candidate = chromium.new_context(accept_downloads=True, viewport={'width': 1200, 'height': 900})
    page = candidate.new_page()
    start_final_exam(page, live_server, demo)
    page.get_by_label(CONTROL_WORD).fill('hej')
    page.context.set_offline(True)
    page.get_by_label(ESSAY).fill('written without a network')
    download, receipt = save_file(page)
    file_path = Path(download.path())

    invigilator = chromium.new_context(viewport={'width': 1300, 'height': 900})
    monitor = invigilator.new_page()
    log_in(monitor, live_server.url, 'invigilator')
    monitor.goto(f'{live_server.url}/courses/{demo.course_key}/')
    monitor.get_by_role('link', name='Monitor').first.click()
    expect(monitor.get_by_role('heading', name='Monitor: Final exam (proctored)')).to_be_visible()
    row = monitor.locator('tr[data-user="verified_learner"]')
    expect(row.locator('.state')).to_have_text('Writing')

    row.get_by_label('Upload answers for Vera Verified').set_input_files(file_path)
    expect(row.locator('.upload-ok')).to_contain_text(f'Receipt code {receipt}.', timeout=15000)
    expect(row.locator('.state')).to_have_text('Delivered offline')
    expect(row.locator('.receipt')).to_have_text(receipt)
    screenshot(monitor, 'monitor-after-upload')

    row.get_by_role('button', name='View answers of Vera Verified').click()
    dialog = monitor.get_by_role('dialog', name='Answers of Vera Verified')
    expect(dialog.get_by_role('row', name='Control word')).to_contain_text('hej')
    expect(dialog.get_by_role('row', name='Question 6')).to_contain_text('written without a network')
    screenshot(monitor, 'monitor-answers')
    dialog.get_by_role('button', name='Close').click()

    other = monitor.locator('tr[data-user="verified_learner2"]')
    expect(other.locator('.state')).to_have_text('Not started')
    candidate.close()
    invigilator.close()
