"""
A USB stick delivered in parts by workers side by side, raced for real on MariaDB (two threads, each with its own
connection, released together): parts of one batch share no row but the candidates' own, and a part delivered twice
at once (a task redelivered after a worker's restart) delivers each file once.
"""
from functools import partial

import pytest
from django.db.models import Count
from django.test import Client
from edx_proctoring.models import ProctoredExamStudentAttempt

from offline_delivery_plugin import api, bulk
from offline_delivery_plugin.models import AuditEvent, BulkUploadFile, DeliveryFile
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, start_exam
from tests.services.test_attempt_races import ROUNDS, new_candidate, race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def stick(demo, settings, count):
    """A stored batch of ``count`` candidates' files, noted and split into parts of two; nothing delivered yet."""
    settings.OFFLINE_DELIVERY_BULK_PART_FILES = 2
    files, attempts = [], []
    for number in range(count):
        user = new_candidate(demo)
        attempt = start_exam(Client(), user, demo.course_key, demo.final_exam_id)
        files.append((f'candidate-{number}.offline-delivery', delivery_file(user, attempt, {CONTROL_WORD: 'svar'})))
        attempts.append(attempt)
    upload_id = bulk.start_bulk_upload(files, demo.course_key, demo.final_exam_id, demo.invigilator)
    return upload_id, bulk.plan_bulk_upload(upload_id), attempts


def delivered_once(attempts):
    for attempt in attempts:
        assert DeliveryFile.objects.filter(record__attempt_id=attempt['id']).count() == 1
        assert ProctoredExamStudentAttempt.objects.get(id=attempt['id']).status == 'submitted'
        assert AuditEvent.objects.filter(attempt_id=attempt['id'], kind='upload', outcome=AuditEvent.OK,
                                         detail__already_delivered=False).count() == 1


def test_two_parts_of_one_stick_at_once(demo, settings):
    """Each worker delivers its own part; the batch ends done with every line, in upload order."""
    for _round in range(ROUNDS):
        upload_id, parts, attempts = stick(demo, settings, 4)
        assert parts == [(0, 2), (2, 4)]
        outcomes = race(partial(bulk.deliver_bulk_upload_part, upload_id, *parts[0]),
                        partial(bulk.deliver_bulk_upload_part, upload_id, *parts[1]))
        assert outcomes == (None, None), outcomes
        batch = api.get_bulk_upload(upload_id, demo.course_key)
        assert (batch.status, batch.done) == ('done', 4)
        assert [(line['file'], line['outcome']) for line in batch.results] == [
            (f'candidate-{number}.offline-delivery', 'accepted') for number in range(4)]
        delivered_once(attempts)


def test_one_part_twice_at_once(demo, settings):
    """A part redelivered while its first run is still going: each file delivered once, one line per file."""
    for _round in range(ROUNDS):
        upload_id, parts, attempts = stick(demo, settings, 2)
        assert parts == [(0, 2)]
        outcomes = race(partial(bulk.deliver_bulk_upload_part, upload_id, *parts[0]),
                        partial(bulk.deliver_bulk_upload_part, upload_id, *parts[0]))
        assert outcomes == (None, None), outcomes
        batch = api.get_bulk_upload(upload_id, demo.course_key)
        assert (batch.status, batch.done) == ('done', 2)
        assert {line['outcome'] for line in batch.results} <= {'accepted', 'already_delivered'}
        assert not BulkUploadFile.objects.filter(upload_id=upload_id).values('index').annotate(
            rows=Count('id')).filter(rows__gt=1)
        delivered_once(attempts)
