"""
Browser chaos (issue 8, item 8, in ``make stress``): while the candidate types in a unit of the learning MFE, the
hall's network goes off and on at random moments, 200 times (for the page and its service worker alike); after the
last reconnection and the page's final save, every character typed is on the server. Seeded, so a failure can be
replayed.
"""
import random
import string

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ESSAY, come_back_online, go_offline, open_final_exam, server_answers, wait_until_sent

pytestmark = [pytest.mark.browser, pytest.mark.stress]

TOGGLES = 200
SEED = 20261122


def test_every_character_typed_through_200_network_toggles_reaches_the_server(page, live_server, mfe, hall_network,
                                                                                demo):
    rng = random.Random(SEED)
    unit = open_final_exam(page, live_server, mfe, demo, unit=4)
    essay = unit.get_by_label(ESSAY)
    essay.click()
    typed, offline, toggles = [], False, 0
    alphabet = string.ascii_letters + 'åäöÅÄÖ ' * 3
    while toggles < TOGGLES:
        chunk = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        page.keyboard.type(chunk, delay=rng.randint(0, 15))
        typed.append(chunk)
        # Toggle at a random moment: right after a keystroke, during the page's 2-s "send soon" wait, or while a
        # save is in flight.
        page.wait_for_timeout(rng.choice([0, 0, 5, 40, 150, 400, 900, 2100]))
        offline = not offline
        if offline:
            go_offline(page, hall_network)
        else:
            come_back_online(page, hall_network)
        toggles += 1
    come_back_online(page, hall_network)
    unit.evaluate("window.dispatchEvent(new Event('online'))")  # as the browser does when the network returns
    text = ''.join(typed)
    expect(essay).to_have_value(text)
    wait_until_sent(unit)
    print(f'\nchaos: {TOGGLES} network toggles, {len(text)} characters typed in {len(typed)} bursts')
    assert server_answers(demo.verified_learner, demo)['final_essay_offline'] == text
