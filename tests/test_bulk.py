"""
Bulk upload: a USB stick's worth of files, or a zip, each finding its own candidate; checked before unpacking.
"""
import io
import random
import tracemalloc
import zipfile
from unittest import mock

import pytest
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from edx_proctoring import api as proctoring_api
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api, bulk, tasks
from offline_delivery_plugin.models import AuditEvent, BulkUpload, DeliveryFile
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, start_exam

# The task runs in the test's process here; tests/services shows a real worker processing a batch.
pytestmark = pytest.mark.usefixtures('eager_celery')


@pytest.fixture
def stick(client, demo):
    """An invigilator's USB stick: two candidates writing, each with a saved file, and one file of another exam."""
    vera = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    ville = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    practice = start_exam(client, demo.verified_learner, demo.course_key, demo.practice_exam_id)
    return {
        'vera': delivery_file(demo.verified_learner, vera, {CONTROL_WORD: 'hej'}),
        'ville': delivery_file(demo.verified_learner2, ville, {CONTROL_WORD: 'hallå'}),
        'practice': delivery_file(demo.verified_learner, practice, {CONTROL_WORD: 'practice'}),
        'attempts': (vera, ville),
    }


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def run(demo, parts):
    upload_id = api.start_bulk_upload(parts, demo.course_key, demo.final_exam_id, demo.invigilator)
    return api.get_bulk_upload(upload_id, demo.course_key)


def test_each_file_finds_its_candidate(demo, stick):
    batch = run(demo, [('STICK/vera.offline-delivery', stick['vera']), ('ville.offline-delivery', stick['ville']),
                       ('copy-of-vera.offline-delivery', stick['vera']),
                       ('practice.offline-delivery', stick['practice']), ('notes.txt', b'shopping list')])
    assert (batch.status, batch.total, batch.done) == ('done', 5, 5)
    lines = {line['file']: line for line in batch.results}
    assert (lines['vera.offline-delivery']['candidate'], lines['vera.offline-delivery']['outcome']) == (
        'verified_learner', 'accepted')
    assert lines['ville.offline-delivery']['candidate'] == 'verified_learner2'
    assert lines['copy-of-vera.offline-delivery']['outcome'] == 'duplicate'
    assert lines['practice.offline-delivery']['outcome'] == 'refused'
    assert lines['notes.txt']['reason'] == 'malformed'
    for attempt in stick['attempts']:
        assert proctoring_api.get_exam_attempt_by_id(attempt['id'])['status'] == 'submitted'


def test_a_zip_of_the_stick(demo, stick):
    batch = run(demo, [('stick.zip', zipped([('EXAM/vera.offline-delivery', stick['vera']),
                                             ('EXAM/ville.offline-delivery', stick['ville'])]))])
    assert [line['outcome'] for line in batch.results] == ['accepted', 'accepted']


def test_running_a_batch_again_is_harmless(demo, stick):
    batch = run(demo, [('vera.offline-delivery', stick['vera'])])
    api.process_bulk_upload(batch.upload_id)
    again = api.get_bulk_upload(batch.upload_id, demo.course_key)
    assert (again.status, again.done, [line['outcome'] for line in again.results]) == ('done', 1, ['accepted'])
    assert DeliveryFile.objects.filter(record__attempt_id=stick['attempts'][0]['id']).count() == 1


