"""
Fixtures shared by the whole suite: the demo course and its people, an attempt in progress or submitted, and the
switch between the embedded run (``make test``) and the service-backed run (``make test-services``).
"""
import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from offline_delivery_plugin.crypto import verifier  # no Django import: safe before settings load

_REAL_MAKE_VERIFIER = verifier.make_verifier

SERVICES = os.environ.get('OFFLINE_DELIVERY_SERVICES') == '1'
STRESS = os.environ.get('OFFLINE_DELIVERY_STRESS') == '1'


def pytest_configure(config):
    if SERVICES:
        # The service-backed run must really have its services: fail now rather than skip later.
        engine = settings.DATABASES['default']['ENGINE']
        if engine != 'django.db.backends.mysql' or settings.CELERY_TASK_ALWAYS_EAGER:
            raise pytest.UsageError(
                'OFFLINE_DELIVERY_SERVICES=1 needs DATABASE_URL=mysql://... and CELERY_BROKER_URL (make test-services).'
            )


def pytest_collection_modifyitems(config, items):
    """
    Tests marked ``stress`` run only in ``make stress``, and only they run there; in the embedded run, tests marked
    ``services`` are deselected too. Deselected tests are counted as such, never skipped.
    """
    def wanted(item):
        if STRESS:
            return item.get_closest_marker('stress') is not None
        if item.get_closest_marker('stress'):
            return False
        return SERVICES or item.get_closest_marker('services') is None

    selected, deselected = [], []
    for item in items:
        (selected if wanted(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def eager_celery():
    """
    Run Celery tasks in the test's own process, whatever the run: unit tests check what a task does; the
    service-backed run checks separately that a real worker does it (tests/services).
    """
    from sandbox.celery import app  # pylint: disable=import-outside-toplevel

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files the tests store (delivery files) go to a temporary directory, not the sandbox's var/."""
    settings.MEDIA_ROOT = str(tmp_path / 'media')


@pytest.fixture(autouse=True)
def _reuse_password_verifiers(monkeypatch):
    """
    Compute each test password's 600,000-iteration verifier once per session, not once per seeded course.
    The verifier is still a real PBKDF2 verifier (only its salt is shared between tests).
    """
    monkeypatch.setattr(verifier, 'make_verifier', _cached_make_verifier)


_VERIFIERS = {}


def _cached_make_verifier(password, iterations=verifier.MIN_ITERATIONS):
    if (password, iterations) not in _VERIFIERS:
        _VERIFIERS[(password, iterations)] = _REAL_MAKE_VERIFIER(password, iterations)
    return _VERIFIERS[(password, iterations)]


@pytest.fixture
def demo(db):
    """The seeded demo course, as ``make demo`` creates it; returns a namespace of its course and users."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from sandbox.host.demo import COURSE_ID, DEMO_USERS
    from sandbox.host.models import Course

    call_command('seed_demo', stdout=StringIO())
    users = {u.username: get_user_model().objects.get(username=u.username) for u in DEMO_USERS}

    class Demo:  # pylint: disable=too-few-public-methods
        course_key = CourseKey.from_string(COURSE_ID)
        course = Course.objects.get(course_key=course_key)
        final_exam_id = str(course_key.make_usage_key('sequential', 'final_exam'))
        practice_exam_id = str(course_key.make_usage_key('sequential', 'practice_exam'))
        timed_exam_id = str(course_key.make_usage_key('sequential', 'timed_quiz'))

    Demo.users = users
    for username, user in users.items():
        setattr(Demo, username, user)
    return Demo


@pytest.fixture
def other_course(db):
    """A second course with its own staff member: staff there are nobody here."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from sandbox.host.models import Course, CourseAccessRole

    course = Course.objects.create(course_key=CourseKey.from_string('course-v1:OtherU+OTHER1+2026'),
                                  display_name='Another course')
    staff = get_user_model().objects.create_user('other_staff', 'other_staff@example.invalid', 'edx')
    CourseAccessRole.objects.create(user=staff, course=course, role='staff')
    course.staff = staff
    return course


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in Swedish (LocaleMiddleware) leaves Swedish active in
    the thread, so the next test would read Swedish messages."""
    from django.utils import translation  # pylint: disable=import-outside-toplevel

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_course_settings():
    """Each test reads its courses' offline-delivery settings fresh (a process keeps them for the autosave)."""
    from offline_delivery_plugin import api  # pylint: disable=import-outside-toplevel

    api.forget_recent_course_delivery_settings()
    api.forget_recent_safe_exam_browser_settings()
    yield
    api.forget_recent_course_delivery_settings()
    api.forget_recent_safe_exam_browser_settings()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: password tries counted by one test never lock another's."""
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()


@pytest.fixture
def attempt(client, demo):
    """``verified_learner``'s attempt at the final exam, started through edx-proctoring's REST API."""
    from tests.helpers import start_exam  # pylint: disable=import-outside-toplevel

    return start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)


@pytest.fixture
def submitted(client, demo):
    """``verified_learner``'s final-exam attempt, submitted 20 minutes into the hour, last online 5 minutes before."""
    # pylint: disable=import-outside-toplevel
    from datetime import timedelta

    from edx_proctoring.models import ProctoredExamStudentAttempt

    from offline_delivery_plugin import api
    from offline_delivery_plugin.models import AttemptRecord
    from tests.helpers import CONTROL_WORD, Chain, post, start_exam, submit_exam

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    post(client, attempt['id'], Chain(attempt).next({CONTROL_WORD: 'hej'}))
    row = ProctoredExamStudentAttempt.objects.get(id=attempt['id'])
    start = row.started_at
    submit_exam(client, attempt)
    ProctoredExamStudentAttempt.objects.filter(id=attempt['id']).update(
        started_at=start - timedelta(minutes=20), completed_at=start)
    api.sync_attempt_record(attempt['id'])
    AttemptRecord.objects.filter(attempt_id=attempt['id']).update(last_contact_at=start - timedelta(minutes=5))
    return attempt
