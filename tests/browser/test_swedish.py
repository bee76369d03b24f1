"""
Swedish in Chromium: a candidate whose account says Swedish gets the exam tools in Swedish in the learning MFE's
unit (the JavaScript catalogue follows the account, not the browser), and they pass axe-core in Swedish too.
"""
import pytest
from playwright.sync_api import expect

from sandbox.host.models import UserPreference
from tests.browser.helpers import CONTROL_WORD, open_final_exam, serious_violations

pytestmark = pytest.mark.browser


def test_the_candidate_page_follows_the_accounts_language(page, live_server, mfe, demo, screenshot):
    UserPreference.objects.create(user=demo.verified_learner, key='pref-lang', value='sv')
    unit = open_final_exam(page, live_server, mfe, demo)  # the browser itself asks for English
    expect(unit.locator('html')).to_have_attribute('lang', 'sv')
    expect(unit.get_by_role('button', name='Meny')).to_be_visible()
    unit.get_by_label(CONTROL_WORD).fill('hej')
    expect(unit.locator('.od-status')).to_have_text('Alla svar är sparade på servern.', timeout=15000)
    screenshot(page, 'guide-swedish-bar', page.frame_locator('#unit-iframe').locator('.od-bar'))
    assert serious_violations(unit) == []