def test_a_batch_goes_to_the_workers_in_parts_and_its_lines_stay_in_upload_order(demo, stick, settings):
    """
    The task notes the files and queues parts of OFFLINE_DELIVERY_BULK_PART_FILES; parts delivered in any order
    (as two workers finish them) give the lines in upload order, and the progress counts each file once.
    """
    settings.OFFLINE_DELIVERY_BULK_PART_FILES = 2
    files = [('vera.offline-delivery', stick['vera']), ('notes.txt', b'not a delivery file'),
             ('again-vera.offline-delivery', stick['vera']), ('ville.offline-delivery', stick['ville']),
             ('practice.offline-delivery', stick['practice'])]
    with mock.patch.object(tasks, 'queue') as queued:  # nothing runs until the test runs it
        upload_id = api.start_bulk_upload(files, demo.course_key, demo.final_exam_id, demo.invigilator)
    assert [call.args[0] for call in queued.call_args_list] == [tasks.process_bulk_upload_task]
    assert api.get_bulk_upload(upload_id, demo.course_key).status == 'pending'

    parts = bulk.plan_bulk_upload(upload_id)
    assert parts == [(0, 2), (3, 5)]  # the copy of vera's file is a duplicate at once, so no part has it
    noted = api.get_bulk_upload(upload_id, demo.course_key)
    assert (noted.status, noted.done, [line['outcome'] for line in noted.results]) == ('running', 1, ['duplicate'])

    bulk.deliver_bulk_upload_part(upload_id, *parts[1])
    halfway = api.get_bulk_upload(upload_id, demo.course_key)
    assert (halfway.status, halfway.done, halfway.total) == ('running', 3, 5)
    assert bulk.plan_bulk_upload(upload_id) == [(0, 2)]  # planned again, only what is left

    bulk.deliver_bulk_upload_part(upload_id, *parts[0])
    bulk.deliver_bulk_upload_part(upload_id, *parts[1])  # a part delivered twice (a worker restarted)
    batch = api.get_bulk_upload(upload_id, demo.course_key)
    assert (batch.status, batch.done) == ('done', 5)
    assert [(line['file'], line['outcome']) for line in batch.results] == [
        ('vera.offline-delivery', 'accepted'), ('notes.txt', 'refused'), ('again-vera.offline-delivery', 'duplicate'),
        ('ville.offline-delivery', 'accepted'), ('practice.offline-delivery', 'refused')]
    assert BulkUpload.objects.get(id=upload_id).status == 'done'
    for attempt in stick['attempts']:
        assert DeliveryFile.objects.filter(record__attempt_id=attempt['id']).count() == 1
    assert AuditEvent.objects.filter(kind='upload', outcome=AuditEvent.REFUSED,
                                     detail__upload_id=upload_id).count() == 3  # the copy, notes.txt, practice


def test_the_task_queues_one_part_task_per_part(demo, stick, settings):
    settings.OFFLINE_DELIVERY_BULK_PART_FILES = 1
    with mock.patch.object(tasks, 'queue'):
        upload_id = api.start_bulk_upload([('vera.offline-delivery', stick['vera']),
                                           ('ville.offline-delivery', stick['ville'])],
                                          demo.course_key, demo.final_exam_id, demo.invigilator)
    with mock.patch.object(tasks, 'queue') as queued:
        tasks.process_bulk_upload_task(upload_id)
    assert [call.args for call in queued.call_args_list] == [
        (tasks.deliver_bulk_upload_part_task, upload_id, 0, 1), (tasks.deliver_bulk_upload_part_task, upload_id, 1, 2)]
    assert api.get_bulk_upload(upload_id, demo.course_key).done == 0


@pytest.mark.parametrize('name', ['../../etc/passwd', '/abs/path.offline-delivery', 'C:/x.offline-delivery'])
def test_path_traversal_in_a_zip_is_refused_before_unpacking(demo, stick, name):
    with pytest.raises(api.BulkUploadRefused, match='outside its own folder'):
        run(demo, [('stick.zip', zipped([(name, stick['vera'])]))])
    assert not BulkUpload.objects.exists()


def test_a_zip_bomb_is_refused_before_unpacking(demo):
    bomb = zipped([('bomb.offline-delivery', b'0' * (20 * 1024 * 1024))])
    assert len(bomb) < 100_000
    with pytest.raises(api.BulkUploadRefused, match='oversized or suspiciously compressed'):
        run(demo, [('bomb.zip', bomb)])


def test_too_many_files(demo, stick, settings):
    settings.OFFLINE_DELIVERY_BULK_MAX_FILES = 2
    with pytest.raises(api.BulkUploadRefused, match='at most 2'):
        run(demo, [('stick.zip', zipped([(f'{n}.offline-delivery', stick['vera']) for n in range(3)]))])


def test_a_broken_zip(demo):
    with pytest.raises(api.BulkUploadRefused, match='cannot be read'):
        run(demo, [('stick.zip', b'PK\x03\x04 not really a zip')])


@pytest.mark.parametrize('username,expected', [
    ('anonymous', 401), ('verified_learner', 403), ('invigilator', 202), ('chief_invigilator', 202),
    ('course_staff', 202),
])
def test_rest_roles_and_status(demo, stick, username, expected):
    client = Client()  # the fixture's client is logged in as a learner
    if username != 'anonymous':
        client.force_login(demo.users[username])
    base = reverse('offline_delivery_plugin:v1:bulk-uploads', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id})
    response = client.post(base, {'files': [SimpleUploadedFile('vera.offline-delivery', stick['vera']),
                                             SimpleUploadedFile('ville.offline-delivery', stick['ville'])]})
    assert response.status_code == expected
    if expected == 202:
        status = client.get(f"{base}{response.json()['upload_id']}/").json()
        assert (status['status'], status['done']) == ('done', 2)


# -- Size and memory -----------------------------------------------------------------------------------------------

