"""
Offline in the learning MFE: the sandbox's MFE shell with the real @edx/frontend-lib-special-exams, each unit of the
five-unit final exam in its own iframe of the LMS's render_xblock.

When the attempt starts, the candidate page keeps every unit of the exam (and what each loads) and the exam-file
page; with the network down the candidate moves between units and keeps writing. When the time runs out offline,
the library replaces the sequence (and the unit's iframe) with its own screen; the exam-file page in the
``course_breadcrumbs`` slot (the Tutor plugin's widget, in the shell's env.config.jsx) then offers the file with
every answer from every unit, and the Monitor accepts it.
"""
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt
from playwright.sync_api import expect

from offline_delivery_plugin import api
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    CAPA_ANSWERS,
    ESSAY,
    ESSAY_PROCEDURE,
    FINAL_EXAM_UNITS,
    answered,
    go_to_unit,
    install_clock,
    log_in,
    serious_violations,
    started_attempt,
)
from tests.helpers import stored_answers

pytestmark = pytest.mark.browser

ANSWERS = {block_id: (answer, held) for block_id, answer, held in CAPA_ANSWERS}
#: What the candidate writes in the two essays of unit 4.
ESSAYS = {ESSAY: 'written offline in unit four', ESSAY_PROCEDURE: 'also offline, the second essay'}


def answer_unit(unit, number):
    """Answer every question of unit ``number`` in its iframe and wait until the page holds the answers."""
    for block_id in FINAL_EXAM_UNITS[number]:
        ANSWERS[block_id][0](unit)
    if number == 4:
        for label, text in ESSAYS.items():
            unit.get_by_label(label).fill(text)


READ_STATE = """() => new Promise((resolve, reject) => {
  const opened = indexedDB.open('offline-delivery', 1);
  opened.onerror = () => reject(opened.error);
  opened.onsuccess = () => {
    const read = opened.result.transaction('attempts', 'readonly').objectStore('attempts').getAll();
    read.onsuccess = () => resolve(read.result);
  };
})"""


def kept_on_disk(page, text):
    """
    Wait until this browser's IndexedDB holds ``text`` as an answer of the attempt, not yet on the server (asked
    from here: the page's own timers run on Playwright's fake clock). ``page`` is a page or a frame.
    """
    for _ in range(100):
        if any(text in state['answers'].values() and (state['seq'] > state['anchor']['seq'] or state['dirty'])
               for state in page.evaluate(READ_STATE)):
            return
        time.sleep(0.1)
    pytest.fail(f'IndexedDB does not hold {text!r}')


