"""
The candidate page in Chromium: answers saved on the device and on the server, the connection-lost warning,
"Save delivery as file" behind the invigilator password, and the Python reader opening what the page wrote.
"""
import re

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from offline_delivery_plugin.crypto import envelope
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import CONTROL_WORD, ESSAY, answered, server_answers, start_final_exam, wait_until_sent

pytestmark = pytest.mark.browser


def test_answers_reach_the_server_without_a_click(page, live_server, demo):
    start_final_exam(page, live_server, demo)
    page.get_by_label(CONTROL_WORD).fill('hej')
    page.get_by_label('AES-GCM').check()
    expect(page.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    wait_until_sent(page)
    assert server_answers(demo.verified_learner, demo) == {'final_control_word': 'hej', 'final_mc_cipher': 'choice_1'}


def test_offline_warning_password_file_and_resync(page, live_server, demo, screenshot, tmp_path):
    page.clock.install()
    start_final_exam(page, live_server, demo)
    page.get_by_label(CONTROL_WORD).fill('hej')
    page.clock.run_for(3000)
    wait_until_sent(page)

    page.context.set_offline(True)
    page.get_by_label(ESSAY).fill('Written while the network was down.')
    page.clock.run_for(5000)
    expect(page.locator('.od-status')).to_have_text('Saved on this device; waiting to send to the server.')
    expect(page.locator('.od-lost')).to_be_hidden()
    page.clock.run_for(61000)
    expect(page.get_by_role('alert').filter(has_text='contact an invigilator')).to_be_visible()
    screenshot(page, 'candidate-connection-lost')
    screenshot(page, 'card-a1-connection-lost', page.locator('#offline-delivery'))

    page.get_by_role('button', name='Menu').click()
    page.get_by_role('menuitem', name='Save delivery as file').click()
    page.get_by_label('Invigilator password').fill('not-the-password')
    page.get_by_role('button', name='Save delivery', exact=True).click()
    expect(page.locator('.od-error')).to_have_text('Wrong invigilator password.', timeout=20000)

    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.locator('.od-error').evaluate('node => { node.textContent = ""; }')
    screenshot(page, 'card-a2-password', page.locator('dialog.od-dialog[open]'))
    with page.expect_download(timeout=30000) as download_info:
        page.get_by_role('button', name='Save delivery', exact=True).click()
    download = download_info.value
    expect(page.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
    screenshot(page, 'card-a3-saved', page.locator('dialog.od-done[open]'))
    name = page.locator('.od-file-name').text_content()
    receipt = page.locator('.od-receipt').text_content()
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
    assert len(opened.items) == 11

    page.get_by_role('button', name='OK').click()
    page.context.set_offline(False)
    page.clock.run_for(20000)
    wait_until_sent(page)
    expect(page.locator('.od-lost')).to_be_hidden()
    screenshot(page, 'card-f-back-online', page.locator('.od-bar'))
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == 'Written while the network was down.'


def test_ending_the_exam_right_after_typing_loses_nothing(page, live_server, demo):
    start_final_exam(page, live_server, demo)
    page.get_by_label(ESSAY).fill('the very last sentence')
    page.once('dialog', lambda dialog: dialog.accept())
    page.get_by_role('button', name='End my exam').click()  # at once: the page sends before the host submits
    expect(page.get_by_text('Your attempt is submitted')).to_be_visible(timeout=15000)
    # pylint: disable=import-outside-toplevel
    from offline_delivery_plugin.models import ItemAnswer

    values = dict(ItemAnswer.objects.values_list('item_id', 'value'))
    assert values[str(demo.course_key.make_usage_key('exam_essay', 'final_essay_offline')) + '#answer'] == \
        'the very last sentence'