def test_a_batch_over_the_total_size_is_refused(demo, stick, settings):
    """Each part within the file limit, together over ``OFFLINE_DELIVERY_BULK_MAX_BYTES``: refused, nothing kept."""
    settings.OFFLINE_DELIVERY_BULK_MAX_BYTES = len(stick['vera']) + len(stick['ville']) - 1
    with pytest.raises(api.BulkUploadRefused, match=f'at most {len(stick["vera"]) + len(stick["ville"]) - 1} bytes'):
        run(demo, [('vera.offline-delivery', stick['vera']), ('ville.offline-delivery', stick['ville'])])
    assert not BulkUpload.objects.exists()


def big_stick(path, files=24, size=1_000_000):
    """A zip on disk of ``files`` members of ``size`` random bytes each (not delivery files: each line is refused)."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as archive:
        for number in range(files):
            archive.writestr(f'EXAM/{number}.offline-delivery', random.Random(number).randbytes(size))
    return path


def test_a_stick_is_copied_and_delivered_in_bounded_memory(demo, tmp_path):
    """
    A 24 MB zip handed over as a file (as the view hands over Django's uploaded file): checking, copying it into
    the batch, storing and delivering it take a few MB at most, where the whole zip was read, copied and
    built in memory (several times its size).
    """
    stick = big_stick(tmp_path / 'stick.zip')
    with open(stick, 'rb') as handle:
        tracemalloc.start()
        try:
            upload_id = api.start_bulk_upload([('stick.zip', handle)], demo.course_key, demo.final_exam_id,
                                              demo.invigilator)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    batch = api.get_bulk_upload(upload_id, demo.course_key)
    assert (batch.status, batch.total, batch.done) == ('done', 24, 24)
    assert {line['reason'] for line in batch.results} == {'malformed'}
    assert peak < 8 * 1024 * 1024, f'peak {peak} bytes for a {stick.stat().st_size}-byte stick'


class _ForwardOnly(io.RawIOBase):
    """A stored file that can only be read forward, in chunks (as some remote storages stream an object)."""

    def __init__(self, raw):
        super().__init__()
        self._raw = raw

    def readable(self):
        return True

    def seekable(self):
        return False

    def read(self, size=-1):
        assert size is not None and 0 < size <= 4 * 1024 * 1024, f'read({size}): the whole stored batch at once'
        return self._raw.read(size)

    def readinto(self, buffer):
        return self._raw.readinto(buffer)

    def close(self):
        self._raw.close()
        super().close()


class ForwardOnlyStorage(FileSystemStorage):
    """The file system, opened forward only."""

    def _open(self, name, mode='rb'):
        return File(_ForwardOnly(open(self.path(name), mode)), name=name)


def test_a_storage_that_cannot_seek(demo, stick, settings, tmp_path):
    """The batch is read from a storage that only streams: copied to a temporary file in chunks, then delivered."""
    settings.STORAGES = {
        **settings.STORAGES,
        'offline_delivery': {'BACKEND': 'tests.test_bulk.ForwardOnlyStorage',
                             'OPTIONS': {'location': str(tmp_path / 'private'), 'base_url': None}},
    }
    batch = run(demo, [('stick.zip', zipped([('EXAM/vera.offline-delivery', stick['vera']),
                                             ('EXAM/ville.offline-delivery', stick['ville'])]))])
    assert (batch.status, [line['outcome'] for line in batch.results]) == ('done', ['accepted', 'accepted'])


@pytest.mark.django_db(transaction=True)
def test_the_lines_of_batches_uploaded_before_move_into_a_row_per_file():
    """Migration 0003: an earlier batch's JSON lines become its files' rows, in order, and back."""
    from django.db import connection  # pylint: disable=import-outside-toplevel
    from django.db.migrations.executor import MigrationExecutor  # pylint: disable=import-outside-toplevel

    before, after = [('offline_delivery_plugin', '0002_safe_exam_browser')], [
        ('offline_delivery_plugin', '0003_bulk_upload_files')]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_upload = executor.loader.project_state(before).apps.get_model('offline_delivery_plugin', 'BulkUpload')
    lines = [{'file': 'a.offline-delivery', 'outcome': 'accepted', 'receipt': 'R-1'},
             {'file': 'b.txt', 'outcome': 'refused', 'reason': 'malformed', 'detail': '...'}]
    old = old_upload.objects.create(course_id='course-v1:Org+Old+2026', content_id='x', storage_name='old.zip',
                                    status='done', total=2, done=2, results=lines)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    moved = api.get_bulk_upload(old.id, CourseKey.from_string('course-v1:Org+Old+2026'))
    assert (moved.status, moved.total, moved.done, list(moved.results)) == ('done', 2, 2, lines)

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model('offline_delivery_plugin', 'BulkUpload')
    assert (back.objects.get(id=old.id).results, back.objects.get(id=old.id).done) == (lines, 2)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
