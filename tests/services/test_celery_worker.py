"""
The service-backed run (``make test-services``): tasks go through Redis to a real worker process on MariaDB.
"""
import time

import pytest
from django.conf import settings
from django.db import connection

from offline_delivery_plugin import api
from tests.helpers import CONTROL_WORD, start_exam, submit_exam

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(check, seconds=30):
    """Poll ``check`` until it returns something truthy (the worker is another process)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return check()


def test_the_run_really_uses_its_services():
    assert connection.vendor == 'mysql'
    assert 'MariaDB' in connection.mysql_server_info
    assert settings.CELERY_BROKER_URL.startswith('redis://')
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def status_of(attempt_id):
    record = api.get_attempt_record(attempt_id)
    return record.proctoring_status if record else None


def test_a_worker_process_follows_the_attempt(client, demo, celery_worker_process):
    # Creating and starting commit separately, so the worker may first record "created"; each task reads
    # edx-proctoring's current state, so the record settles on the last status whatever order tasks run in.
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert wait_for(lambda: status_of(attempt['id']) == 'started'), status_of(attempt['id'])

    submit_exam(client, attempt)
    assert wait_for(lambda: status_of(attempt['id']) == 'submitted'), status_of(attempt['id'])
    record = api.get_attempt_record(attempt['id'])
    assert (record.user_id, record.content_id) == (demo.verified_learner.id, demo.final_exam_id)
    assert celery_worker_process.poll() is None


def test_a_worker_process_delivers_a_bulk_upload(client, demo, celery_worker_process, settings):
    settings.MEDIA_ROOT = celery_worker_process.media_root  # the storage the worker reads
    from tests.crypto_helpers import delivery_file  # pylint: disable=import-outside-toplevel

    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    data = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
    upload_id = api.start_bulk_upload([('vera.offline-delivery', data)], demo.course_key, demo.final_exam_id,
                                      demo.invigilator)
    done = wait_for(lambda: api.get_bulk_upload(upload_id, demo.course_key).status == 'done')
    batch = api.get_bulk_upload(upload_id, demo.course_key)
    assert done, batch
    assert [line['outcome'] for line in batch.results] == ['accepted']
    assert wait_for(lambda: status_of(attempt['id']) == 'submitted'), status_of(attempt['id'])


def test_a_worker_process_writes_the_results_report(client, demo, celery_worker_process, settings):
    settings.MEDIA_ROOT = celery_worker_process.media_root  # the storage the worker writes to
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    submit_exam(client, attempt)
    queued = api.request_results_report(demo.course_key, demo.course_staff)

    def finished():
        (report,) = [r for r in api.list_results_reports(demo.course_key) if r.report_id == queued.report_id]
        return report if report.status == 'done' else None

    report = wait_for(finished)
    assert report and (report.total, report.done) == (1, 1)
    handle, name = api.open_report_download(demo.course_key, api.make_download_token(
        report.report_id, demo.course_staff.id), demo.course_staff)
    with handle:
        lines = handle.read().decode().splitlines()
    assert name == report.file_name and len(lines) == 2 and attempt['attempt_code'] in lines[1]
