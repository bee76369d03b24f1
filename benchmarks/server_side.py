"""
The server-side benchmarks on the bench database: verifying and applying delivery files (in this process), a bulk
upload of 500 files delivered by a real Celery worker with one and with two processes, the Monitor at hall scale,
and the results report for 100,000 attempts.
Each is measured beside its floor in the same run.
"""
import contextlib
import csv
import io
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

from benchmarks.common import ROOT, answer_field, candidates, exam_course, result, start_attempts


def _files(course, exam, prefix, count, items):
    """``count`` started attempts and, for each, a delivery file answering every item."""
    # pylint: disable=import-outside-toplevel
    from offline_delivery_plugin import api
    from tests.crypto_helpers import delivery_file

    users = candidates(course, count, prefix)
    attempts = start_attempts(exam, users)
    text = 'Svar med åäö och en mening som liknar ett riktigt provsvar. ' * 3
    item_ids = api.start_candidate_session(users[0], attempts[0]['id']).items
    assert len(item_ids) == items, (len(item_ids), items)
    return [(attempt, delivery_file(user, attempt, dict.fromkeys(map(answer_field, item_ids), text)))
            for user, attempt in zip(users, attempts)]


DELIVERY_FILES = int(os.environ.get('BENCH_DELIVERY_FILES', '60'))


def _delivery_floor(files, items):
    """
    Seconds per file of the least a delivery must do with its bytes, problems aside: unwrap the exam's private key,
    AES-GCM-decrypt the same number of bytes, bulk-insert the same number of rows (rolled back).
    """
    # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.db import transaction
    from django.utils import timezone

    from offline_delivery_plugin import keyring
    from offline_delivery_plugin.crypto import envelope
    from offline_delivery_plugin.models import AttemptRecord, ItemAnswer

    kid = envelope.open_file(files[0][1], keyring.private_key_for, keyring.cosign_key_for).header['kid']
    record = AttemptRecord.objects.get(attempt_id=files[0][0]['id'])
    nonce, key, now = os.urandom(12), AESGCM.generate_key(bit_length=256), timezone.now()
    sealed = [AESGCM(key).encrypt(nonce, data, None) for _attempt, data in files]
    started = time.perf_counter()
    for blob in sealed:
        keyring.private_key_for(kid)
        AESGCM(key).decrypt(nonce, blob, None)
        with transaction.atomic():
            ItemAnswer.objects.bulk_create(ItemAnswer(record=record, item_id=f'floor-{n}', value='x' * 180, seq=1,
                                                      source='file', changed_at=now) for n in range(items))
            transaction.set_rollback(True)
    return (time.perf_counter() - started) / len(files)


def _problem_saves(user, course_key, data):
    """
    What the LMS itself does with a file's answers, rolled back: decrypt the file, then each answered problem saved
    through its own path one at a time, as the learner's own *Submit* of each does (the handler loads that one
    problem for the learner, capa checks and grades the answer, the block saves its state and score).
    """
    # pylint: disable=import-outside-toplevel
    import json

    from django.db import transaction

    from offline_delivery_plugin import compat, keyring
    from offline_delivery_plugin.answers import answers_by_item
    from offline_delivery_plugin.crypto import envelope
    from offline_delivery_plugin.problems import problem_data

    opened = envelope.open_file(data, keyring.private_key_for, keyring.cosign_key_for)
    with transaction.atomic():
        for usage_id, fields in answers_by_item(json.loads(opened.answers_json)).items():
            block = compat.load_learner_blocks(user, course_key, [usage_id])[usage_id]
            block.submit_problem(problem_data(block, fields))
            block.save()
        transaction.set_rollback(True)


def delivery_verify_apply(items, count=DELIVERY_FILES):
    """
    The plugin's whole delivery of one file (``api.deliver_file``: verify, bind, store, apply each answer through
    its problem, submit the attempt in edx-proctoring, audit) against the problems' own saves of the same answers
    (``_problem_saves``). The two alternate file by file on the same warm process, the floor first and rolled back,
    so the delivery starts from the state the floor started from.
    """
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model

    from offline_delivery_plugin import api

    course, exam = exam_course(f'D{items}', items)
    files = _files(course, exam, f'deliver{items}', count + 1, items)
    users = get_user_model().objects.in_bulk([attempt['user']['id'] for attempt, _data in files])
    staff = get_user_model().objects.get(username='course_staff')
    (warm_attempt, warm_data), files = files[0], files[1:]
    _problem_saves(users[warm_attempt['user']['id']], course.course_key, warm_data)
    api.deliver_file(warm_data, warm_attempt['id'], staff, 'staff')
    ours = floor = 0.0
    for attempt, data in files:
        started = time.perf_counter()
        _problem_saves(users[attempt['user']['id']], course.course_key, data)
        between = time.perf_counter()
        api.deliver_file(data, attempt['id'], staff, 'staff')
        floor, ours = floor + between - started, ours + time.perf_counter() - between
    ours, floor = ours / count, floor / count
    rows_floor = _delivery_floor(files, items)
    return result(f'delivery_verify_apply_{items}', 1 / ours, 'files/s', 1 / floor, ours, floor, files=count,
                  ms_per_file=round(ours * 1000, 2), floor_ms_per_file=round(floor * 1000, 2),
                  rows_only_ms_per_file=round(rows_floor * 1000, 2))


