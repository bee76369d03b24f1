"""
The countdown's warnings at 20 % and 5 % of the learner's own allowed time, allowances included (the stock
frontend counts from the exam's base time), announced as alerts, once each.
"""
import pytest
from edx_proctoring import api as proctoring_api
from playwright.sync_api import expect

from offline_delivery_plugin import api
from tests.browser.helpers import log_in, start_final_exam

pytestmark = pytest.mark.browser


def test_warnings_count_from_the_learners_own_time(page, live_server, demo, screenshot):
    request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'additional_time',
                                      'Per Disability Services.')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, minutes=15)
    page.clock.install()
    start_final_exam(page, live_server, demo)
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    assert proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)[
        'allowed_time_limit_mins'] == 75
    warning = page.locator('.od-time-warning')
    expect(warning).to_be_hidden()

    # 75 minutes allowed: 20 % is 15 minutes left (the base hour would have warned at 12), 5 % is 3.75 minutes.
    page.clock.fast_forward('00:59:00')
    page.clock.run_for(2000)
    expect(warning).to_be_hidden()
    page.clock.fast_forward('00:01:10')
    page.clock.run_for(2000)
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute('role', 'alert')
    expect(warning).to_have_text('20 percent of your time is left: 15 minutes. Your answers are being saved.')
    # The clock jumped an hour: until the next save answers, the page has not heard from the server for that long.
    page.clock.run_for(16000)
    expect(page.locator('.od-lost')).to_be_hidden()
    screenshot(page, 'candidate-time-warning-20')
    screenshot(page, 'guide-time-warning', page.locator('#offline-delivery'))

    page.clock.fast_forward('00:11:20')
    page.clock.run_for(2000)
    expect(warning).to_have_text('5 percent of your time is left: 4 minutes. Your answers are being saved.')
    expect(page.locator('.od-time-warning-5')).to_be_visible()


def test_a_verified_learner_chooses_the_open_exam_where_the_course_allows_it(page, live_server, demo, screenshot):
    demo.course.allow_proctoring_opt_out = True
    demo.course.save()
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/subsection/{demo.final_exam_id}/')
    expect(page.get_by_role('button', name='Start the exam')).to_be_visible()
    choice = page.get_by_role('button', name='Take it as an open exam (no credit)')
    screenshot(page, 'learner-proctored-or-open')
    choice.click()
    expect(page.locator(".xblock-v1[data-block-type='problem']")).to_have_count(9)
    expect(page.locator('.track-note')).to_contain_text('as an open exam, without proctoring')
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)
    # edx-proctoring records the choice as "declined": the subsection is then shown as a plain one, no proctoring.
    assert (attempt['status'], attempt['taking_as_proctored']) == ('declined', False)


def test_a_warning_in_the_singular_and_gone_when_time_is_up(page, live_server, demo):
    """The 20-minute timed quiz warns at 5 % with one minute left: "1 minute", not "1 minutes"; at zero the warning
    of time left goes, beside "Time is up" (it stayed, saying one minute was left)."""
    page.clock.install()
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{live_server.url}/courses/{demo.course_key}/subsection/{demo.timed_exam_id}/')
    page.get_by_role('button', name='Start the exam').click()
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1)
    warning = page.locator('.od-time-warning')
    page.clock.fast_forward('00:19:01')
    page.clock.run_for(2000)
    expect(warning).to_have_text('5 percent of your time is left: 1 minute. Your answers are being saved.')
    page.clock.fast_forward('00:01:10')
    page.clock.run_for(2000)
    expect(page.locator('.od-time-up')).to_contain_text('Time is up.')
    expect(warning).to_be_hidden()
    expect(page.locator('#offline-delivery')).not_to_contain_text('percent of your time is left')