def test_time_running_out_offline_on_the_third_of_five_units_ends_in_a_file_the_monitor_accepts(
        page, chromium, live_server, mfe_shell, hall_network, demo, settings, screenshot):
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    attempt = started_attempt(demo, minutes=3)
    install_clock(page)
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe_shell}/course/{demo.course_key}/{demo.final_exam_id}')

    # Online, on unit 1: the page starts and keeps the exam's five units and its exam-file page.
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    expect(unit.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    answer_unit(unit, 1)
    expect(unit.locator('#offline-delivery[data-pending="0"]:not([data-acked-seq="0"])')).to_have_count(
        1, timeout=15000)
    # While a unit is open the exam-file page shows nothing.
    expect(page.locator('#offline-delivery-exam-file')).to_have_attribute('style', 'display: block; width: 100%; '
                                                                                    'height: 0px; border: 0px;')

    # The network goes while on unit 1 (for the service worker too); the candidate moves to units 2, 4, 5 and 3
    # and writes in each: every unit opens from the worker's copy.
    hall_network.cut()
    page.context.set_offline(True)
    for number in (2, 4, 5, 3):
        unit = go_to_unit(page, number)
        answer_unit(unit, number)
    expect(unit.get_by_label('How many bits long is an AES-256 key?')).to_have_value('256')
    screenshot(page, 'mfe-offline-unit-3')

    # The time runs out on unit 3, offline: the page seals the answers; the library's expiry then replaces the
    # sequence (and the unit's iframe) with its own screen, whatever its submit answered.
    page.clock.run_for(200_000)
    expect(page.locator('#unit-iframe')).to_have_count(0, timeout=30000)
    exam_file = page.frame_locator('#offline-delivery-exam-file')
    expect(exam_file.locator('.od-time-up')).to_contain_text('Time is up. Your answers are saved on this device.',
                                                             timeout=30000)
    screenshot(page, 'mfe-time-up-offline')
    screenshot(page, 'card-e-time-up', page.locator('#offline-delivery-exam-file'))
    assert serious_violations(page.frame(url=re.compile('/offline-delivery/exam-file/'))) == []

    exam_file.get_by_role('button', name='Save delivery as file').first.click()
    exam_file.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    with page.expect_download(timeout=30000) as download_info:
        exam_file.get_by_role('button', name='Save delivery', exact=True).click()
    expect(exam_file.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
    receipt = exam_file.locator('.od-receipt').text_content()
    file_path = Path(download_info.value.path())

    # Every answer of every unit is in the file.
    opened = api.open_delivery_file(file_path.read_bytes())
    in_file = answered(opened.answers)
    assert set(ANSWERS) | {'final_essay_offline', 'final_essay_procedure'} == set(in_file)
    assert in_file['final_essay_offline'] == ESSAYS[ESSAY]
    assert in_file['final_essay_procedure'] == ESSAYS[ESSAY_PROCEDURE]
    assert in_file['final_signature'] == 'VV'

    # The Monitor accepts it: the attempt is delivered offline with the receipt the candidate saw.
    invigilator = chromium.new_context(viewport={'width': 1300, 'height': 900})
    monitor = invigilator.new_page()
    log_in(monitor, live_server.url, 'invigilator')
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    row = monitor.locator('tr[data-user="verified_learner"]')
    row.get_by_label('Upload answers for Vera Verified').set_input_files(file_path)
    expect(row.locator('.upload-ok')).to_contain_text(f'Receipt code {receipt}.', timeout=15000)
    expect(row.locator('.state')).to_have_text('Delivered offline')
    invigilator.close()
    # The server holds every answer of the five units, and edx-proctoring's attempt is no longer in progress.
    assert answered(stored_answers(attempt)) == in_file
    assert proctoring_api.get_exam_attempt_by_id(attempt['id'])['status'] not in ('started', 'ready_to_submit')


def test_after_a_reload_and_a_crash_offline_the_exam_opens_again_from_exams_on_this_device(
        persistent_chromium, live_server, mfe_shell, hall_network, demo, settings, screenshot):
    """
    The learning MFE cannot open again without the network. The candidate page names the way back in (in the
    connection-lost message): *Exams on this device*, kept with the units, which opens each unit from its kept copy
    with every answer and its own clock, after a reload and after a crashed browser alike.
    """
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    started_attempt(demo, minutes=60)
    context = persistent_chromium.launch()
    page = context.new_page()
    install_clock(page)
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe_shell}/course/{demo.course_key}/{demo.final_exam_id}')
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    answer_unit(unit, 1)
    expect(unit.locator('#offline-delivery[data-pending="0"]:not([data-acked-seq="0"])')).to_have_count(
        1, timeout=15000)

    hall_network.cut()
    context.set_offline(True)
    unit = go_to_unit(page, 4)
    answer_unit(unit, 4)
    page.clock.run_for(61_000)
    kept_on_disk(page.frame(url=re.compile('/xblock/')), ESSAYS[ESSAY])
    way_back = f'{hall_network.url}/offline-delivery/on-this-device/'
    expect(unit.locator('.od-lost-way-back')).to_have_text(
        f'If this page closes before the connection is back, open {way_back} in this browser.')
    screenshot(page, 'mfe-connection-lost-way-back', page.locator('#unit-iframe'))

    # A reload: the MFE does not open; the kept page does, and so does the unit with what was written in it.
    with pytest.raises(Exception, match='ERR_INTERNET_DISCONNECTED'):
        page.reload()
    page.wait_for_url('chrome-error://chromewebdata/')
    page.goto(way_back)  # typed into the address bar
    device = page.get_by_role('region', name='Final exam (proctored)')
    expect(device).to_contain_text('Candidate: verified_learner.')
    expect(device).to_contain_text('Some answers are only on this device')  # unit 4's, written offline
    screenshot(page, 'on-this-device')
    assert serious_violations(page) == []
    device.get_by_role('link', name='Unit 4 of the exam').click()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    expect(page.get_by_label(ESSAY)).to_have_value(ESSAYS[ESSAY])
    expect(page.locator('.od-timer')).to_contain_text('Time left')  # not framed: the page's own clock
    page.get_by_label(ESSAY).fill('after the reload, offline')
    page.clock.run_for(4_000)  # the snapshot after the change
    kept_on_disk(page, 'after the reload, offline')

    # A crash: the browser is killed and starts again, still without the network.
    persistent_chromium.kill()
    context = persistent_chromium.launch()
    context.set_offline(True)
    page = context.new_page()
    for restored in context.pages[:-1]:  # a tab Chromium restores holds the attempt until it is closed
        restored.close()
    page.goto(way_back)
    page.get_by_role('link', name='Unit 1 of the exam').click()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    expect(page.get_by_label('Name the protocol that encrypts web traffic between a browser and a server.')
           ).to_have_value('TLS')
    page.get_by_role('button', name='Menu').click()
    page.get_by_role('menuitem', name='Save delivery as file').click()
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    with page.expect_download(timeout=30000) as download_info:
        page.get_by_role('button', name='Save delivery', exact=True).click()
    in_file = answered(api.open_delivery_file(Path(download_info.value.path()).read_bytes()).answers)
    assert in_file['final_essay_offline'] == 'after the reload, offline'
    assert in_file['final_essay_procedure'] == ESSAYS[ESSAY_PROCEDURE]
    assert in_file['final_term'] == 'TLS'


def test_back_online_after_the_time_the_file_saved_above_the_exams_end_is_delivered_from_there(
        page, live_server, mfe_shell, hall_network, demo, settings):
    """Flow B in the MFE: the file saved in the breadcrumbs slot after the time ran out offline is offered again
    once the network is back, and delivered from there with its receipt code."""
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    attempt = started_attempt(demo, minutes=2)
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe_shell}/course/{demo.course_key}/{demo.final_exam_id}')
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    # Once the exam is kept (which takes the machine's time), 30 s are left, on the server's clock and, after a
    # reload that asks the server again, on the browser's alike. The time runs out for real, not on a fake clock:
    # the server must see it run out too, as in a hall, for the delivery afterwards.
    ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(
        started_at=timezone.now() - timedelta(seconds=90))
    shifted = time.monotonic()
    page.reload()
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=20000)
    assert time.monotonic() - shifted < 20, 'the reload took so long that the time could run out online'
    hall_network.cut()
    page.context.set_offline(True)
    unit = go_to_unit(page, 5)
    answer_unit(unit, 5)
    exam_file = page.frame_locator('#offline-delivery-exam-file')
    exam_file.get_by_role('button', name='Save delivery as file').first.click(timeout=60000)
    exam_file.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    with page.expect_download(timeout=30000):
        exam_file.get_by_role('button', name='Save delivery', exact=True).click()
    receipt = exam_file.locator('.od-receipt').text_content()
    exam_file.get_by_role('button', name='OK').click()

    hall_network.restore()
    page.context.set_offline(False)
    offer = exam_file.get_by_role('region', name='Saved delivery file')
    expect(offer).to_contain_text(receipt, timeout=45000)  # at the page's next contact with the server
    offer.get_by_role('button', name='Deliver the saved file now').click()
    expect(offer.get_by_role('status')).to_have_text(
        f'Delivered. The exam server confirms receipt code {receipt}.', timeout=30000)
    assert answered(stored_answers(attempt))['final_signature'] == 'VV'


