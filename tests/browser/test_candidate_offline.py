"""
The candidate page in Chromium, in the learning MFE (the sandbox's shell, each unit in its iframe): answers saved on
the device and on the server from every unit, the connection-lost warning, "Save delivery as file" behind the
invigilator password, the Python reader opening what the page wrote, and the library's *End My Exam* right after
typing.
"""
import re
import time

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from offline_delivery_plugin.crypto import envelope
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    CONTROL_WORD,
    ESSAY,
    answered,
    come_back_online,
    go_offline,
    go_to_unit,
    install_clock,
    open_final_exam,
    server_answers,
    type_and_keep,
    unit_frame,
    wait_until_sent,
)

pytestmark = pytest.mark.browser

TERM = 'Name the protocol that encrypts web traffic between a browser and a server.'


def test_answers_reach_the_server_without_a_click(page, live_server, mfe, demo):
    unit = open_final_exam(page, live_server, mfe, demo)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    unit.get_by_label(TERM).fill('TLS')
    expect(unit.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    wait_until_sent(unit)
    unit = go_to_unit(page, 2)
    unit.get_by_label('AES-GCM').check()
    wait_until_sent(unit)
    assert server_answers(demo.verified_learner, demo) == {
        'final_control_word': 'hej', 'final_term': 'TLS', 'final_mc_cipher': 'choice_1'}


def test_offline_warning_password_file_and_resync(page, live_server, mfe, hall_network, demo, screenshot, tmp_path):
    install_clock(page)
    unit = open_final_exam(page, live_server, mfe, demo)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    page.clock.run_for(3000)
    wait_until_sent(unit)

    go_offline(page, hall_network)
    go_to_unit(page, 4)  # opened from the service worker's copy
    unit = unit_frame(page)
    unit.get_by_label(ESSAY).fill('Written while the network was down.')
    page.clock.run_for(5000)
    expect(unit.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    expect(unit.locator('.od-lost')).to_be_hidden()
    page.clock.run_for(61000)
    expect(unit.get_by_role('alert').filter(has_text='contact an invigilator')).to_be_visible()
    screenshot(page, 'candidate-connection-lost')
    screenshot(page, 'card-a1-connection-lost', unit.locator('#offline-delivery'))

    unit.get_by_role('button', name='Menu').click()
    unit.get_by_role('menuitem', name='Save delivery as file').click()
    unit.get_by_label('Invigilator password').fill('not-the-password')
    unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.locator('.od-error')).to_have_text('Wrong invigilator password.', timeout=20000)

    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    unit.locator('.od-error').evaluate('node => { node.textContent = ""; }')
    screenshot(page, 'card-a2-password', unit.locator('dialog.od-dialog[open]'))
    with page.expect_download(timeout=30000) as download_info:
        unit.get_by_role('button', name='Save delivery', exact=True).click()
    download = download_info.value
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
    screenshot(page, 'card-a3-saved', unit.locator('dialog.od-done[open]'))
    name = unit.locator('.od-file-name').text_content()
    receipt = unit.locator('.od-receipt').text_content()
    screenshot(page, 'candidate-delivery-saved')
    assert name == download.suggested_filename
    assert re.fullmatch(r'verified_learner-Final-exam-proctored-attempt\d+-\d+\.offline-delivery', name)
    path = tmp_path / name
    download.save_as(path)
    data = path.read_bytes()

    opened = api.open_delivery_file(data)
    assert envelope.receipt_code(opened.sha256) == receipt
    answers = answered(opened.answers)
    assert answers == {'final_control_word': 'hej', 'final_essay_offline': 'Written while the network was down.'}
    assert opened.blank is False
    assert opened.header['candidate'] == api.start_candidate_session(
        demo.verified_learner, int(re.search(r'attempt(\d+)', name)[1])).candidate_id
    # The items of the two units the candidate's pages rendered, in the exam's order.
    assert [item.rsplit('@', 1)[1] for item in opened.items] == [
        'final_control_word', 'final_term', 'final_essay_offline', 'final_essay_procedure']

    unit.get_by_role('button', name='OK').click()
    come_back_online(page, hall_network)
    page.clock.run_for(20000)
    wait_until_sent(unit)
    expect(unit.locator('.od-lost')).to_be_hidden()
    screenshot(page, 'card-f-back-online', unit.locator('.od-bar'))
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == 'Written while the network was down.'


def test_ending_the_exam_right_after_typing_loses_nothing(page, live_server, mfe, demo):
    """
    The library's *End My Exam* removes the unit's iframe at once, before the page's next snapshot; while the
    library asks the learner to confirm, the exam-file page beside it sends what the unit had not sent yet.
    """
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    type_and_keep(unit, ESSAY, 'the very last sentence')
    page.get_by_role('button', name='End My Exam').click()  # at once
    expect(page.locator('#unit-iframe')).to_have_count(0)
    expect(page.get_by_role('button', name='Yes, end my proctored exam')).to_be_visible()
    for _ in range(100):  # the learner reads the question
        if server_answers(demo.verified_learner, demo).get('final_essay_offline') == 'the very last sentence':
            break
        time.sleep(0.1)
    else:
        pytest.fail('the last sentence did not reach the server while the library asked to confirm')
    page.get_by_role('button', name='Yes, end my proctored exam').click()
    expect(page.get_by_text('You have submitted this proctored exam for review')).to_be_visible(timeout=15000)
    # pylint: disable=import-outside-toplevel
    from offline_delivery_plugin.models import ItemAnswer

    values = dict(ItemAnswer.objects.values_list('item_id', 'value'))
    assert values[str(demo.course_key.make_usage_key('exam_essay', 'final_essay_offline')) + '#answer'] == \
        'the very last sentence'
