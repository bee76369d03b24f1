"""
The candidate page when things go wrong: reloads and a crashed browser keep every answer, time runs out while
offline, deliver blank, and delivering the saved file once the device is back online.
"""
import contextlib
import socket
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    CONTROL_WORD,
    ESSAY,
    log_in,
    save_file,
    server_answers,
    start_final_exam,
    type_and_keep,
    wait_until_sent,
)

pytestmark = pytest.mark.browser


def test_reload_while_writing_keeps_what_was_typed_offline(page, live_server, demo):
    start_final_exam(page, live_server, demo)
    page.context.set_offline(True)
    type_and_keep(page, ESSAY, 'typed offline, then the page was reloaded')
    page.context.set_offline(False)
    page.reload()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    expect(page.get_by_label(ESSAY)).to_have_value('typed offline, then the page was reloaded')
    wait_until_sent(page)
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == \
        'typed offline, then the page was reloaded'


def test_a_killed_browser_keeps_every_answer(persistent_chromium, live_server, demo):
    context = persistent_chromium.launch()
    page = context.new_page()
    start_final_exam(page, live_server, demo)
    page.get_by_label(CONTROL_WORD).fill('hej')
    wait_until_sent(page)
    context.set_offline(True)
    type_and_keep(page, ESSAY, 'the last words before the crash')
    persistent_chromium.kill()

    context = persistent_chromium.launch()
    page = context.pages[0] if context.pages else context.new_page()
    exam_url = f'{live_server.url}/courses/{demo.course_key}/subsection/{demo.final_exam_id}/'
    page.goto(exam_url)
    if '/login/' in page.url:  # the crash may take the session cookie with it: the candidate logs in again
        log_in(page, live_server.url, 'verified_learner')
        page.goto(exam_url)
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    expect(page.get_by_label(ESSAY)).to_have_value('the last words before the crash')
    wait_until_sent(page)
    assert server_answers(demo.verified_learner, demo) == {
        'final_control_word': 'hej', 'final_essay_offline': 'the last words before the crash'}


def test_time_runs_out_offline(page, live_server, demo, screenshot):
    page.clock.install()
    start_final_exam(page, live_server, demo)
    # A heartbeat still on its way when the network goes would, answered, rightly count as contact.
    page.wait_for_load_state('networkidle')
    page.context.set_offline(True)
    page.get_by_label(ESSAY).fill('written in the last minute')
    page.clock.fast_forward('01:00:05')
    page.clock.run_for(2000)
    expect(page.locator('.od-time-up')).to_contain_text('Time is up.')
    expect(page.get_by_label(ESSAY)).to_be_disabled()
    expect(page.get_by_role('button', name='End my exam')).to_be_hidden()
    expect(page.locator('.od-lost')).to_be_visible()  # an hour without the server: the hall's message stays up
    screenshot(page, 'candidate-time-up-offline')
    screenshot(page, 'card-e-time-up', page.locator('#offline-delivery'))

    page.locator('.od-time-up-save').click()
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    with page.expect_download(timeout=30000) as download_info:
        page.get_by_role('button', name='Save delivery', exact=True).click()
    opened = api.open_delivery_file(Path(download_info.value.path()).read_bytes())
    assert opened.answers[f'{demo.course_key.make_usage_key("exam_essay", "final_essay_offline")}#answer'] == \
        'written in the last minute'


def test_deliver_blank(page, live_server, demo, tmp_path):
    start_final_exam(page, live_server, demo)
    page.get_by_label(CONTROL_WORD).fill('hej')
    download, _receipt = save_file(page, blank=True)
    opened = api.open_delivery_file(Path(download.path()).read_bytes())
    assert opened.blank is True


