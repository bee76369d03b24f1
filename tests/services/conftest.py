"""
A real Celery worker process for the service-backed run, on the same MariaDB database and Redis broker.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='session')
def celery_worker_process(django_db_setup, tmp_path_factory):
    """
    Start ``celery -A sandbox worker`` once the test database exists and wait until it answers a ping.

    The test settings point the test database at the configured one (``TEST.NAME == NAME`` on MySQL), so the
    worker, which reads ``DATABASE_URL`` like the tests, writes where the tests read.
    """
    from sandbox.celery import app  # pylint: disable=import-outside-toplevel

    log_path = tmp_path_factory.mktemp('celery') / 'worker.log'
    media_root = tmp_path_factory.mktemp('shared-media')  # files the tests store, the worker reads
    name = f'offline-delivery-ci-{os.getpid()}@localhost'
    env = dict(os.environ, DJANGO_SETTINGS_MODULE='sandbox.settings.test', PYTHONPATH=str(ROOT),
               SANDBOX_MEDIA_ROOT=str(media_root))
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'celery', '-A', 'sandbox', 'worker', '--pool=solo', '--loglevel=INFO',
             '-Q', app.conf.task_default_queue, '-n', name],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f'The Celery worker exited ({process.returncode}):\n{log_path.read_text()[-3000:]}')
            if any(name in reply for reply in app.control.ping(timeout=1.0) or []):
                break
        else:
            pytest.fail(f'The Celery worker did not answer within 90 s:\n{log_path.read_text()[-3000:]}')
        process.media_root = str(media_root)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