WORKER_BROKER_URL = os.environ.get('BENCH_BROKER_URL', 'redis://127.0.0.1:6379/9')


def _drop_producer_pool(app):
    """
    Celery's eager mode still acquires a producer, so the app holds a pool on the broker of the settings (none, so
    Celery's default); ``app.close()`` leaves a pool with no connection in use (it is falsy). Drop both pools, so
    the next task goes to the broker now configured.
    """
    # pylint: disable=protected-access
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def _celery_workers(processes, log_path):
    """
    A real Celery worker (``celery -A sandbox worker``, prefork) with ``processes`` child processes on the bench
    database and a Redis broker; while it runs, this process sends its tasks there instead of running them eagerly.
    """
    # pylint: disable=import-outside-toplevel
    from sandbox.celery import app

    env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'benchmarks.settings', 'PYTHONPATH': str(ROOT),
           'CELERY_BROKER_URL': WORKER_BROKER_URL}
    name = f'bench-{os.getpid()}-{processes}@localhost'
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, WORKER_BROKER_URL
    _drop_producer_pool(app)
    with open(log_path, 'wb') as log:
        worker = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'celery', '-A', 'sandbox', 'worker', '--pool=prefork',
             f'--concurrency={processes}', '--prefetch-multiplier=1', '--loglevel=INFO',
             '-Q', app.conf.task_default_queue, '-n', name], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        app.control.purge()
        deadline = time.monotonic() + 90
        while f'{name} ready.' not in log_path.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'The Celery worker did not start: {log_path.read_text()[-2000:]}')
            time.sleep(0.2)
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
        _drop_producer_pool(app)


BULK_FILES = int(os.environ.get('BENCH_BULK_FILES', '500'))
BULK_FLOOR_SAMPLE = 20
_BULK_FILES_PER_S = {}  # by worker processes, for the speed-up of two over one


def bulk_upload(processes, count=BULK_FILES):
    """
    A stick of ``count`` files in one zip, end to end: stored by the upload, then noted and delivered in parts by a
    real Celery worker with ``processes`` processes, as the Monitor sees it (its status read every 0.2 s).
    """
    # pylint: disable=import-outside-toplevel
    import re
    import tempfile

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from offline_delivery_plugin import api

    course, exam = exam_course('B40', 40)
    files = _files(course, exam, f'bulk{processes}', count, 40)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for number, (_attempt, data) in enumerate(files):
            archive.writestr(f'usb/candidate-{number}.offline-delivery', data)
    staff = get_user_model().objects.get(username='course_staff')
    # The floor, in one process before the upload: unpacking the same zip and reading every file, plus the problems'
    # own saves of each file's answers (``_problem_saves``, rolled back), timed on a sample of the files.
    started = time.perf_counter()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for name in archive.namelist():
            archive.read(name)
    unpacking = time.perf_counter() - started
    users = get_user_model().objects.in_bulk([attempt['user']['id'] for attempt, _data in files[:BULK_FLOOR_SAMPLE]])
    started = time.perf_counter()
    for attempt, data in files[:BULK_FLOOR_SAMPLE]:
        _problem_saves(users[attempt['user']['id']], course.course_key, data)
    floor = unpacking + (time.perf_counter() - started) / min(count, BULK_FLOOR_SAMPLE) * count
    log_path = Path(tempfile.mkdtemp()) / 'worker.log'
    with _celery_workers(processes, log_path):
        started = time.perf_counter()
        upload_id = api.start_bulk_upload([('usb.zip', buffer.getvalue())], course.course_key, exam['content_id'],
                                          staff)
        seen, last_change, longest_wait = [0], started, 0.0
        while True:
            status = api.get_bulk_upload(upload_id, course.course_key)
            now = time.perf_counter()
            if status.done != seen[-1]:
                longest_wait = max(longest_wait, now - last_change)
                seen.append(status.done)
                last_change = now
            if status.status == 'done':
                break
            if now - started > 1800:
                raise RuntimeError(f'The batch did not finish: {status.done} of {status.total}')
            time.sleep(0.2)
        ours = time.perf_counter() - started
    accepted = sum(1 for line in status.results if line['outcome'] == 'accepted')
    assert accepted == count, (accepted, status.results[:3])
    # Which of the worker's processes delivered parts: the pool logs each task it finished under its own name.
    parts_by_process = {}
    for match in re.finditer(r'/(ForkPoolWorker-\d+)\] Task offline_delivery_plugin\.deliver_bulk_upload_part',
                             log_path.read_text()):
        parts_by_process[match.group(1)] = parts_by_process.get(match.group(1), 0) + 1
    speedup = round((count / ours) / _BULK_FILES_PER_S[1], 2) if processes > 1 and 1 in _BULK_FILES_PER_S else None
    _BULK_FILES_PER_S[processes] = count / ours
    return result(f'bulk_upload_500_workers_{processes}', count / ours, 'files/s', count / floor, ours, floor,
                  files=count, seconds=round(ours, 2), part_files=settings.OFFLINE_DELIVERY_BULK_PART_FILES,
                  parts_by_process=dict(sorted(parts_by_process.items())), progress_updates=len(seen) - 1,
                  longest_wait_s=round(longest_wait, 2),
                  **({'speedup_over_1_process': speedup} if speedup else {}))


