"""
The demo as a new user meets it: the people on the start page, in ``make demo``'s output and in the README all come
from ``DEMO_USERS``, and the demo course can be brought back to its first state to be walked again.
"""
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from offline_delivery_plugin import api
from sandbox.host.demo import DEMO_USERS, INVIGILATOR_PASSWORD
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, save_problem_answer, start_exam, submit_exam

ROOT = Path(__file__).resolve().parents[2]
USERNAMES = [demo_user.username for demo_user in DEMO_USERS]


def test_the_start_page_lists_every_demo_user_and_says_how_many(client, demo):
    page = client.get('/').content.decode()
    listed = re.findall(r'<tr><td><code>(\w+)</code></td>', page)
    assert listed == USERNAMES
    assert f'The demo has {len(DEMO_USERS)} users' in page


def test_seed_demo_prints_every_login(db):
    """``make demo`` shows seed_demo's output: its "Logins:" line is the whole DEMO_USERS list."""
    out = StringIO()
    call_command('seed_demo', stdout=out)
    logins = re.search(r'^\s*Logins:\s+(.+)$', out.getvalue(), re.MULTILINE)
    assert logins, out.getvalue()
    assert logins.group(1).split(', ') == USERNAMES


def test_no_demo_user_list_is_written_by_hand_elsewhere():
    """The Makefile names nobody (seed_demo prints the logins); the README's demo section names everybody."""
    makefile = (ROOT / 'Makefile').read_text()
    assert not [name for name in USERNAMES if re.search(rf'\b{name}\b', makefile)]
    readme = (ROOT / 'README.rst').read_text()
    demo_section = readme.split('What you can do in the demo today', 1)[1].split('Installing into Open edX', 1)[0]
    assert [name for name in USERNAMES if f'``{name}``' not in demo_section] == []
    assert 'make demo-reset' in demo_section


# --- The reset -----------------------------------------------------------------------------------------------------

#: Every table of the host (the sandbox LMS), of edx-proctoring (with its history tables) and of the plugin.
APPS = ('host', 'edx_proctoring', 'offline_delivery_plugin')
#: Kept by the reset, so left out of the comparison: the exam keys (made for the first candidate page) and the
#: invigilator passwords (a changed one is set back to the demo's, the others stay retired); the exams' publish
#: history grows with each seed_demo, as Studio's would.
KEPT = {'offline_delivery_plugin.ExamKey', 'offline_delivery_plugin.InvigilatorPassword',
        'edx_proctoring.HistoricalProctoredExam'}


def rows_per_table():
    return {model._meta.label: model._default_manager.count()
            for label in APPS for model in apps.get_app_config(label).get_models()
            if model._meta.label not in KEPT}


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(media)) for path in media.rglob('*') if path.is_file()) if media.exists() else []


def answer(client, demo, block_type, block_id, value):
    save_problem_answer(client, str(demo.course_key.make_usage_key(block_type, block_id)), value)


def walk_the_demo(client, demo, django_capture_on_commit_callbacks):
    """What a walk through README's demo leaves behind: attempts, answers, files, reopenings, requests, reports."""
    with django_capture_on_commit_callbacks(execute=True):
        # Flow A then C: Vera writes online (and the warm-up outside the exam), an invigilator uploads her file.
        vera = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
        answer(client, demo, 'problem', 'welcome_name', 'Vera')
        answer(client, demo, 'problem', 'final_control_word', 'hej')
        api.upload_delivery_file(delivery_file(demo.verified_learner, vera, {CONTROL_WORD: 'hej'}),
                                 demo.course_key, demo.final_exam_id, vera['id'], demo.invigilator)
        # Flow D: the chief invigilator opens it for resubmission.
        api.reopen_attempt(demo.course_key, demo.final_exam_id, vera['id'], 10, 'Wi-Fi', demo.chief_invigilator)
        # Flow B: Ville, given 15 extra minutes on request (an allowance), delivers his own file; a whole USB stick
        # goes up for nobody in particular.
        asked = api.create_exam_request(demo.verified_learner2, demo.course_key, demo.final_exam_id,
                                        'additional_time', 'Dyslexia.')
        api.decide_exam_request(demo.course_key, asked.request_id, demo.course_staff, True, minutes=15)
        ville = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
        api.deliver_file(delivery_file(demo.verified_learner2, ville, {}), ville['id'], None, 'self')
        api.start_bulk_upload([('stick.offline-delivery', b'not a delivery file')], demo.course_key,
                              demo.final_exam_id, demo.invigilator)
        # The course team: Ada's practice exam, Ville's pending retake request, a results report, a new
        # invigilator password.
        practice = start_exam(client, demo.audit_learner, demo.course_key, demo.practice_exam_id)
        submit_exam(client, practice)
        api.create_exam_request(demo.verified_learner2, demo.course_key, demo.final_exam_id, 'retake', 'Ill.')
        api.request_results_report(demo.course_key, demo.course_staff)
        api.set_invigilator_password(demo.course_key, demo.final_exam_id, 'hall-C-changed-today-7391',
                                     set_by=demo.course_staff)


