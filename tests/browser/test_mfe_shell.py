"""
The learner's exam as the learning MFE shows it: the sandbox's MFE shell on its own origin, with the real
@edx/frontend-lib-special-exams around the exam subsection and each unit in an iframe of the LMS's render_xblock.

A proctored exam proctored on site goes through the library's own screens: the entrance, *Set up and start your
proctored exam* with the hall's instructions, the invigilator's check-in on the page *Start System Check* opens,
*Start Exam*, the rules, and then the units.
"""
import pytest
from edx_proctoring import api as proctoring_api
from playwright.sync_api import expect

from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.browser.helpers import CONTROL_WORD, ESSAY, install_clock, log_in, server_answers
from tests.helpers import use_onsite_invigilation

pytestmark = pytest.mark.browser


def test_a_proctored_exam_in_a_hall_starts_after_the_check_in(page, live_server, mfe_shell, demo, settings, screenshot):
    # edx-proctoring's links to the exam (the check-in page's way back) are the MFE's, as on a site with the MFE.
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    use_onsite_invigilation(demo)
    log_in(page, live_server.url, 'verified_learner')
    exam_url = f'{mfe_shell}/course/{demo.course_key}/{demo.final_exam_id}'
    page.goto(exam_url)

    expect(page.get_by_text('This exam is proctored')).to_be_visible(timeout=20000)
    expect(page.locator('#unit-iframe')).to_have_count(0)
    page.get_by_role('button', name='Continue to my proctored exam.').click()

    expect(page.get_by_text('Set up and start your proctored exam.')).to_be_visible()
    expect(page.get_by_text('This exam is taken in an exam hall.')).to_be_visible()
    screenshot(page, 'mfe-onsite-setup')
    page.get_by_role('button', name='Start Exam').click()
    # The library's own refusal while the check-in is not done.
    expect(page.get_by_text('You must complete the proctoring setup before you can start the exam.')).to_be_visible()
    page.get_by_role('button', name='Ok').click()

    page.get_by_role('button', name='Start System Check').click()
    expect(page.get_by_role('heading', name='Final exam (proctored): check-in')).to_be_visible()
    page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
    page.get_by_role('button', name='Confirm the candidate').click()
    expect(page.get_by_role('status')).to_have_text('You are checked in.')
    page.get_by_role('link', name='Back to the exam').click()

    # Back in the MFE, the attempt is ready to start: the library's last screen before the clock runs.
    expect(page.get_by_text('You have 1 hour to complete this exam.')).to_be_visible(timeout=20000)
    screenshot(page, 'mfe-onsite-ready')
    page.get_by_role('button', name='Start exam', exact=True).click()

    unit = page.frame_locator('#unit-iframe')
    expect(unit.get_by_role('heading', name='Control word')).to_be_visible(timeout=30000)
    attempt = proctoring_api.get_current_exam_attempt(
        proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)['id'], demo.verified_learner.id)
    assert attempt['status'] == 'started'

    # The plugin's candidate page runs in the unit's iframe and saves what is typed there; moving to another unit
    # (a new iframe) keeps the first unit's answer in the same attempt's autosave. The clock is the library's: the
    # page shows none of its own while it reaches the server.
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=15000)
    expect(unit.locator('.od-status')).to_have_text('All answers saved on the server.')
    expect(unit.locator('.od-timer')).to_be_hidden()
    unit.get_by_label(CONTROL_WORD).fill('hej')
    expect(unit.locator('#offline-delivery[data-pending="0"]:not([data-acked-seq="0"])')).to_have_count(
        1, timeout=15000)
    screenshot(page, 'mfe-exam-unit')
    install_clock(page)
    page.get_by_role('button', name='4', exact=True).click()
    expect(unit.get_by_label(ESSAY)).to_be_visible(timeout=30000)
    expect(unit.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=15000)
    unit.get_by_label(ESSAY).fill('written in the fourth unit')
    expect(unit.locator('#offline-delivery[data-pending="0"]:not([data-acked-seq="0"])')).to_have_count(
        1, timeout=15000)
    held = server_answers(demo.verified_learner, demo)
    assert (held['final_control_word'], held['final_essay_offline']) == ('hej', 'written in the fourth unit')

    # Without the network the page counts on its own, and says so.
    page.context.set_offline(True)
    page.clock.run_for(61000)
    expect(unit.locator('.od-lost')).to_be_visible()
    expect(unit.locator('.od-timer')).to_contain_text('Time left (counted on this device): 0:5')
    page.context.set_offline(False)


def test_the_start_gates_refusal_reaches_the_library_as_its_own_errors_do(page, live_server, mfe_shell, demo,
                                                                          screenshot):
    """
    The start gate answers the library's start with a 403 whose ``detail`` is the plugin's reason. The library shows
    an API error as ``message || detail`` of the error frontend-platform's interceptor hands it, whose ``message``
    is always "Axios Error (Response): <status> ..." (frontend-platform 8.7.1, auth/utils.js processAxiosError):
    so the learner reads that, as for edx-proctoring's own refusals, and the reason stays in the response.
    """
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.create_exam_request(demo.verified_learner, demo.course_key, demo.timed_exam_id, 'additional_time',
                            'Dyslexia, confirmed by Disability Services.')
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe_shell}/course/{demo.course_key}/{demo.timed_exam_id}')
    start = page.get_by_role('button', name='I am ready to start this timed exam.')
    expect(start).to_be_visible(timeout=20000)
    with page.expect_response(lambda response: response.request.method == 'POST'
                              and '/proctored_exam/attempt' in response.url) as refused:
        start.click()
    assert refused.value.status == 403
    assert 'still pending' in refused.value.json()['detail']
    expect(page.get_by_test_id('exam-api-error-component')).to_contain_text('Axios Error (Response): 403')
    expect(page.locator('#unit-iframe')).to_have_count(0)
    # The plugin's line in the breadcrumbs slot, above the library's screens, says why and where to look.
    info = page.frame_locator('#offline-delivery-exam-file')
    expect(info.get_by_role('alert')).to_contain_text('you cannot start this exam until the course team has answered')
    expect(info.get_by_role('link', name="The exam's rules, your requests and your result")).to_be_visible()
    screenshot(page, 'mfe-start-gate')