def monitor(count):
    """The Monitor's data for ``count`` candidates with attempts: time and queries, beside one joined read."""
    # pylint: disable=import-outside-toplevel
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from edx_proctoring.models import ProctoredExamStudentAttempt

    from offline_delivery_plugin import api
    from offline_delivery_plugin.models import AttemptRecord

    course, exam = exam_course(f'M{count}', 9)
    users = candidates(course, count, f'monitor{count}')
    if not ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=exam['id']).exists():
        now = timezone.now()
        ProctoredExamStudentAttempt.objects.bulk_create(
            ProctoredExamStudentAttempt(user=user, proctored_exam_id=exam['id'], attempt_code=f'm{count}-{user.id}',
                                        status='started', started_at=now, allowed_time_limit_mins=600,
                                        taking_as_proctored=False) for user in users)
        # Every writing candidate has the plugin's record (their saves and contact), as in a real hall.
        AttemptRecord.objects.bulk_create(
            AttemptRecord(attempt_id=attempt['id'], attempt_code=attempt['attempt_code'], user_id=attempt['user_id'],
                          course_id=course.course_key, content_id=exam['content_id'], proctoring_status='started',
                          last_save_seq=3, last_save_at=now, last_contact_at=now)
            for attempt in ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=exam['id']).values(
                'id', 'attempt_code', 'user_id'))
    api.get_monitor(course.course_key, exam['content_id'])  # warm
    runs = 5
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for _run in range(runs):
            _exam, rows = api.get_monitor(course.course_key, exam['content_id'])
        ours = (time.perf_counter() - started) / runs
    assert len(rows) == count
    # The floor: the enrollments and their attempts in one joined read, no state computed.
    started = time.perf_counter()
    for _run in range(runs):
        list(ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=exam['id']).values(
            'id', 'user__username', 'status', 'started_at'))
    floor = (time.perf_counter() - started) / runs
    return result(f'monitor_{count}', ours * 1000, 'ms', floor * 1000, ours, floor, candidates=count,
                  queries=len(queries) // runs)


def report(count=100_000):
    """The results report for ``count`` attempts: time and peak memory, beside edx-proctoring's violation report
    plus a csv writer on the same data (what a course team has today)."""
    # pylint: disable=import-outside-toplevel
    from django.utils import timezone
    from edx_proctoring import api as proctoring_api
    from edx_proctoring.models import ProctoredExamStudentAttempt

    from offline_delivery_plugin import api
    from offline_delivery_plugin.models import ResultsReport

    users_count, exams_count = 2000, count // 2000
    course, _exam = exam_course('R', 1)
    users = candidates(course, users_count, 'report')
    now = timezone.now()
    for number in range(exams_count):
        exam_id = proctoring_api.create_exam(course_id=str(course.course_key), content_id=f'report_exam_{number}',
                                             exam_name=f'Report exam {number}', time_limit_mins=60,
                                             is_proctored=True)
        ProctoredExamStudentAttempt.objects.bulk_create(
            (ProctoredExamStudentAttempt(user=user, proctored_exam_id=exam_id, attempt_code=f'r{number}-{user.id}',
                                         status='submitted', started_at=now, completed_at=now,
                                         taking_as_proctored=True, allowed_time_limit_mins=60) for user in users),
            batch_size=5000)
    # Times are taken without tracemalloc (it slows Python down several times); our peak memory is measured on a
    # second run with it. The floor's memory is its growth of the process's peak RSS (tracemalloc over the floor's
    # gigabytes would take longer than the whole benchmark).
    row = ResultsReport.objects.create(course_id=course.course_key)
    started = time.perf_counter()
    api.generate_results_report(row.id)
    ours = time.perf_counter() - started
    row.refresh_from_db()
    assert row.done == count, (row.done, count)
    tracemalloc.start()
    api.generate_results_report(ResultsReport.objects.create(course_id=course.course_key).id)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    violations = proctoring_api.get_exam_violation_report(str(course.course_key))
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=sorted({key for attempt in violations[:1] for key in attempt}),
                            extrasaction='ignore')
    writer.writeheader()
    writer.writerows(violations)
    floor = time.perf_counter() - started
    floor_rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return result('report_100k', ours, 's', floor, ours, floor, attempts=count,
                  peak_mib=round(peak / 2**20, 1), floor_rss_growth_mib=round(floor_rss_growth / 1024, 1))
