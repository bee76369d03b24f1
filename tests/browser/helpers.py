"""
Plain helpers and constants the browser tests share (and the tampering test, which drives Chromium itself): where
Chromium is, signing in, starting the final exam, waiting for the page's saves, saving a delivery file, and
axe-core's verdict. Fixtures are in ``tests/browser/conftest.py``.
"""
import os
import re
import time
from pathlib import Path

import pytest
from django.test import Client
from edx_proctoring import api as proctoring_api
from playwright.sync_api import expect

from offline_delivery_plugin import api
from sandbox.host.demo import DEMO_PASSWORD, INVIGILATOR_PASSWORD
from tests.helpers import create_onsite_attempt, start_attempt

CHROMIUM = os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-quic']

AXE = Path(__file__).resolve().parents[2] / 'node_modules' / 'axe-core' / 'axe.min.js'

#: Labels of two items of the final exam, as the candidate sees them.
CONTROL_WORD = 'Type the control word the invigilator gives you'
ESSAY = 'Explain why an exam platform should keep answers'

ESSAY_PROCEDURE = 'Describe, step by step, what an invigilator does'

#: Each problem of the final exam: how the candidate answers it on the page, and what capa then holds.
CAPA_ANSWERS = [
    ('final_control_word', lambda page: page.get_by_label(CONTROL_WORD).fill('hej'), 'hej'),
    ('final_term', lambda page: page.get_by_label('Name the protocol that encrypts web traffic between a browser '
                                                  'and a server.').fill('TLS'), 'TLS'),
    ('final_mc_cipher', lambda page: page.get_by_label('AES-GCM').check(), 'choice_1'),
    ('final_checkbox_bound', lambda page: (page.get_by_label('The course').check(),
                                           page.get_by_label('The attempt code').check()), ['choice_0', 'choice_1']),
    ('final_dropdown_keys', lambda page: page.get_by_label('Which key may never leave the server?').select_option(
        'The private key'), 'The private key'),
    ('final_num_bits', lambda page: page.get_by_label('How many bits long is an AES-256 key?').fill('256'), '256'),
    ('final_num_pi', lambda page: page.get_by_label('Give pi to two decimals.').fill('3.14'), '3.14'),
    ('final_formula_area', lambda page: page.get_by_label(
        'Write the area of a circle of radius r (for example 2*r, r^2 or pi*r).').fill('pi*r^2'), 'pi*r^2'),
    ('final_signature', lambda page: page.get_by_label('Type your initials to confirm the answers are yours.').fill(
        'VV'), 'VV'),
]

#: The final exam's five units as the learning MFE numbers them, and the problems of each (by block id).
FINAL_EXAM_UNITS = {
    1: ('final_control_word', 'final_term'),
    2: ('final_mc_cipher', 'final_checkbox_bound', 'final_dropdown_keys'),
    3: ('final_num_bits', 'final_num_pi', 'final_formula_area'),
    4: (),  # the two essays
    5: ('final_signature',),
}


def log_in(page, base_url, username):
    """Sign in on the sandbox's login page as the demo user ``username``."""
    page.goto(f'{base_url}/login/')
    page.get_by_label('Username').fill(username)
    page.get_by_label('Password').fill(DEMO_PASSWORD)
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_text(f'Signed in as {username}')).to_be_visible()


#: capa's formula preview (xblocks-contrib ``formula_equation_preview.js``) asks for a first preview of each
#: formula input on a throttled timer and then calls MathJax 2's ``MathJax.Hub``. The sandbox's unit page loads no
#: MathJax (the LMS loads MathJax 4 from a CDN, which has no ``Hub`` either), so the call throws inside that timer,
#: and a test clock that runs the timer raises it. A no-op ``Hub`` lets the preview finish; nothing tested uses it.
FORMULA_PREVIEW_MATHJAX = """
window.MathJax = window.MathJax || {Hub: {Startup: {signal: {Interest: function () {}}},
                                          Queue: function () {}, getAllJax: function () { return []; }}};
"""


def install_clock(page):
    """Playwright's clock on ``page`` (installed before the page's scripts run), with capa's formula preview kept
    from throwing when the clock runs its timer (``FORMULA_PREVIEW_MATHJAX``)."""
    page.context.add_init_script(script=FORMULA_PREVIEW_MATHJAX)
    page.clock.install()


def started_attempt(demo, minutes=60, user=None):
    """``user``'s (the verified learner's) attempt at the final exam proctored on site, checked in from the Monitor
    and started, with ``minutes`` to write (the library's *Start exam* is tested in test_onsite_invigilation.py)."""
    client = Client()
    attempt = create_onsite_attempt(client, demo, user)
    proctoring_api.update_exam(attempt['proctored_exam']['id'], time_limit_mins=minutes)
    api.check_in_from_monitor(demo.course_key, demo.final_exam_id, attempt['id'], demo.invigilator)
    return start_attempt(client, attempt)


