"""
A pytest plugin for both runs (``-p tests.edx_proctoring_suite.pytest_plugin``): ``transaction.on_commit`` work runs
when the change it follows commits, as it does in a request of a real host.

edx-proctoring's tests are Django ``TestCase``s: each runs inside atomic blocks that are rolled back, so nothing
ever commits and on-commit callbacks (the plugin's sync of its attempt record) would never run; the plugin would be
installed but never exercised. Django's own answer, ``captureOnCommitCallbacks(execute=True)``, runs them only where
a test asks, and at the end of the ``with`` block rather than at the commit. The honest emulation is the commit
itself: the test case's own blocks stand for the database's autocommit mode, so

* ``on_commit`` called outside any block of the code under test runs at once, as in autocommit mode;
* when the outermost block of the code under test exits without error (its "commit"), the callbacks it collected
  run right there, in order, and an error of one propagates from that ``with`` block, as it does from the commit in
  production (``robust`` ones are logged instead, as Django does);
* a block that rolls back drops its callbacks (Django's savepoint rollback already removes them).

edx-proctoring itself queues nothing on commit, so in the baseline run this changes nothing; it is loaded there too
so that the two runs differ by the plugin only.
"""
import json
import logging

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)
#: On-commit callbacks this process has run (counted per test in the reports: see ``pytest_runtest_makereport``).
CALLBACKS_RUN = [0]


def _only_test_case_blocks(connection):
    """True inside a TestCase but outside any atomic block of the code under test (Django marks the test case's
    own blocks ``_from_testcase``, for its check of durable blocks)."""
    return bool(connection.atomic_blocks) and all(block._from_testcase for block in connection.atomic_blocks)


def _run_committed(connection):
    """Run the callbacks collected so far, as ``run_and_clear_commit_hooks`` does at a real commit."""
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, robust in callbacks:
        CALLBACKS_RUN[0] += 1
        if not robust:
            callback()
            continue
        try:
            callback()
        except Exception as error:
            log.error('Error calling %s in on_commit() (%s).', callback.__qualname__, error, exc_info=True)


_original_exit = transaction.Atomic.__exit__
_original_on_commit = BaseDatabaseWrapper.on_commit


def _atomic_exit(self, exc_type, exc_value, traceback):
    connection = transaction.get_connection(self.using)
    committing = exc_type is None and not connection.needs_rollback and not self._from_testcase
    result = _original_exit(self, exc_type, exc_value, traceback)
    if committing and _only_test_case_blocks(connection):
        _run_committed(connection)
    return result


def _on_commit(self, func, robust=False):
    _original_on_commit(self, func, robust)
    if _only_test_case_blocks(self):
        _run_committed(self)


def pytest_addoption(parser):
    parser.addoption('--suite-report', help='write the outcome of each test of this run to this JSON file (run.py)')


def pytest_configure(config):
    transaction.Atomic.__exit__ = _atomic_exit
    BaseDatabaseWrapper.on_commit = _on_commit
    # Only the controlling process records: pytest-xdist hands it every worker's reports.
    if config.getoption('suite_report') and not hasattr(config, 'workerinput'):
        config.pluginmanager.register(Recorder(config.getoption('suite_report')), 'edx-proctoring-suite-recorder')


def pytest_unconfigure(config):
    transaction.Atomic.__exit__ = _original_exit
    BaseDatabaseWrapper.on_commit = _original_on_commit


def pytest_sessionstart(session):
    """With the plugin installed, refuse to run unless it is wired in: a run without it would prove nothing."""
    if not apps.is_installed('offline_delivery_plugin'):
        return
    from edx_proctoring.signals import exam_attempt_status_signal

    from offline_delivery_plugin.settings.common import GATE_MIDDLEWARE
    from offline_delivery_plugin.signals.handlers import record_attempt_status

    receivers = exam_attempt_status_signal._live_receivers(sender='edx_proctoring')
    receivers = receivers[0] if isinstance(receivers, tuple) else receivers  # Django 5 gives (sync, async)
    missing = [what for what, present in (
        (f'{GATE_MIDDLEWARE} in MIDDLEWARE', GATE_MIDDLEWARE in settings.MIDDLEWARE),
        ('record_attempt_status connected to exam_attempt_status_signal', record_attempt_status in receivers),
    ) if not present]
    if missing:
        raise pytest.UsageError(f'The plugin is installed but not wired in: no {" and no ".join(missing)}.')


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """The teardown report of each test carries how many on-commit callbacks ran since the previous one."""
    report = yield
    if call.when == 'teardown':
        ran, CALLBACKS_RUN[0] = CALLBACKS_RUN[0], 0
        report.user_properties.append(('on_commit_callbacks', ran))
    return report


class Recorder:
    """Each test's outcome by node id, from every phase (an error in setup or teardown fails the test)."""

    def __init__(self, path):
        self.path = path
        self.outcomes = {}
        self.callbacks = 0

    def pytest_collectreport(self, report):
        if report.failed:
            self.outcomes[report.nodeid] = 'failed'

    def pytest_runtest_logreport(self, report):
        self.callbacks += sum(value for name, value in report.user_properties if name == 'on_commit_callbacks')
        previous = self.outcomes.get(report.nodeid)
        if report.failed:
            outcome = 'failed'
        elif hasattr(report, 'wasxfail'):
            outcome = 'xfailed' if report.skipped else 'xpassed'
        elif report.skipped:
            outcome = 'skipped'
        elif report.when == 'call':
            outcome = 'passed'
        else:
            outcome = previous
        if previous != 'failed' and outcome is not None:
            self.outcomes[report.nodeid] = outcome

    def pytest_sessionfinish(self, session):
        with open(self.path, 'w', encoding='utf-8') as out:
            json.dump({'outcomes': self.outcomes, 'on_commit_callbacks': self.callbacks}, out, indent=0,
                      sort_keys=True)
