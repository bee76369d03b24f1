"""
Flows C and D in Chromium, with two browsers: the candidate, in the learning MFE, saves the delivery file offline;
the invigilator uploads it in the Monitor, sees the same receipt code and checks the control word; the chief
invigilator opens the attempt for resubmission and the candidate continues it through the library's screens and
the hall's check-in.
"""
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from offline_delivery_plugin.models import BulkUpload, Reopening
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    CAPA_ANSWERS,
    CONTROL_WORD,
    ESSAY,
    FINAL_EXAM_UNITS,
    come_back_online,
    go_offline,
    go_to_unit,
    log_in,
    open_final_exam,
    save_file,
    unit_frame,
    wait_until_sent,
)
from tests.crypto_helpers import delivery_file
from tests.helpers import start_exam

pytestmark = pytest.mark.browser


def candidates_file(chromium, live_server, mfe, hall_network, demo, answer_online, answer_offline,
                    username='verified_learner'):
    """
    The candidate's browser: open the final exam in the learning MFE, answer on its first unit
    (``answer_online(frame)``), lose the network, answer on (``answer_offline(page)``, which moves between units as
    it needs) and save the delivery file behind the invigilator password. The candidate's browser is then closed and
    the network comes back. Returns the file's path and its receipt code.
    """
    candidate = chromium.new_context(accept_downloads=True, viewport={'width': 1200, 'height': 900})
    page = candidate.new_page()
    unit = open_final_exam(page, live_server, mfe, demo, username=username)
    answer_online(unit)
    go_offline(page, hall_network)
    answer_offline(page)
    download, receipt = save_file(page, unit=unit_frame(page))
    path = Path(download.path()).with_name(f'{username}.offline-delivery')
    download.save_as(path)
    candidate.close()
    hall_network.restore()
    return path, receipt


def essay_offline(text):
    """Unit 4's essay, written offline: the MFE's unit navigation works from the pages the page kept."""
    def answer(page):
        go_to_unit(page, 4).get_by_label(ESSAY).fill(text)
    return answer


def invigilators_page(chromium, live_server):
    """The invigilator's browser, signed in: a page of its own."""
    invigilator = chromium.new_context(viewport={'width': 1300, 'height': 900})
    monitor = invigilator.new_page()
    log_in(monitor, live_server.url, 'invigilator')
    return monitor


def test_invigilator_uploads_the_candidates_file(chromium, live_server, mfe, hall_network, demo, screenshot):
    file_path, receipt = candidates_file(
        chromium, live_server, mfe, hall_network, demo, lambda unit: unit.get_by_label(CONTROL_WORD).fill('hej'),
        essay_offline('written without a network'))

    monitor = invigilators_page(chromium, live_server)
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
    screenshot(monitor, 'card-c1-upload', row)

    row.get_by_role('button', name='View answers of Vera Verified').click()
    dialog = monitor.get_by_role('dialog', name='Answers of Vera Verified')
    expect(dialog.get_by_role('row', name='Control word')).to_contain_text('hej')
    expect(dialog.get_by_role('row', name='Question 8')).to_contain_text('written without a network')
    screenshot(monitor, 'monitor-answers')
    screenshot(monitor, 'card-c2-answers', dialog)
    dialog.get_by_role('button', name='Close').click()

    other = monitor.locator('tr[data-user="verified_learner2"]')
    expect(other.locator('.state')).to_have_text('Not started')
    monitor.context.close()


