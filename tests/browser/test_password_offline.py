"""
The page's offline password check (issue 8, item 5), in a unit of the learning MFE: it trusts only a verifier with
at least 600,000 PBKDF2 iterations, and locks its password dialog after five wrong tries (30 s, doubling), which
survives a reload.
"""
import pytest
from playwright.sync_api import expect

from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import ESSAY, go_to_unit, open_final_exam

pytestmark = pytest.mark.browser


def open_save_dialog(unit):
    unit.get_by_role('button', name='Menu').click()
    unit.get_by_role('menuitem', name='Save delivery as file').click()


def test_the_page_refuses_a_weak_verifier(page, live_server, mfe, demo):
    """A session whose verifier has too few iterations (a tampered or misconfigured server) is not trusted."""
    def weaken(route):
        response = route.fetch()
        body = response.json()
        if body.get('password_verifier'):
            body['password_verifier']['iterations'] = 1000
        route.fulfill(response=response, json=body)

    # The context's route: it sees the unit's requests, and the service worker's too.
    page.context.route('**/session/', weaken)
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    unit.get_by_label(ESSAY).fill('x')
    open_save_dialog(unit)
    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.locator('.od-error')).to_have_text('The password check is too weak; ask the exam office.',
                                                   timeout=20000)
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_have_count(0)


def test_the_page_locks_its_password_dialog_after_five_wrong_tries(page, live_server, mfe, demo):
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    unit.get_by_label(ESSAY).fill('x')
    open_save_dialog(unit)
    for number in range(5):
        unit.get_by_label('Invigilator password').fill(f'guess{number}')
        unit.get_by_role('button', name='Save delivery', exact=True).click()
        expect(unit.locator('.od-error')).to_have_text('Wrong invigilator password.', timeout=20000)
        unit.locator('.od-error').evaluate('node => { node.textContent = ""; }')
    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.locator('.od-error')).to_contain_text('Too many wrong passwords. Try again in')
    # A reload, and another unit: the count stays, kept with the answers on the device.
    page.reload()
    unit = go_to_unit(page, 2)
    open_save_dialog(unit)
    unit.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    unit.get_by_role('button', name='Save delivery', exact=True).click()
    expect(unit.locator('.od-error')).to_contain_text('Too many wrong passwords. Try again in')
    expect(unit.get_by_role('heading', name='Delivery saved as file')).to_have_count(0)