def test_a_file_saved_in_a_unit_offline_then_the_connection_comes_back_and_everything_is_sent(
        page, live_server, mfe_shell, hall_network, demo, settings, screenshot):
    """Flows A and F in the MFE: offline on unit 2, an invigilator saves the file from the unit's own menu (every
    unit's answers in it); the connection comes back and the page sends what it holds without a click."""
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    attempt = started_attempt(demo, minutes=60)
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe_shell}/course/{demo.course_key}/{demo.final_exam_id}')
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    answer_unit(unit, 1)
    hall_network.cut()
    page.context.set_offline(True)
    unit = go_to_unit(page, 2)
    answer_unit(unit, 2)

    unit.get_by_role('button', name='Menu').click()
    unit.get_by_role('menuitem', name='Save delivery as file').click()
    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    # The dialog opens under the unit's bar, on screen, not in the middle of an iframe as tall as the unit.
    dialog_top = unit.get_by_role('dialog', name='Save delivery as file').bounding_box()['y']
    assert dialog_top < page.frame_locator('#unit-iframe').locator('.od-bar').bounding_box()['y'] + 120
    screenshot(page, 'mfe-save-dialog-in-unit')
    with page.expect_download(timeout=30000) as download_info:
        unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
    unit.get_by_role('button', name='OK').click()
    in_file = answered(api.open_delivery_file(Path(download_info.value.path()).read_bytes()).answers)
    assert set(in_file) == set(FINAL_EXAM_UNITS[1]) | set(FINAL_EXAM_UNITS[2])

    hall_network.restore()
    page.context.set_offline(False)
    expect(unit.locator('.od-status')).to_have_text('All answers saved on the server.', timeout=45000)
    assert answered(stored_answers(attempt)) == in_file