def unit_frame(page):
    """The unit the learning MFE (the sandbox's shell) shows, as a frame: its page, for what a locator cannot do."""
    return page.frame(url=re.compile(r'/xblock/'))


def go_to_unit(page, number):
    """
    The shell's sequence navigation, as the MFE's: the unit's iframe, its candidate page ready. The MFE keeps one
    iframe and changes its ``src``, so the unit left behind stays in it until the new one commits: this waits for
    the frame to be at the new address before it asks whether the page is ready.
    """
    button = page.get_by_role('button', name=str(number), exact=True)
    button.click()
    expect(button).to_have_attribute('aria-current', 'page')
    src = page.locator('#unit-iframe').get_attribute('src')
    deadline = time.monotonic() + 30
    while (unit_frame(page) is None or unit_frame(page).url != src) and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # (not time.sleep: Playwright learns of the navigation only while it is called)
    assert unit_frame(page) is not None and unit_frame(page).url == src, (src, [f.url for f in page.frames])
    unit = page.frame_locator('#unit-iframe')
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)
    return unit


def open_final_exam(page, live_server, mfe, demo, username='verified_learner', minutes=60, unit=1):
    """
    Sign in as ``username``, whose attempt at the final exam is started, open the exam in the learning MFE (the
    sandbox's shell at ``mfe``) and wait until the candidate page of unit ``unit`` is ready and has kept the exam's
    units for offline use. Returns that unit's frame.
    """
    started_attempt(demo, minutes, getattr(demo, username))
    log_in(page, live_server.url, username)
    page.goto(f'{mfe}/course/{demo.course_key}/{demo.final_exam_id}')
    expect(page.frame_locator('#unit-iframe').locator('#offline-delivery[data-exam-kept="true"]')).to_have_count(
        1, timeout=30000)
    if unit != 1:
        go_to_unit(page, unit)
    return unit_frame(page)


def go_offline(page, hall_network):
    """The hall's network goes: for the pages and for their service worker (which Playwright's offline misses)."""
    hall_network.cut()
    page.context.set_offline(True)


def come_back_online(page, hall_network):
    """The hall's network is back."""
    hall_network.restore()
    page.context.set_offline(False)


def server_answers(user, demo):
    """
    The answers the server holds for the user's final-exam attempt, by block id (one field per item here), without
    the fields nobody answered (an empty text, an empty checkbox group, capa's "Select an option").
    """
    # pylint: disable=import-outside-toplevel
    from edx_proctoring import api as proctoring_api

    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], user.id)
    session = api.start_candidate_session(user, attempt['id'])
    return answered(session.answers)


def answered(answers):
    """``{block id: value}`` of the answers somebody gave (one field per item in the demo's exam)."""
    return {key.rsplit('@', 1)[1].partition('#')[0]: value for key, value in answers.items()
            if value not in ('', '[]') and not value.endswith('_dummy_default')}


def wait_until_sent(page):
    """The page says everything is on the server, and its last acknowledged snapshot is a real one."""
    expect(page.locator('#offline-delivery[data-pending="0"]:not([data-acked-seq="0"])')).to_have_count(
        1, timeout=15000)
    expect(page.locator('.od-status')).to_have_text('All answers saved on the server.')


def type_and_keep(page, label, text):
    """Type into a field and wait until the page has written its state to IndexedDB (its local-save count grew)."""
    saves = page.evaluate('performance.getEntriesByName("od-local-save").length')
    page.get_by_label(label).fill(text)
    page.wait_for_function('n => performance.getEntriesByName("od-local-save").length > n', arg=saves)


def save_file(page, blank=False, unit=None):
    """
    "Save delivery as file" behind the invigilator password (``blank``: deliver blank); the download and receipt.
    ``unit``: the frame of the unit, where the candidate page is in the learning MFE.
    """
    unit = unit or page
    unit.get_by_role('button', name='Menu').click()
    unit.get_by_role('menuitem', name='Save delivery as file').click()
    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    if blank:
        unit.get_by_label('Deliver blank').check()
        page.once('dialog', lambda dialog: dialog.accept())
    with page.expect_download(timeout=30000) as download_info:
        unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
    receipt = unit.locator('.od-receipt').text_content()
    unit.get_by_role('button', name='OK').click()
    return download_info.value, receipt


def serious_violations(page, include=None):
    """axe-core's serious and critical violations on the page (or inside ``include``), in a readable form."""
    if not AXE.exists():
        pytest.fail(f'axe-core is not at {AXE}: run `make test` (it runs `npm ci`).')
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """(include) => axe.run(include ? {include: [[include]]} : document,
                                 {resultTypes: ['violations']})""", include)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + '; '.join(node['target'][0] if isinstance(node['target'][0], str) else str(node['target'])
                    for node in violation['nodes'][:5])
        for violation in results['violations'] if violation['impact'] in ('serious', 'critical')
    ]
