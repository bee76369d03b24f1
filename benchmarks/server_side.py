"""
The server-side benchmarks, in one process on the bench database: verifying and applying delivery files, a bulk
upload of 500 files through the Celery task, the Monitor at hall scale, and the results report for 100,000 attempts.
Each is measured beside its floor in the same run.
"""
import csv
import io
import os
import resource
import time
import tracemalloc
import zipfile

from benchmarks.common import answer_field, candidates, exam_course, result, start_attempts


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
    Seconds per file of the least a delivery must do: unwrap the exam's private key, AES-GCM-decrypt the same
    number of bytes, bulk-insert the same number of rows (rolled back).
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


def delivery_verify_apply(items, count=DELIVERY_FILES):
    """Verify, decrypt and apply one delivery file (end to end in ``api.deliver_file``), against its floor."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model

    from offline_delivery_plugin import api

    course, exam = exam_course(f'D{items}', items)
    files = _files(course, exam, f'deliver{items}', count, items)
    staff = get_user_model().objects.get(username='course_staff')
    started = time.perf_counter()
    for attempt, data in files:
        api.deliver_file(data, attempt['id'], staff, 'staff')
    ours = (time.perf_counter() - started) / count

    floor = _delivery_floor(files, items)
    return result(f'delivery_verify_apply_{items}', 1 / ours, 'files/s', 1 / floor, ours, floor, files=count,
                  ms_per_file=round(ours * 1000, 2), floor_ms_per_file=round(floor * 1000, 2))


def bulk_upload(count=500):
    """500 files in one zip, end to end through the Celery task (run in this process, as an eager worker)."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model

    from offline_delivery_plugin import api

    course, exam = exam_course('B40', 40)
    files = _files(course, exam, 'bulk', count, 40)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for number, (_attempt, data) in enumerate(files):
            archive.writestr(f'usb/candidate-{number}.offline-delivery', data)
    staff = get_user_model().objects.get(username='course_staff')
    started = time.perf_counter()
    # make bench runs Celery eagerly: the task runs in this process, through Celery's own task machinery.
    upload_id = api.start_bulk_upload([('usb.zip', buffer.getvalue())], course.course_key, exam['content_id'], staff)
    ours = time.perf_counter() - started
    status = api.get_bulk_upload(upload_id, course.course_key)
    accepted = sum(1 for line in status.results if line['outcome'] == 'accepted')
    assert accepted == count, (accepted, status.results[:3])
    # The floor: unpacking the same zip and reading every file, plus the delivery floor (key unwrap, decrypt, bulk
    # insert) for each file.
    started = time.perf_counter()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for name in archive.namelist():
            archive.read(name)
    floor = time.perf_counter() - started + _delivery_floor(files, 40) * count
    return result('bulk_upload_500', count / ours, 'files/s', count / floor, ours, floor, files=count,
                  seconds=round(ours, 2))


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