def test_flow_d_reopen_and_continue_after_the_check_in(chromium, live_server, mfe, hall_network, demo, screenshot):
    candidate = chromium.new_context(accept_downloads=True, viewport={'width': 1200, 'height': 900})
    page = candidate.new_page()
    unit = open_final_exam(page, live_server, mfe, demo)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    wait_until_sent(unit)
    go_offline(page, hall_network)
    unit = go_to_unit(page, 4)
    unit.get_by_label(ESSAY).fill('first part, written offline')
    download, _receipt = save_file(page, unit=unit_frame(page))

    chief = chromium.new_context(viewport={'width': 1300, 'height': 900})
    monitor = chief.new_page()
    log_in(monitor, live_server.url, 'chief_invigilator')
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    row = monitor.locator('tr[data-user="verified_learner"]')
    row.get_by_label('Upload answers for Vera Verified').set_input_files(Path(download.path()))
    expect(row.locator('.state')).to_have_text('Delivered offline', timeout=15000)
    # The suggestion arrives after the chief invigilator has typed: it must not replace what they typed (it did,
    # in one run of three). The page's request for it is held until the field holds their 10.
    held = []
    monitor.route('**/reopen/', lambda route: held.append(route) if route.request.method == 'GET'
                  else route.continue_())
    row.get_by_role('button', name='Open for resubmission: Vera Verified').click()
    dialog = monitor.get_by_role('dialog', name='Open for resubmission: Vera Verified')
    while not held:
        monitor.wait_for_timeout(50)
    dialog.get_by_label('Extra minutes').fill('10')
    held[0].continue_()
    expect(dialog.locator('.reopen-suggestion')).to_contain_text('Suggested:')
    expect(dialog.get_by_label('Extra minutes')).to_have_value('10')
    monitor.unroute('**/reopen/')
    dialog.get_by_label('Reason (kept in the audit log)').fill('Wi-Fi down in hall B')
    screenshot(monitor, 'monitor-reopen')
    screenshot(monitor, 'card-d1-reopen', dialog)
    dialog.get_by_role('button', name='Open for resubmission').click()
    expect(row.locator('.upload-ok')).to_contain_text('Opened for resubmission with', timeout=15000)
    assert Reopening.objects.get().extra_minutes == 10

    # Back online, the candidate's open unit learns of the reopening and leads back to the exam's own screens.
    come_back_online(page, hall_network)
    notice = unit.locator('.od-reopened')
    expect(notice).to_contain_text('Your exam was opened for resubmission.', timeout=40000)
    notice.get_by_role('button', name='Go back to the exam').click()
    expect(page.get_by_text('Your exam is ready to be resumed.')).to_be_visible(timeout=20000)
    screenshot(page, 'mfe-ready-to-resume')
    page.get_by_role('button', name='Continue to my proctored exam.').click()

    # The library's setup screen: the hall's check-in of the attempt that continues the reopened one. The
    # invigilator types the password on the candidate's screen; that check-in is the reopened attempt's unlock.
    page.get_by_role('button', name='Start System Check').click()
    expect(page.get_by_role('heading', name='Final exam (proctored): check-in')).to_be_visible()
    page.get_by_label('Invigilator password').fill('wrong-password')
    page.get_by_role('button', name='Confirm the candidate').click()
    expect(page.get_by_role('alert')).to_have_text('Wrong invigilator password.')
    screenshot(page, 'candidate-reopened-gate')
    screenshot(page, 'card-d2-gate', page.locator('main'))
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.get_by_label('Invigilator password').press('Enter')  # the invigilator's whole step: the password, Enter
    expect(page.get_by_role('status')).to_have_text('You are checked in.')
    page.get_by_role('link', name='Back to the exam').click()
    page.get_by_role('button', name='Start exam', exact=True).click()

    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    expect(unit.get_by_label(CONTROL_WORD)).to_have_value('hej')
    expect(unit.get_by_role('dialog', name='Your exam was opened for resubmission')).to_have_count(0)
    unit = go_to_unit(page, 4)
    expect(unit.get_by_label(ESSAY)).to_have_value('first part, written offline')
    unit.get_by_label(ESSAY).fill('first part, written offline; and the rest')
    wait_until_sent(unit)
    candidate.close()
    chief.close()


def staff_monitor(chromium, live_server, demo):
    """Course staff's browser context and the final exam's Monitor page in it."""
    staff = chromium.new_context(viewport={'width': 1300, 'height': 1000})
    monitor = staff.new_page()
    log_in(monitor, live_server.url, 'course_staff')
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    return staff, monitor


@pytest.mark.usefixtures('eager_celery')
def test_bulk_upload_of_a_usb_stick(chromium, live_server, mfe, hall_network, demo, screenshot):
    files = [
        candidates_file(chromium, live_server, mfe, hall_network, demo,
                        lambda unit, username=username: unit.get_by_label(CONTROL_WORD).fill(f'hej från {username}'),
                        lambda page: None, username=username)[0]
        for username in ('verified_learner', 'verified_learner2')
    ]
    staff, monitor = staff_monitor(chromium, live_server, demo)
    monitor.get_by_label('Delivery files or a zip').set_input_files(files)
    expect(monitor.locator('.bulk-progress')).to_have_text('2 of 2 files processed.', timeout=20000)
    expect(monitor.locator('.bulk-accepted')).to_have_count(2)
    expect(monitor.locator('tr.state-delivered_offline')).to_have_count(2, timeout=15000)
    screenshot(monitor, 'monitor-bulk-upload')
    staff.close()