def test_back_online_the_saved_file_is_offered_and_delivered(page, live_server, demo, screenshot):
    page.clock.install()
    start_final_exam(page, live_server, demo)
    page.context.set_offline(True)
    page.get_by_label(CONTROL_WORD).fill('hej from the iPad')
    page.clock.run_for(4000)
    _download, receipt = save_file(page)
    expect(page.locator('.od-offer')).to_have_count(0)  # offline: nothing to offer yet

    page.context.set_offline(False)
    page.clock.run_for(16000)
    offer = page.get_by_role('region', name='Saved delivery file')
    expect(offer).to_contain_text(receipt)
    screenshot(page, 'candidate-offer-saved-file')
    screenshot(page, 'card-b-offer', offer)
    offer.get_by_role('button', name='Deliver the saved file now').click()
    expect(offer.get_by_role('status')).to_have_text(
        f'Delivered. The exam server confirms receipt code {receipt}.', timeout=15000)
    assert server_answers_after_submit(demo) == {'final_control_word': 'hej from the iPad'}
    expect(page.get_by_label(CONTROL_WORD)).to_be_disabled()  # delivered: nothing more to type
    # No clock counts down after the delivery, and nothing offers to end the exam (both did).
    expect(page.locator('.od-timer')).to_have_text(f'Delivered: receipt code {receipt}.')
    timer = page.locator('.od-timer').text_content()
    page.clock.run_for(3000)
    expect(page.locator('.od-timer')).to_have_text(timer)
    expect(page.get_by_role('button', name='End my exam')).to_be_hidden()
    expect(page.get_by_role('button', name='☰ Menu')).to_be_hidden()


def test_a_file_superseded_by_later_typing_is_not_offered(page, live_server, demo):
    page.clock.install()
    start_final_exam(page, live_server, demo)
    page.context.set_offline(True)
    page.get_by_label(CONTROL_WORD).fill('in the file')
    page.clock.run_for(4000)
    save_file(page)
    page.get_by_label(ESSAY).fill('typed after the file was saved')
    page.context.set_offline(False)
    page.clock.run_for(16000)
    wait_until_sent(page)
    expect(page.locator('.od-offer')).to_have_count(0)
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == 'typed after the file was saved'


def server_answers_after_submit(demo):
    # pylint: disable=import-outside-toplevel
    from edx_proctoring import api as proctoring_api

    from offline_delivery_plugin.models import ItemAnswer

    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)
    assert attempt['status'] == 'submitted'
    rows = ItemAnswer.objects.filter(record__attempt_id=attempt['id']).exclude(value='')
    return {row.item_id.rsplit('@', 1)[1].partition('#')[0]: row.value for row in rows
            if row.value not in ('[]',) and not row.value.endswith('_dummy_default')}



@pytest.fixture
def own_live_server(transactional_db):
    """A live server of this test's own, which the test may stop (the shared one serves the other tests)."""
    from pytest_django.live_server_helper import LiveServer  # pylint: disable=import-outside-toplevel

    server = LiveServer('localhost')
    httpd = server.thread.httpd
    # Stopping the server closes its listening socket only: the browser's keep-alive connections would go on being
    # served by their threads. Keep each connection so that stopping ends them too.
    connections = []
    process_request = httpd.process_request

    def process_and_keep(request, client_address):
        connections.append(request)
        process_request(request, client_address)

    httpd.process_request = process_and_keep
    stop = server.stop
    stopped = []

    def stop_once():
        if not stopped:
            stopped.append(True)
            stop()
            for connection in connections:
                with contextlib.suppress(OSError):  # already closed by its handler
                    connection.shutdown(socket.SHUT_RDWR)

    server.stop = stop_once
    yield server
    server.stop()


# Stopping a live server under open keep-alive connections makes its request threads complain about the shared
# in-memory SQLite connection as they end; that noise is about the test server, not the page.
@pytest.mark.filterwarnings('ignore::pytest.PytestUnhandledThreadExceptionWarning')
def test_reload_with_the_server_gone_opens_the_kept_page_with_every_answer(page, own_live_server, demo):
    start_final_exam(page, own_live_server, demo)
    expect(page.locator('#offline-delivery[data-page-kept="true"]')).to_have_count(1, timeout=15000)
    page.reload()  # now controlled by the service worker
    expect(page.locator('#offline-delivery[data-page-kept="true"]')).to_have_count(1, timeout=15000)
    own_live_server.stop()  # no server at all: not even a connection
    type_and_keep(page, ESSAY, 'typed after the server went away')  # it can only be kept on the device
    page.get_by_label('AES-GCM').check()
    type_and_keep(page, CONTROL_WORD, 'hej')
    page.reload()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    expect(page.get_by_label(ESSAY)).to_have_value('typed after the server went away')
    # capa's problems render from the kept copy of their own script, and show what this device holds.
    expect(page.get_by_label(CONTROL_WORD)).to_have_value('hej')
    expect(page.get_by_label('AES-GCM')).to_be_checked()
    expect(page.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    page.context.close()  # end the keep-alive connections while this test's warning filter applies
    time.sleep(1)
