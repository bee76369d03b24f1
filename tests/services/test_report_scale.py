"""
The results report at scale on MariaDB: 100,000 attempts, written in chunks, with flat memory.

Only in the service-backed run (``make test-services``); the time it takes is measured by ``make bench``, not here.
"""
import csv
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from edx_proctoring import api as proctoring_api
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin import api
from offline_delivery_plugin.models import ResultsReport
from offline_delivery_plugin.storage import plugin_storage

pytestmark = [pytest.mark.services]

USERS = 2000
EXAMS = 50


def test_a_report_of_100000_attempts(demo, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f'scale{n}', email=f'scale{n}@example.invalid') for n in range(USERS))
    exam_ids = [proctoring_api.create_exam(course_id=str(demo.course_key), content_id=f'scale_exam_{n}',
                                           exam_name=f'Scale exam {n}', time_limit_mins=60) for n in range(EXAMS)]
    now = timezone.now()
    for exam_id in exam_ids:
        ProctoredExamStudentAttempt.objects.bulk_create(
            (ProctoredExamStudentAttempt(user=user, proctored_exam_id=exam_id, attempt_code=f'{exam_id}-{user.id}',
                                         status='submitted', started_at=now, completed_at=now, taking_as_proctored=True,
                                         allowed_time_limit_mins=60) for user in users), batch_size=5000)
    report = ResultsReport.objects.create(course_id=demo.course_key)

    tracemalloc.start()
    api.generate_results_report(report.id)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    report.refresh_from_db()
    assert (report.status, report.total, report.done) == ('done', USERS * EXAMS, USERS * EXAMS)
    with plugin_storage().open(report.storage_name, 'r') as handle:
        rows = sum(1 for _row in csv.reader(handle))
    assert rows == USERS * EXAMS + 1
    # Memory stays flat: well under what 100,000 rows held at once would take.
    assert peak < 150 * 1024 * 1024, f'peak {peak / 2**20:.0f} MiB'
    print(f'report_100k: peak traced memory {peak / 2**20:.1f} MiB')