@pytest.mark.usefixtures('eager_celery')
def test_a_folder_bigger_than_one_request_goes_up_in_batches(chromium, live_server, demo, settings, tmp_path):
    # Django refuses a request with more files than DATA_UPLOAD_MAX_NUMBER_FILES (100 by default); the page sends a
    # bigger folder in batches of that size and adds up the results. Two per request here: five files, three batches.
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client = Client()
    stick = tmp_path / 'usb'
    stick.mkdir()
    for user in (demo.verified_learner, demo.verified_learner2):
        attempt = start_exam(client, user, demo.course_key, demo.final_exam_id)
        (stick / f'{user.username}.offline-delivery').write_bytes(
            delivery_file(user, attempt, {CONTROL_WORD: f'hej från {user.username}'}))
    for number in range(3):
        (stick / f'notes-{number}.txt').write_text('not a delivery file')
    staff, monitor = staff_monitor(chromium, live_server, demo)
    monitor.evaluate('''() => {
        const progress = document.querySelector('.bulk-progress');
        window.progressTexts = [];
        new MutationObserver(() => window.progressTexts.push(progress.textContent))
            .observe(progress, {childList: true, characterData: true, subtree: true});
    }''')
    monitor.get_by_label('A folder').set_input_files(stick)
    expect(monitor.locator('.bulk-progress')).to_have_text('5 of 5 files processed.', timeout=30000)
    counts = [text for text in monitor.evaluate('window.progressTexts') if 'processed' in text]
    assert len(counts) >= 3 and all(text.endswith(' of 5 files processed.') for text in counts), counts
    expect(monitor.locator('.bulk-accepted')).to_have_count(2)
    expect(monitor.locator('.bulk-results li')).to_have_count(5)
    expect(monitor.locator('tr.state-delivered_offline')).to_have_count(2, timeout=15000)
    assert BulkUpload.objects.count() == 3
    staff.close()


def test_a_file_of_the_pages_uploaded_in_the_monitor_leaves_every_problem_answered_and_scored(
        chromium, live_server, mfe, hall_network, demo):
    """Done when (issue 17): a file written by the page for an exam of real capa problems, uploaded in the Monitor,
    leaves every problem of that exam showing and scoring the delivered answers."""
    # pylint: disable=import-outside-toplevel
    from sandbox.host.models import StudentModule
    from sandbox.host.runtime import SandboxRuntime

    answers = {block_id: answer for block_id, answer, _held in CAPA_ANSWERS}

    def answer_every_problem(page):  # everything offline, unit by unit: only the file can bring it to the course
        for number, block_ids in FINAL_EXAM_UNITS.items():
            unit = go_to_unit(page, number)
            for block_id in block_ids:
                answers[block_id](unit)
        go_to_unit(page, 4).get_by_label(ESSAY).fill('written without a network')

    file_path, receipt = candidates_file(chromium, live_server, mfe, hall_network, demo, lambda unit: None,
                                         answer_every_problem)
    monitor = invigilators_page(chromium, live_server)
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    row = monitor.locator('tr[data-user="verified_learner"]')
    row.get_by_label('Upload answers for Vera Verified').set_input_files(file_path)
    expect(row.locator('.upload-ok')).to_contain_text(f'Receipt code {receipt}.', timeout=15000)
    expect(row.locator('.upload-ok')).not_to_contain_text('could not be put back')

    row.get_by_role('button', name='View answers of Vera Verified').click()
    dialog = monitor.get_by_role('dialog', name='Answers of Vera Verified')
    expect(dialog.get_by_role('row', name='Question 2')).to_contain_text('AES-GCM')
    expect(dialog.get_by_role('row', name='Question 3')).to_contain_text('The course, The attempt code')
    monitor.context.close()

    runtime = SandboxRuntime(demo.verified_learner, demo.course)
    for block_id, _answer, held in CAPA_ANSWERS:
        usage_id = str(demo.course_key.make_usage_key('problem', block_id))
        block = runtime.get_block(usage_id)
        assert block.lcp.student_answers == {f'{block_id}_2_1': held}, block_id
        assert (block.score.raw_earned, block.score.raw_possible) == (1, 1), block_id
        module = StudentModule.objects.get(student=demo.verified_learner, module_state_key=usage_id)
        assert (module.grade, module.max_grade) == (1, 1), block_id
        assert block.lcp.correct_map.is_correct(f'{block_id}_2_1'), block_id
        shown = block.get_problem_html(encapsulate=False)  # what the learner's page shows
        if isinstance(held, str) and not held.startswith('choice_'):
            assert f'value="{held}"' in shown or f'value="{held}" selected' in shown, block_id
