"""
One clock (ADR 0016). In the learning MFE the clock and its warnings are frontend-lib-special-exams' (4.1.0,
``src/timer/TimerProvider.jsx``: at 20 % and 5 % of the exam's ``time_limit_mins`` its timer bar turns to a warning,
then a danger colour); the candidate page in the unit shows neither a clock nor warnings of its own while it reaches
the server. Where the page is not framed (a unit opened from *Exams on this device*, or ``/xblock/`` opened by
itself) it is the only clock, and it warns at 20 % and 5 % of the learner's own allowed time, allowances included,
as alerts, once each.
"""
import pytest
from edx_proctoring import api as proctoring_api
from playwright.sync_api import expect

from offline_delivery_plugin import api
from tests.browser.helpers import install_clock, log_in, open_final_exam, started_attempt
from tests.helpers import start_exam

pytestmark = pytest.mark.browser


def allow_fifteen_more_minutes(demo):
    request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id, 'additional_time',
                                      'Per Disability Services.')
    api.decide_exam_request(demo.course_key, request.request_id, demo.course_staff, True, minutes=15)


def test_in_the_mfe_the_clock_and_its_warnings_are_the_librarys(page, live_server, mfe, demo):
    allow_fifteen_more_minutes(demo)
    install_clock(page)
    unit = open_final_exam(page, live_server, mfe, demo)
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    assert proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)[
        'allowed_time_limit_mins'] == 75
    timer = page.get_by_test_id('exam-timer')
    expect(timer).to_contain_text('1:14:')  # the library counts the learner's own 75 minutes
    page.clock.fast_forward('01:04:00')  # 11 minutes left: under the library's 20 % of the exam's 60
    page.clock.run_for(2000)
    expect(page.locator('.alert-warning [data-testid="exam-timer"]')).to_have_count(1)
    expect(unit.locator('.od-timer')).to_be_hidden()
    expect(unit.locator('.od-time-warning')).to_be_hidden()
    expect(unit.locator('#offline-delivery')).not_to_contain_text('percent of your time is left')


def unit_page(page, live_server, demo, unit_id):
    """The unit's render_xblock opened by itself, not framed: the candidate page keeps its own clock."""
    page.goto(f'{live_server.url}/xblock/{demo.course_key.make_usage_key("vertical", unit_id)}')
    expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)


def test_unframed_the_warnings_count_from_the_learners_own_time(page, live_server, demo, screenshot):
    allow_fifteen_more_minutes(demo)
    install_clock(page)
    started_attempt(demo)
    log_in(page, live_server.url, 'verified_learner')
    unit_page(page, live_server, demo, 'final_part_d')
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


def test_the_librarys_open_exam_choice_starts_no_open_exam(page, live_server, mfe, demo, screenshot):
    """
    Where the course allows opting out, the library offers *Take this exam without proctoring*. Its
    *Continue Exam Without Proctoring* calls ``createExamAttempt(exam.id, true, false, useLegacyAttemptApi)``
    against the signature ``(examId, legacyAttempt, startClock, attemptProctored)`` (4.1.0,
    ``src/data/thunks.js`` ``skipProctoringExam`` and ``src/data/api.js``): with edx-proctoring it creates a
    *proctored* attempt without the clock, not a declined one, so the learner lands on the hall's setup screen.
    docs/course-team.rst tells course teams of halls to leave *Allow Opting Out* off.
    """
    demo.course.allow_proctoring_opt_out = True
    demo.course.save()
    log_in(page, live_server.url, 'verified_learner')
    page.goto(f'{mfe}/course/{demo.course_key}/{demo.final_exam_id}')
    expect(page.get_by_role('button', name='Continue to my proctored exam.')).to_be_visible(timeout=20000)
    screenshot(page, 'learner-proctored-or-open')
    page.get_by_role('button', name='Take this exam without proctoring.').click()
    with page.expect_response(lambda response: response.request.method == 'POST'
                              and '/proctored_exam/attempt' in response.url) as created:
        page.get_by_role('button', name='Continue Exam Without Proctoring').click()
    assert created.value.request.post_data_json == {
        'exam_id': created.value.request.post_data_json['exam_id'], 'start_clock': 'false',
        'attempt_proctored': 'true'}
    expect(page.get_by_text('Set up and start your proctored exam.')).to_be_visible(timeout=20000)
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.final_exam_id)
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], demo.verified_learner.id)
    assert (attempt['status'], attempt['taking_as_proctored']) == ('created', True)


def test_a_warning_in_the_singular_and_gone_when_time_is_up(page, live_server, demo, client):
    """The 20-minute timed quiz warns at 5 % with one minute left: "1 minute", not "1 minutes"; at zero the warning
    of time left goes, beside "Time is up" (it stayed, saying one minute was left)."""
    install_clock(page)
    start_exam(client, demo.verified_learner, demo.course_key, demo.timed_exam_id, proctored=False)
    log_in(page, live_server.url, 'verified_learner')
    unit_page(page, live_server, demo, 'timed_unit')
    warning = page.locator('.od-time-warning')
    page.clock.fast_forward('00:19:01')
    page.clock.run_for(2000)
    expect(warning).to_have_text('5 percent of your time is left: 1 minute. Your answers are being saved.')
    page.clock.fast_forward('00:01:10')
    page.clock.run_for(2000)
    expect(page.locator('.od-time-up')).to_contain_text('Time is up.')
    expect(warning).to_be_hidden()
    expect(page.locator('#offline-delivery')).not_to_contain_text('percent of your time is left')
