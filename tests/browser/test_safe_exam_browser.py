"""
Flow A in Safe Exam Browser, in Chromium (issue 20): a candidate whose browser is SEB, imitated where Chromium is
not, once with its JavaScript API (as SEB 3.0 for macOS and iOS offer it, setting the keys only after
``updateKeys``; SEB for iOS sends no key headers at all) and once with SEB's request headers (Playwright adds
``X-SafeExamBrowser-ConfigKeyHash`` to every request, hashed with its URL, as SEB's classic web view does), writes
online, loses the network, saves the delivery file and is shown where SEB put it
and how to exit SEB; the invigilator's Monitor shows that the candidate's requests came from SEB with the exam's
settings, and uploads the file. A candidate in a plain browser is refused, with the way into SEB.
"""
import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AttemptRecord
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import (
    CONTROL_WORD,
    go_offline,
    log_in,
    open_final_exam,
    started_attempt,
    wait_until_sent,
)

pytestmark = pytest.mark.browser

#: SEB's JavaScript API as SEB 3.0 for macOS and iOS offers it (SafeExamBrowser-Website developer/seb-config-key.html
#: at 246318533d4a): the keys are ':' until ``updateKeys(callback)`` has set them to SHA-256 of the page's URL
#: (without its fragment) and the key, then SEB calls the callback. The Browser Exam Key is the build's own.
SEB_API = """
(([configKey, browserExamKey]) => {
  async function hashed(key) {
    const data = new TextEncoder().encode(window.location.href.split('#')[0] + key);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }
  window.SafeExamBrowser = {
    version: 'SafeExamBrowser_macOS_3.0_test_org.safeexambrowser.SafeExamBrowser',
    security: {
      configKey: ':', browserExamKey: ':',
      updateKeys(callback) {
        Promise.all([hashed(configKey), hashed(browserExamKey)]).then(([config, browser]) => {
          window.SafeExamBrowser.security.configKey = config;
          window.SafeExamBrowser.security.browserExamKey = browser;
          callback();
        });
      },
    },
  };
})
"""


@pytest.fixture
def seb_exam(demo, mfe, hall_network, settings):
    """The final exam requires SEB, its delivery file going to a folder of the hall's computers. The LMS, as the
    browser reaches it, is the relay whose network the test cuts: the unit frame's page is there."""
    settings.LMS_ROOT_URL = hall_network.url
    return api.change_safe_exam_browser_settings(demo.course_key, demo.final_exam_id, {
        'required': True, 'download_directory_win': 'C:\\Exams\\Delivery', 'quit_password': 'quit-the-hall',
    }, demo.course_staff)


def with_javascript_api(context, config_key, lms_url):
    """SEB for iOS (and macOS's modern web view): the keys in the page's script only, no header."""
    context.add_init_script(script=f'{SEB_API}({[config_key, hashlib.sha256(b"a build").hexdigest()]})')


def with_headers(context, config_key, lms_url):
    """SEB's headers on every request to the LMS, each hashed with its own URL (the classic web view of SEB for
    macOS; SEB for Windows on the top page's host): Playwright adds them as SEB would, the service worker's
    requests included (a context's route sees those)."""
    def add_header(route):
        url = route.request.url.split('#')[0]
        digest = hashlib.sha256((url + config_key).encode()).hexdigest()
        route.continue_(headers={**route.request.headers, 'x-safeexambrowser-configkeyhash': digest})

    context.route(f'{lms_url}/**', add_header)


@pytest.mark.parametrize('seb_client', [with_javascript_api, with_headers], ids=['javascript-api', 'headers'])
def test_flow_a_in_safe_exam_browser(chromium, live_server, mfe, hall_network, demo, seb_exam, screenshot,
                                     seb_client):
    candidate = chromium.new_context(accept_downloads=True, viewport={'width': 1200, 'height': 900})
    seb_client(candidate, seb_exam.config_key, hall_network.url)
    page = candidate.new_page()
    unit = open_final_exam(page, live_server, mfe, demo)
    unit.get_by_label(CONTROL_WORD).fill('hej')
    wait_until_sent(unit)
    attempt_id = int(unit.locator('#offline-delivery').get_attribute('data-attempt-id'))
    record = AttemptRecord.objects.get(attempt_id=attempt_id)
    assert record.seb_verdict == 'config_key' and record.last_save_seq

    go_offline(page, hall_network)
    with page.expect_download(timeout=30000) as download_info:
        unit.get_by_role('button', name='Menu').click()
        unit.get_by_role('menuitem', name='Save delivery as file').click()
        unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
        unit.get_by_role('button', name='Save delivery', exact=True).click()
    done = unit.get_by_role('dialog', name='Delivery saved as file')
    expect(done).to_contain_text('C:\\Exams\\Delivery')
    exit_link = done.get_by_role('link', name='Exit Safe Exam Browser')
    expect(exit_link).to_have_attribute('href', f'{hall_network.url}/offline-delivery/safe-exam-browser/quit/')
    expect(exit_link).to_have_attribute('target', '_top')
    if seb_client is with_javascript_api:
        screenshot(page, 'seb-delivery-saved')
    receipt = unit.locator('.od-receipt').text_content()
    path = Path(download_info.value.path()).with_name('verified_learner.offline-delivery')
    download_info.value.save_as(path)
    candidate.close()
    hall_network.restore()

    invigilator = chromium.new_context(viewport={'width': 1400, 'height': 900})
    monitor = invigilator.new_page()
    log_in(monitor, live_server.url, 'invigilator')
    monitor.goto(f'{live_server.url}/offline-delivery/courses/{demo.course_key}/exams/{demo.final_exam_id}/monitor/')
    row = monitor.locator('tr[data-user="verified_learner"]')
    expect(monitor.get_by_role('columnheader', name='Safe Exam Browser')).to_be_visible()
    expect(row.locator('.seb')).to_have_text('Yes: the exam\u2019s settings')
    row.get_by_label('Upload answers for Vera Verified').set_input_files(path)
    expect(row.locator('.upload-ok')).to_contain_text(f'Receipt code {receipt}.', timeout=15000)
    expect(row.locator('.state')).to_have_text('Delivered offline')
    if seb_client is with_javascript_api:
        screenshot(monitor, 'monitor-safe-exam-browser')
    invigilator.close()


def test_a_candidate_outside_safe_exam_browser_is_refused_with_the_way_in(chromium, live_server, mfe, demo,
                                                                          seb_exam, screenshot):
    started_attempt(demo, 60, demo.verified_learner2)
    context = chromium.new_context(viewport={'width': 1200, 'height': 900})
    page = context.new_page()
    log_in(page, live_server.url, 'verified_learner2')
    page.goto(f'{mfe}/course/{demo.course_key}/{demo.final_exam_id}')
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('.od-seb-refused')).to_contain_text('This exam must be taken in Safe Exam Browser',
                                                            timeout=30000)
    expect(unit.get_by_role('link', name='Start in Safe Exam Browser')).to_have_attribute('href', seb_exam.seb_link)
    assert AttemptRecord.objects.filter(user=demo.verified_learner2, last_save_seq__isnull=False).count() == 0
    screenshot(page, 'seb-refused')
    context.close()