def test_the_reset_brings_the_course_back_to_a_fresh_seed(client, demo, settings,
                                                           django_capture_on_commit_callbacks):
    fresh = rows_per_table()
    walk_the_demo(client, demo, django_capture_on_commit_callbacks)
    assert rows_per_table() != fresh
    assert stored_files(settings), 'the walk stored delivery files, a batch and a report'

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command('reset_demo', stdout=out)

    after = rows_per_table()
    # The reset's seed is committed, so its publish is checked and audited once (the settings check after each
    # publish); the fixture's seed never commits, so its baseline has no such event.
    checks = list(api.list_audit_events(demo.course_key))
    assert [(event['kind'], event['outcome'], event['channel']) for event in checks] == [
        ('course_settings', 'ok', 'publish')]
    after['offline_delivery_plugin.AuditEvent'] -= 1
    assert {label: (after[label], count) for label, count in fresh.items() if after[label] != count} == {}
    assert stored_files(settings) == []
    assert api.list_course_requests(demo.course_key) == []
    assert api.list_results_reports(demo.course_key) == []
    assert api.check_invigilator_password(demo.course_key, demo.final_exam_id, INVIGILATOR_PASSWORD)
    assert 'Logins:' in out.getvalue()

    # Each learner can take each exam again, from the start.
    again = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert again['status'] == 'started' and again['allowed_time_limit_mins'] == 60
    start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    start_exam(client, demo.audit_learner, demo.course_key, demo.practice_exam_id)


def test_the_reset_leaves_other_courses_alone(client, demo, other_course, django_capture_on_commit_callbacks):
    api.record_audit_event(other_course.course_key, 'password_set', 'ok', actor=other_course.staff)
    with django_capture_on_commit_callbacks(execute=True):
        call_command('reset_demo', stdout=StringIO())
    assert len(list(api.list_audit_events(other_course.course_key))) == 1


# --- The button on the start page ----------------------------------------------------------------------------------

RESET_URL = '/demo/reset/'


def vera_on_the_monitor(demo):
    _exam, rows = api.get_monitor(demo.course_key, demo.final_exam_id)
    return next(row.state for row in rows if row.username == 'verified_learner')


@pytest.mark.parametrize(('username', 'may'), [
    ('admin', True), ('course_staff', True),
    ('chief_invigilator', False), ('invigilator', False), ('verified_learner', False), ('audit_learner', False),
])
def test_only_the_operator_and_course_staff_may_reset(client, demo, username, may,
                                                      django_capture_on_commit_callbacks):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    client.force_login(demo.users[username])
    page = client.get('/').content.decode()
    assert ('Reset the demo course' in page) is may
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET_URL, {'confirm': 'yes'})
    if may:
        assert response.status_code == 302 and response['Location'] == '/'
        assert 'The demo course is back to its first state.' in client.get('/').content.decode()
        assert vera_on_the_monitor(demo) == 'not_started'
    else:
        assert response.status_code == 403
        assert vera_on_the_monitor(demo) != 'not_started'


def test_the_button_asks_for_confirmation_and_a_post(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    client.force_login(demo.course_staff)
    assert client.get(RESET_URL).status_code == 405
    unconfirmed = client.post(RESET_URL, {})
    assert unconfirmed.status_code == 400
    assert vera_on_the_monitor(demo) != 'not_started'
    assert client.post(RESET_URL).status_code == 400


def test_signed_out_visitors_are_sent_to_sign_in(client, demo):
    response = client.post(RESET_URL, {'confirm': 'yes'})
    assert response.status_code == 302 and '/login/' in response['Location']
