"""
The page's offline password check (issue 8, item 5): it trusts only a verifier with at least 600,000 PBKDF2
iterations, and locks its password dialog after five wrong tries (30 s, doubling), which survives a reload.
"""
import pytest
from playwright.sync_api import expect

from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import ESSAY, start_final_exam

pytestmark = pytest.mark.browser


def test_the_page_refuses_a_weak_verifier(page, live_server, demo):
    """A session whose verifier has too few iterations (a tampered or misconfigured server) is not trusted."""
    def weaken(route):
        response = route.fetch()
        body = response.json()
        if body.get('password_verifier'):
            body['password_verifier']['iterations'] = 1000
        route.fulfill(response=response, json=body)

    page.route('**/session/', weaken)
    start_final_exam(page, live_server, demo)
    page.get_by_label(ESSAY).fill('x')
    page.get_by_role('button', name='Menu').click()
    page.get_by_role('menuitem', name='Save delivery as file').click()
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.get_by_role('button', name='Save delivery', exact=True).click()
    expect(page.locator('.od-error')).to_have_text('The password check is too weak; ask the exam office.',
                                                   timeout=20000)
    expect(page.get_by_role('heading', name='Delivery saved as file')).to_have_count(0)


def test_the_page_locks_its_password_dialog_after_five_wrong_tries(page, live_server, demo):
    start_final_exam(page, live_server, demo)
    page.get_by_label(ESSAY).fill('x')
    page.get_by_role('button', name='Menu').click()
    page.get_by_role('menuitem', name='Save delivery as file').click()
    for number in range(5):
        page.get_by_label('Invigilator password').fill(f'guess{number}')
        page.get_by_role('button', name='Save delivery', exact=True).click()
        expect(page.locator('.od-error')).to_have_text('Wrong invigilator password.', timeout=20000)
        page.locator('.od-error').evaluate('node => { node.textContent = ""; }')
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.get_by_role('button', name='Save delivery', exact=True).click()
    expect(page.locator('.od-error')).to_contain_text('Too many wrong passwords. Try again in')
    # A reload does not reset the count: the lock is kept with the answers on the device.
    page.reload()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    page.get_by_role('button', name='Menu').click()
    page.get_by_role('menuitem', name='Save delivery as file').click()
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.get_by_role('button', name='Save delivery', exact=True).click()
    expect(page.locator('.od-error')).to_contain_text('Too many wrong passwords. Try again in')
    expect(page.get_by_role('heading', name='Delivery saved as file')).to_have_count(0)
