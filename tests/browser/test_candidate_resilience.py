"""
The candidate page when things go wrong, in the learning MFE (the sandbox's shell): a reload and a crashed browser
keep every answer, deliver blank, delivering the saved file once the device is back online (flow B), a file that
later typing superseded, and a reload with the server gone under a unit opened by itself. Time running out offline and
a reload or crash that stays offline are in test_mfe_offline.py.
"""
import contextlib
import socket
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from tests.browser.helpers import (
    CONTROL_WORD,
    ESSAY,
    come_back_online,
    go_offline,
    go_to_unit,
    install_clock,
    log_in,
    open_final_exam,
    save_file,
    server_answers,
    started_attempt,
    type_and_keep,
    unit_frame,
    wait_until_sent,
)

pytestmark = pytest.mark.browser

TERM = 'Name the protocol that encrypts web traffic between a browser and a server.'


def test_reload_while_writing_keeps_what_was_typed_offline(page, live_server, mfe, hall_network, demo):
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    go_offline(page, hall_network)
    type_and_keep(unit, ESSAY, 'typed offline, then the page was reloaded')
    come_back_online(page, hall_network)
    page.reload()
    unit = go_to_unit(page, 4)
    expect(unit.get_by_label(ESSAY)).to_have_value('typed offline, then the page was reloaded')
    wait_until_sent(unit)
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == \
        'typed offline, then the page was reloaded'


def test_a_killed_browser_keeps_every_answer(persistent_chromium, live_server, mfe, hall_network, demo):
    started_attempt(demo)
    context = persistent_chromium.launch()
    page = context.new_page()
    exam_url = f'{mfe}/course/{demo.course_key}/{demo.final_exam_id}'
    log_in(page, live_server.url, 'verified_learner')
    page.goto(exam_url)
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    wait_until_sent(unit)
    go_offline(page, hall_network)
    go_to_unit(page, 4)
    type_and_keep(unit_frame(page), ESSAY, 'the last words before the crash')
    persistent_chromium.kill()

    hall_network.restore()  # and the browser starts online
    context = persistent_chromium.launch()
    page = context.new_page()
    for restored in context.pages[:-1]:  # a tab Chromium restores holds the attempt until it is closed
        restored.close()
    page.goto(exam_url)
    signed_out = page.get_by_text('Sign in on the LMS first')
    expect(page.locator('#unit-iframe').or_(signed_out).first).to_be_visible(timeout=30000)
    if signed_out.is_visible():  # the crash took the session cookie with it: the candidate signs in again
        log_in(page, live_server.url, 'verified_learner')
        page.goto(exam_url)
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    unit = go_to_unit(page, 4)
    expect(unit.get_by_label(ESSAY)).to_have_value('the last words before the crash')
    wait_until_sent(unit)
    assert server_answers(demo.verified_learner, demo) == {
        'final_control_word': 'hej', 'final_essay_offline': 'the last words before the crash'}


def test_deliver_blank(page, live_server, mfe, demo):
    unit = open_final_exam(page, live_server, mfe, demo)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    download, _receipt = save_file(page, blank=True, unit=unit)
    opened = api.open_delivery_file(Path(download.path()).read_bytes())
    assert opened.blank is True


def test_back_online_the_saved_file_is_offered_and_delivered(page, live_server, mfe, hall_network, demo, screenshot):
    install_clock(page)
    unit = open_final_exam(page, live_server, mfe, demo)
    go_offline(page, hall_network)
    unit.get_by_label(CONTROL_WORD).fill('hej from the iPad')
    page.clock.run_for(4000)
    _download, receipt = save_file(page, unit=unit)
    expect(unit.locator('.od-offer')).to_have_count(0)  # offline: nothing to offer yet

    come_back_online(page, hall_network)
    page.clock.run_for(16000)
    offer = unit.get_by_role('region', name='Saved delivery file')
    expect(offer).to_contain_text(receipt)
    screenshot(page, 'candidate-offer-saved-file')
    screenshot(page, 'card-b-offer', offer)
    offer.get_by_role('button', name='Deliver the saved file now').click()
    expect(offer.get_by_role('status')).to_have_text(
        f'Delivered. The exam server confirms receipt code {receipt}.', timeout=15000)
    assert server_answers_after_submit(demo) == {'final_control_word': 'hej from the iPad'}
    expect(unit.get_by_label(CONTROL_WORD)).to_be_disabled()  # delivered: nothing more to type
    expect(unit.get_by_role('button', name='Menu')).to_be_hidden()


def test_a_file_superseded_by_later_typing_is_not_offered(page, live_server, mfe, hall_network, demo):
    install_clock(page)
    unit = open_final_exam(page, live_server, mfe, demo)
    go_offline(page, hall_network)
    unit.get_by_label(CONTROL_WORD).fill('in the file')
    page.clock.run_for(4000)
    save_file(page, unit=unit)
    unit = go_to_unit(page, 4)
    unit.get_by_label(ESSAY).fill('typed after the file was saved')
    come_back_online(page, hall_network)
    page.clock.run_for(16000)
    wait_until_sent(unit)
    expect(unit.locator('.od-offer')).to_have_count(0)
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
    """The server itself goes (not only the network), under a unit opened by itself, as *Exams on this device*
    opens it: the reload comes from the service worker's copy, capa's problems render from the kept copy of their
    own script, and every answer is there."""
    started_attempt(demo)
    log_in(page, own_live_server.url, 'verified_learner')
    page.goto(f"{own_live_server.url}/xblock/{demo.course_key.make_usage_key('vertical', 'final_part_a')}")
    expect(page.locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(1, timeout=30000)
    page.reload()  # now controlled by the service worker
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=15000)
    own_live_server.stop()  # no server at all: not even a connection
    type_and_keep(page, TERM, 'TLS')  # it can only be kept on the device
    type_and_keep(page, CONTROL_WORD, 'hej')
    page.reload()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    expect(page.get_by_label(TERM)).to_have_value('TLS')
    expect(page.get_by_label(CONTROL_WORD)).to_have_value('hej')
    expect(page.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    page.context.close()  # end the keep-alive connections while this test's warning filter applies
    time.sleep(1)
