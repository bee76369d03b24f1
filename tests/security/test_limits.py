"""
Limits (issue 8, item 6): oversized files, zip bombs, names leaving a zip's folder, bytes that are not UTF-8, huge
or deeply nested JSON. Each is a clear 4xx with a message, and nothing is stored.

Covered elsewhere, not repeated here:

- tests/test_envelope.py: a delivery file over ``OFFLINE_DELIVERY_MAX_FILE_BYTES`` (``too_large``), garbage,
  ``\\xff\\xfe``, NaN, duplicate keys and 10,000 levels of ``[`` as a delivery file (the reader, ``malformed``);
- tests/rest_api/test_candidate_views.py: a self-delivery over the limit (413 ``too_large``), a body that is not
  JSON, answers and links over their lengths (the snapshot endpoint, 400);
- tests/test_bulk.py: ``../../etc/passwd``, ``/abs/path`` and ``C:/x`` in a zip, a 20 MB bomb of zeros (the
  compression ratio), too many files and a broken zip (``api.start_bulk_upload``);
- tests/test_learner_requests.py: a CSV of allowances that is empty, has the wrong header, is not UTF-8 or is over
  1 MiB (``api.add_allowances_from_csv``);
- tests/security/test_tampering.py: every single-byte change and truncation of a real file, generated mutations.

Here: the same limits through the HTTP endpoints, and what nothing covered: a staff upload over the limit; a zip
member over the limit, a zip whose directory understates a member, a damaged member; a zip inside a zip; a zip
whose entries overlap (one stream listed many times: each entry passes the ratio check); backslash, UNC, drive and
``a/../..`` names; names of the uploaded files themselves; escaped lone surrogates (``\\ud800``: valid JSON, no
Unicode text) in a snapshot, the settings and a delivery file's header; 100,000 levels of nesting and bodies over
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` on the JSON endpoints; huge ids in every URL that takes one and huge
numbers in every form that takes one (issue 14); a bulk request over ``OFFLINE_DELIVERY_BULK_MAX_BYTES``, and the
memory a big one takes.
"""
import base64
import io
import json
import os
import random
import struct
import tracemalloc
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse
from edx_proctoring.models import ProctoredExamStudentAllowance

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash, link_json
from offline_delivery_plugin.crypto import b64
from offline_delivery_plugin.models import AttemptRecord, BulkUpload, DeliveryFile, ExamRequest, ItemAnswer
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, ESSAY, snapshots_url, submit_exam

# Bulk uploads run their task in the test's process.
pytestmark = pytest.mark.usefixtures('eager_celery')

DEEP_ARRAY = b'[' * 100_000
DEEP_OBJECT = b'{"a":' * 100_000
BOUNDARY = 'limits-boundary'
LONE_SURROGATE = '\\ud800'  # the six characters of a JSON escape: valid JSON, and no Unicode text


@pytest.fixture
def staff(demo):
    """Course staff's client: they upload, validate settings and add allowances. A 500 is a status, not a raise."""
    client = Client(raise_request_exception=False)
    client.force_login(demo.course_staff)
    return client


@pytest.fixture
def candidate(demo, attempt):  # pylint: disable=unused-argument
    client = Client(raise_request_exception=False)
    client.force_login(demo.verified_learner)
    return client


def stored():
    """Everything these requests could store: delivery files, answers, batches, allowances, saves, media files."""
    media = sorted(os.path.relpath(os.path.join(root, name), django_settings.MEDIA_ROOT)
                   for root, _dirs, names in os.walk(django_settings.MEDIA_ROOT) for name in names)
    return (
        list(DeliveryFile.objects.values_list('id', flat=True)),
        list(ItemAnswer.objects.values_list('item_id', 'value', 'seq')),
        list(BulkUpload.objects.values_list('id', flat=True)),
        ProctoredExamStudentAllowance.objects.count(),
        list(AttemptRecord.objects.values_list('attempt_id', 'last_save_seq', 'last_save_hash')),
        media,
    )


def refused(send, expected_status, message):
    """``send()`` answers ``expected_status`` with JSON naming ``message``, and stores nothing."""
    before = stored()
    response = send()
    assert response.status_code == expected_status, response.content[:500]
    body = response.json()
    assert message in body['detail'], body
    assert stored() == before
    return body


def upload_url(demo, attempt):
    return reverse('offline_delivery_plugin:v1:attempt-uploads', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id, 'attempt_id': attempt['id']})


def self_delivery_url(attempt):
    return reverse('offline_delivery_plugin:v1:attempt-deliveries', kwargs={'attempt_id': attempt['id']})


def bulk_url(demo):
    return reverse('offline_delivery_plugin:v1:bulk-uploads', kwargs={
        'course_id': str(demo.course_key), 'content_id': demo.final_exam_id})


def settings_url(demo):
    return reverse('studio:offline_delivery_plugin:v1:course-settings-validate',
                   kwargs={'course_id': str(demo.course_key)})


def allowances_url(demo):
    return reverse('offline_delivery_plugin:v1:allowances-csv', kwargs={'course_id': str(demo.course_key)})


def bulk(client, demo, *parts):
    return client.post(bulk_url(demo), {'files': [SimpleUploadedFile(name, data) for name, data in parts]})


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def incompressible(size):
    return random.Random(size).randbytes(size)


# -- Oversized -----------------------------------------------------------------------------------------------------

class TestOversized:
    """Over the size limits: refused before the file is read (413), or before a zip is unpacked (400)."""

    def test_a_staff_upload_over_the_limit(self, demo, attempt, staff, settings):
        data = delivery_file(demo.verified_learner, attempt, {ESSAY: 'x' * 5000})
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 4096
        assert len(data) > 4096
        body = refused(lambda: staff.post(upload_url(demo, attempt), {'file': SimpleUploadedFile('a', data)}),
                       413, 'larger than 4096 bytes')
        assert body['reason'] == 'too_large'

    def test_a_file_over_the_limit_in_a_bulk_upload(self, demo, staff, settings):
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 4096
        refused(lambda: bulk(staff, demo, ('big.offline-delivery', incompressible(5000))), 413,
                'big.offline-delivery is too large')

    def test_a_zip_over_the_batch_limit(self, demo, staff, settings):
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES, settings.OFFLINE_DELIVERY_BULK_MAX_FILES = 1000, 2
        stick = zipped([('a.offline-delivery', incompressible(900)), ('b.offline-delivery', incompressible(900)),
                        ('c.offline-delivery', incompressible(900))], zipfile.ZIP_STORED)
        refused(lambda: bulk(staff, demo, ('stick.zip', stick)), 413, 'stick.zip is too large')

    def test_a_zip_member_over_the_limit(self, demo, staff, settings):
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 4096
        stick = zipped([('big.offline-delivery', incompressible(5000))])
        refused(lambda: bulk(staff, demo, ('stick.zip', stick)), 400,
                'oversized or suspiciously compressed file (big.offline-delivery)')

    def test_a_zip_whose_directory_understates_a_member(self, demo, staff, settings):
        """The member holds 200 kB, its directory entries say 1,000 bytes: reading stops at what was declared."""
        settings.OFFLINE_DELIVERY_MAX_FILE_BYTES = 4096
        stick = bytearray(zipped([('a.offline-delivery', b'0' * 200_000)]))
        for signature, size_at in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):  # local header, central directory
            start = stick.index(signature)
            struct.pack_into('<I', stick, start + size_at, 1000)
        refused(lambda: bulk(staff, demo, ('stick.zip', bytes(stick))), 400,
                'The zip file cannot be read: nothing was unpacked.')

    @pytest.mark.parametrize('damage', ['crc', 'stream', 'encrypted'])
    def test_a_damaged_member(self, demo, staff, damage):
        """A member that cannot be read (bad checksum, broken stream, a password) refuses the batch, never a 500."""
        member = base64.b64encode(incompressible(3000))
        stick = bytearray(zipped([('a.offline-delivery', member)]))
        data_at = 30 + len('a.offline-delivery')
        if damage == 'crc':
            stick[14] ^= 0xFF  # the local header's CRC-32
            stick[stick.index(b'PK\x01\x02') + 16] ^= 0xFF  # and the directory's
        elif damage == 'stream':
            stick[data_at:data_at + 8] = b'\xff' * 8
        else:
            stick[6] |= 1  # the "encrypted" flag, in the local header and the directory
            stick[stick.index(b'PK\x01\x02') + 8] |= 1
        refused(lambda: bulk(staff, demo, ('stick.zip', bytes(stick))), 400,
                'The zip file cannot be read: nothing was unpacked.')

    def test_a_damaged_zip_never_answers_500(self, demo, staff):
        """Each byte of a small zip's headers changed: refused (400) or read as it stands (202), never a 500."""
        stick = zipped([('a.offline-delivery', b'{"format":"offline-delivery-file"}' * 4)])
        statuses = set()
        header_positions = [*range(0, 60), *range(stick.index(b'PK\x01\x02'), len(stick))]
        for position in header_positions:
            damaged = bytearray(stick)
            damaged[position] ^= 0x55
            response = bulk(staff, demo, ('stick.zip', bytes(damaged)))
            statuses.add(response.status_code)
            assert response.status_code in (202, 400), (position, response.content[:300])
            if response.status_code == 400:
                assert response.json()['detail']
        assert statuses == {202, 400}


# -- Zip bombs -----------------------------------------------------------------------------------------------------

def overlapping_zip(name, content, copies):
    """
    A zip whose central directory lists the same member ``copies`` times, all pointing at one compressed stream
    (the "non-recursive" zip bomb): each entry has a harmless ratio, together they unpack ``copies`` times the data.
    """
    data = zipped([(name, content)])
    end = data.rindex(b'PK\x05\x06')
    size, offset = struct.unpack('<II', data[end + 12:end + 20])
    directory = data[offset:offset + size] * copies
    record = bytearray(data[end:end + 22])
    struct.pack_into('<HHII', record, 8, copies, copies, len(directory), offset)
    return data[:offset] + directory + bytes(record)


class TestZipBombs:
    """A zip is checked before it is unpacked: ratio (tests/test_bulk.py), nesting, entries sharing their data."""

    def test_a_compression_bomb_through_the_endpoint(self, demo, staff):
        bomb = zipped([('bomb.offline-delivery', b'0' * (20 * 1024 * 1024))])
        refused(lambda: bulk(staff, demo, ('bomb.zip', bomb)), 400,
                'oversized or suspiciously compressed file (bomb.offline-delivery)')

    @pytest.mark.parametrize('inner_name', ['inner.zip', 'disguised.offline-delivery'])
    def test_a_zip_in_a_zip_is_never_unpacked(self, demo, staff, inner_name):
        inner = zipped([(f'level2/{n}.offline-delivery', b'0' * 1_000_000) for n in range(3)])
        stick = zipped([('EXAM/vera.offline-delivery', b'{}'), (f'EXAM/{inner_name}', inner)], zipfile.ZIP_STORED)
        refused(lambda: bulk(staff, demo, ('stick.zip', stick)), 400, f'another zip (EXAM/{inner_name})')

    def test_entries_sharing_one_stream(self, demo, staff):
        content = base64.b64encode(incompressible(3000))  # compresses like a delivery file: a harmless ratio
        bomb = overlapping_zip('a.offline-delivery', content, 500)
        assert len(bomb) < 50_000
        assert len(zipfile.ZipFile(io.BytesIO(bomb)).infolist()) == 500  # Python's zipfile would read them all
        refused(lambda: bulk(staff, demo, ('bomb.zip', bomb)), 400, 'its files overlap, as in a zip bomb')

    def test_a_batch_of_zips_within_limits_is_still_accepted(self, demo, attempt, staff):
        """The checks refuse bombs, not sticks: two zips of ordinary files are queued."""
        good = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
        response = bulk(staff, demo, ('one.zip', zipped([('EXAM/vera.offline-delivery', good)])),
                        ('two.zip', zipped([('EXAM/notes.txt', b'shopping list')])))
        assert response.status_code == 202
        status = staff.get(response.json()['status_url']).json()
        assert [line['outcome'] for line in status['results']] == ['accepted', 'refused']


# -- Names ---------------------------------------------------------------------------------------------------------

class TestNames:
    """No name in a zip or of an uploaded file ever becomes a path: files are stored under their SHA-256."""

    @pytest.mark.parametrize('name', [
        '..\\..\\evil.offline-delivery', 'stick\\..\\..\\evil.offline-delivery', 'a/../../evil.offline-delivery',
        '..', '\\\\server\\share\\evil.offline-delivery', 'C:\\evil.offline-delivery', 'D:evil.offline-delivery',
        '/etc/cron.d/evil',
    ])
    def test_a_name_leaving_the_zip(self, demo, attempt, staff, name):
        good = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
        stick = zipped([('EXAM/fine.offline-delivery', good), (name, good)])
        refused(lambda: bulk(staff, demo, ('stick.zip', stick)), 400, 'outside its own folder')

    @pytest.mark.parametrize('endpoint', ['bulk', 'single'])
    @pytest.mark.parametrize('name', ['../../../../tmp/evil.offline-delivery',
                                      'C:\\fakepath\\..\\..\\evil.offline-delivery'])
    def test_the_names_of_uploaded_files(self, demo, attempt, staff, endpoint, name):
        """The browser's file name, sent as it is (the test client would strip it): only its last part is kept."""
        good = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
        url, field = (bulk_url(demo), 'files') if endpoint == 'bulk' else (upload_url(demo, attempt), 'file')
        body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                f'Content-Type: application/octet-stream\r\n\r\n').encode() + good + f'\r\n--{BOUNDARY}--\r\n'.encode()
        response = staff.post(url, data=body, content_type=f'multipart/form-data; boundary={BOUNDARY}')
        assert response.status_code == (202 if endpoint == 'bulk' else 200), response.content[:300]
        if endpoint == 'bulk':
            line, = staff.get(response.json()['status_url']).json()['results']
            assert (line['file'], line['outcome']) == ('evil.offline-delivery', 'accepted')
        media = stored()[-1]
        assert media and all(path.startswith('offline_delivery' + os.sep) and '..' not in path for path in media)
        assert f'{DeliveryFile.objects.get().sha256}.offline-delivery' in {os.path.basename(path) for path in media}


def header_changed(demo, attempt, field, value_json, encoding='utf-8'):
    """A good file whose header has ``field`` written as the JSON text ``value_json``, the header in ``encoding``."""
    outer = json.loads(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}))
    header = b64.decode(outer['protected']).decode()
    header = header.replace(json.dumps(json.loads(header)[field]), value_json, 1)
    outer['protected'] = b64.encode(header.encode(encoding))
    return json.dumps(outer, separators=(',', ':')).encode()


# -- Not UTF-8 -----------------------------------------------------------------------------------------------------

class TestNotUtf8:
    """Bytes that are not UTF-8, and JSON escapes that decode to no Unicode text (lone surrogates)."""

    @pytest.mark.parametrize('data', [
        'user,exam,type,value\nÅsa,Final exam,additional_time,10\n'.encode('cp1252'),
        'user,exam,type,value\n'.encode('utf-16'),
        b'user,exam,type,value\n\xc3\x28,x,additional_time,5\n',
    ])
    def test_a_csv_of_allowances(self, demo, staff, data):
        refused(lambda: staff.post(allowances_url(demo), {'file': SimpleUploadedFile('allowances.csv', data)}),
                400, 'must be UTF-8')

    def test_a_csv_over_its_limit(self, demo, staff):
        data = b'user,exam,type,value\n' + b'x' * (1024 * 1024)
        refused(lambda: staff.post(allowances_url(demo), {'file': SimpleUploadedFile('allowances.csv', data)}),
                413, 'larger than')

    @pytest.mark.parametrize('body', [
        b'{"link": "\xff\xfe", "answers_json": "{}"}', b'\xef\xbb\xbf{"link": "x"}', b'{"link": "\xed\xa0\x80"}',
    ])
    def test_a_snapshot_body(self, demo, attempt, candidate, body):
        refused(lambda: candidate.post(snapshots_url(attempt['id']), data=body, content_type='application/json'),
                400, 'JSON parse error')

    def test_a_snapshot_whose_answers_hold_a_lone_surrogate(self, demo, attempt, candidate):
        """The link's hash matches the answers' text: only the text itself is wrong."""
        answers_json = f'{{"{CONTROL_WORD}":"a{LONE_SURROGATE}b"}}'
        link = link_json(1, genesis_hash(attempt['attempt_code']), 1_700_000_000_001, answers_json, [CONTROL_WORD])
        body = json.dumps({'link': link, 'answers_json': answers_json})
        refused(lambda: candidate.post(snapshots_url(attempt['id']), data=body, content_type='application/json'),
                400, 'The answers are not valid JSON')

    @pytest.mark.parametrize('body', [
        b'{"offline_delivery": {"connection_lost_message": "\xe5"}}',
        b'{"offline_delivery": {"connection_lost_message": "a\\ud800b"}}',
        b'{"offline_delivery": {"\\udfff": true}}',
    ])
    def test_the_course_settings(self, demo, staff, body):
        refused(lambda: staff.post(settings_url(demo), data=body, content_type='application/json'),
                400, 'JSON parse error')

    @pytest.mark.parametrize('case', ['raw byte', 'latin-1 header', 'surrogate kid', 'surrogate attempt'])
    def test_a_delivery_file(self, demo, attempt, staff, candidate, case):
        """Through the staff upload and the self-delivery: 400 ``malformed``. (A lone surrogate kid was a 500.)"""
        good = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
        data = {
            'raw byte': good.replace(b'"version":2,', b'"version":2,"\xff":0,'),
            'latin-1 header': header_changed(demo, attempt, 'candidate', '"Åsa"', encoding='latin-1'),
            'surrogate kid': header_changed(demo, attempt, 'kid', f'"k{LONE_SURROGATE}"'),
            'surrogate attempt': header_changed(demo, attempt, 'attempt', f'"{LONE_SURROGATE}"'),
        }[case]
        for send in (lambda: staff.post(upload_url(demo, attempt), {'file': SimpleUploadedFile('f', data)}),
                     lambda: candidate.post(self_delivery_url(attempt), data,
                                            content_type='application/octet-stream')):
            assert refused(send, 400, 'not a readable delivery file')['reason'] == 'malformed'

    def test_a_surrogate_attempt_code_in_a_bulk_upload(self, demo, attempt, staff):
        """The batch finds each file's candidate from its header before decrypting: a refused line, no crash."""
        data = header_changed(demo, attempt, 'attempt', f'"{LONE_SURROGATE}"')
        response = bulk(staff, demo, ('odd.offline-delivery', data))
        assert response.status_code == 202
        line, = staff.get(response.json()['status_url']).json()['results']
        assert (line['outcome'], line['reason']) == ('refused', 'malformed')
        assert not DeliveryFile.objects.exists() and not ItemAnswer.objects.exists()


# -- Huge and deeply nested JSON -----------------------------------------------------------------------------------

class TestJsonSizeAndDepth:
    """Python's JSON parser recurses: 100,000 levels were a RecursionError (500) on the JSON endpoints."""

    @pytest.mark.parametrize('body', [DEEP_ARRAY, DEEP_OBJECT, b'{"link": ' + DEEP_ARRAY])
    def test_a_deeply_nested_snapshot(self, demo, attempt, candidate, body):
        refused(lambda: candidate.post(snapshots_url(attempt['id']), data=body, content_type='application/json'),
                400, 'nested too deeply')

    @pytest.mark.parametrize('body', [DEEP_ARRAY, DEEP_OBJECT, b'{"offline_delivery": ' + DEEP_OBJECT])
    def test_deeply_nested_course_settings(self, demo, staff, body):
        refused(lambda: staff.post(settings_url(demo), data=body, content_type='application/json'),
                400, 'nested too deeply')

    @pytest.mark.parametrize('field', ['answers_json', 'link'])
    def test_deep_nesting_inside_a_snapshots_texts(self, demo, attempt, candidate, field):
        deep = '[' * 49_999 + ']' * 49_999  # within the link's 100,000 characters
        answers_json = deep if field == 'answers_json' else json.dumps({CONTROL_WORD: 'x'})
        link = deep if field == 'link' else link_json(
            1, genesis_hash(attempt['attempt_code']), 1_700_000_000_001, answers_json, [CONTROL_WORD])
        body = json.dumps({'link': link, 'answers_json': answers_json})
        response = candidate.post(snapshots_url(attempt['id']), data=body, content_type='application/json')
        assert response.status_code == 400, response.content[:300]
        assert response.json()['detail']
        assert not ItemAnswer.objects.exists()

    def test_huge_json_bodies(self, demo, attempt, candidate, staff):
        """Over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): a 413 that says so, not Django's bare 400 page."""
        limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        snapshot = json.dumps({'link': '[1]', 'answers_json': json.dumps({CONTROL_WORD: 'x' * limit})})
        refused(lambda: candidate.post(snapshots_url(attempt['id']), data=snapshot, content_type='application/json'),
                413, f'larger than the {limit} bytes')
        draft = json.dumps({'offline_delivery': {f'setting_{n}': n for n in range(limit // 10)}})
        refused(lambda: staff.post(settings_url(demo), data=draft, content_type='application/json'),
                413, f'larger than the {limit} bytes')

    @pytest.mark.parametrize('data', [DEEP_ARRAY + b']' * 100_000, 'deep header'])
    def test_a_deeply_nested_delivery_file(self, demo, attempt, staff, data):
        if data == 'deep header':
            outer = json.loads(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}))
            outer['protected'] = b64.encode(DEEP_ARRAY + b']' * 100_000)
            data = json.dumps(outer, separators=(',', ':')).encode()
        body = refused(lambda: staff.post(upload_url(demo, attempt), {'file': SimpleUploadedFile('f', data)}),
                       400, 'not a readable delivery file')
        assert body['reason'] == 'malformed'


# -- Huge numbers in URLs and forms --------------------------------------------------------------------------------

#: Over SQLite's largest integer (2**63 - 1): in a query it was an OverflowError (500) there, and out of range on
#: MariaDB.
HUGE_ID = '99999999999999999999'
#: A placeholder id, replaced in the reversed URL by the huge one (which no longer reverses).
PLACEHOLDER_ID = 4242424242

#: Every URL that takes an integer id: (URL name, the id's name, what the URL names besides it, method, who asks).
ID_ROUTES = [
    ('attempt-uploads', 'attempt_id', 'exam', 'post', 'staff'),
    ('attempt-answers', 'attempt_id', 'exam', 'get', 'staff'),
    ('attempt-reopen', 'attempt_id', 'exam', 'get', 'staff'),
    ('attempt-reopen', 'attempt_id', 'exam', 'post', 'staff'),
    ('bulk-upload-status', 'upload_id', 'exam', 'get', 'staff'),
    ('request-decision', 'request_id', 'course', 'post', 'staff'),
    ('my-request', 'request_id', 'course', 'delete', 'candidate'),
    ('attempt-session', 'attempt_id', 'nothing', 'get', 'candidate'),
    ('attempt-snapshots', 'attempt_id', 'nothing', 'post', 'candidate'),
    ('attempt-deliveries', 'attempt_id', 'nothing', 'post', 'candidate'),
    ('attempt-unlock', 'attempt_id', 'nothing', 'post', 'candidate'),
]


def id_url(demo, name, id_name, scope, value):
    kwargs = {id_name: PLACEHOLDER_ID}
    if scope in ('course', 'exam'):
        kwargs['course_id'] = str(demo.course_key)
    if scope == 'exam':
        kwargs['content_id'] = demo.final_exam_id
    url = reverse(f'offline_delivery_plugin:v1:{name}', kwargs=kwargs)
    assert url.count(f'/{PLACEHOLDER_ID}/') == 1
    return url.replace(f'/{PLACEHOLDER_ID}/', f'/{value}/')


class TestHugeNumbers:
    """
    Ids from URLs are bounded where the URL is parsed (at most 18 digits: every such number fits a 64-bit
    column), so a huge one is no match (404) and never reaches a query; numbers in forms are bounded by their
    serializer or the api (400).
    """

    @pytest.fixture
    def good(self, demo, attempt):
        """A real delivery file of the learner's attempt (making it keeps the attempt's key: before ``stored()``)."""
        return delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})

    @staticmethod
    def send(good, client, name, method, url):
        """The request each route would succeed with for a real id, so that it reaches the view's queries."""
        if name == 'attempt-uploads':
            return client.post(url, {'file': SimpleUploadedFile('vera.offline-delivery', good)})
        if name == 'attempt-deliveries':
            return client.post(url, good, content_type='application/octet-stream')
        body = {'attempt-reopen': {'extra_minutes': 5, 'reason': 'network'}, 'request-decision': {
            'approve': True, 'minutes': 5}, 'attempt-unlock': {'password': 'tentavakt'}}.get(name, {})
        return getattr(client, method)(url, body, content_type='application/json')

    @pytest.mark.parametrize('value', [HUGE_ID, str(2**63), '9' * 19, '\u0661\u0662\u0663'])  # Arabic-Indic digits
    @pytest.mark.parametrize('name,id_name,scope,method,who', ID_ROUTES)
    def test_a_huge_id_in_a_url(self, demo, good, staff, candidate, name, id_name, scope, method, who, value):
        before = stored()
        response = self.send(good, staff if who == 'staff' else candidate, name, method,
                             id_url(demo, name, id_name, scope, value))
        assert response.status_code == 404, (name, method, response.status_code, response.content[:300])
        assert stored() == before

    @pytest.mark.parametrize('name,id_name,scope,method,who', ID_ROUTES)
    def test_the_largest_id_still_reaches_the_view(self, demo, good, staff, candidate, name, id_name, scope,
                                                   method, who):
        """18 nines are an id of nothing that every column holds: the view itself answers, and no 500."""
        response = self.send(good, staff if who == 'staff' else candidate, name, method,
                             id_url(demo, name, id_name, scope, '9' * 18))
        assert response.status_code in (400, 403, 404), (name, method, response.status_code, response.content[:300])
        assert response['Content-Type'] == 'application/json'

    @pytest.mark.parametrize('number', [10**30, -10**30, 1e300])
    @pytest.mark.parametrize('field', ['minutes', 'multiplier'])
    def test_a_huge_number_in_a_decision(self, demo, staff, field, number):
        request = api.create_exam_request(demo.verified_learner, demo.course_key, demo.final_exam_id,
                                          'additional_time', '')
        url = reverse('offline_delivery_plugin:v1:request-decision', kwargs={
            'course_id': str(demo.course_key), 'request_id': request.request_id})
        body = json.dumps({'approve': True, field: number})
        refused(lambda: staff.post(url, data=body, content_type='application/json'), 400, field)
        assert ExamRequest.objects.get(id=request.request_id).status == 'pending'

    @pytest.mark.parametrize('number', [10**30, -10**30])
    def test_huge_extra_minutes_for_a_reopening(self, client, demo, attempt, staff, number):
        submit_exam(client, attempt)
        url = reverse('offline_delivery_plugin:v1:attempt-reopen', kwargs={
            'course_id': str(demo.course_key), 'content_id': demo.final_exam_id, 'attempt_id': attempt['id']})
        body = json.dumps({'extra_minutes': number, 'reason': 'network'})
        refused(lambda: staff.post(url, data=body, content_type='application/json'), 400, 'from 0 to 600')

    @pytest.mark.parametrize('number', [10**30, -10**30])
    def test_a_huge_autosave_interval_in_the_course_settings(self, demo, staff, number):
        body = json.dumps({'offline_delivery': {'autosave_interval_seconds': number}})
        response = staff.post(settings_url(demo), data=body, content_type='application/json')
        assert response.status_code == 400, response.content[:300]
        assert 'autosave_interval_seconds' in response.json()['errors']

    @pytest.mark.parametrize('kind,value', [('additional_time', str(10**30)), ('time_multiplier', str(10**30)),
                                            ('additional_time', '-' + str(10**30)), ('time_multiplier', '1e400')])
    def test_a_huge_number_in_a_csv_of_allowances(self, demo, staff, kind, value):
        """Each line of the CSV answers for itself: the huge one is refused with a reason, nothing is added."""
        data = f'user,exam,type,value\nverified_learner,Final exam (proctored),{kind},{value}\n'.encode()
        before = stored()
        response = staff.post(allowances_url(demo), {'file': SimpleUploadedFile('allowances.csv', data)})
        assert response.status_code == 200, response.content[:300]
        line, = response.json()['results']
        assert (line['line'], line['ok']) == (2, False) and line['message'], line
        assert stored() == before


# -- A bulk request's total size -----------------------------------------------------------------------------------

class RecordingUploadHandler(FileUploadHandler):
    """Records each file Django's multipart parser starts to receive (and so spools to memory or disk)."""

    received = []

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received.append(file_name)

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


class TestBulkRequestSize:
    """``OFFLINE_DELIVERY_BULK_MAX_BYTES`` bounds a bulk request; what passes is streamed, never read whole."""

    def test_a_request_over_the_total_is_refused_before_its_body_is_read(self, demo, staff, settings):
        """Each file is within the file limit, together they are over the total: 413, nothing spooled or kept."""
        settings.OFFLINE_DELIVERY_BULK_MAX_BYTES = 10_000
        settings.FILE_UPLOAD_HANDLERS = ['tests.security.test_limits.RecordingUploadHandler']
        RecordingUploadHandler.received = []
        parts = [(f'{n}.offline-delivery', incompressible(3000)) for n in range(4)]
        refused(lambda: bulk(staff, demo, *parts), 413, 'at most 10000 bytes')
        assert RecordingUploadHandler.received == []

    def test_the_page_with_csrf_is_refused_before_its_body_is_read(self, demo, settings):
        """With a real session's CSRF check (which reads the form) the body is still not parsed."""
        settings.OFFLINE_DELIVERY_BULK_MAX_BYTES = 10_000
        settings.FILE_UPLOAD_HANDLERS = ['tests.security.test_limits.RecordingUploadHandler']
        RecordingUploadHandler.received = []
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.force_login(demo.invigilator)
        client.get(reverse('offline_delivery_plugin:monitor', kwargs={
            'course_id': str(demo.course_key), 'content_id': demo.final_exam_id}))
        token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
        before = stored()
        response = client.post(bulk_url(demo), {'files': [SimpleUploadedFile('stick.zip', incompressible(20_000))]},
                               HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 413, response.content[:300]
        assert RecordingUploadHandler.received == [] and stored() == before

    def test_a_request_within_the_total_is_accepted(self, demo, attempt, staff, settings):
        good = delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'})
        settings.OFFLINE_DELIVERY_BULK_MAX_BYTES = len(good) + 1000
        response = bulk(staff, demo, ('vera.offline-delivery', good))
        assert response.status_code == 202, response.content[:300]
        line, = staff.get(response.json()['status_url']).json()['results']
        assert line['outcome'] == 'accepted'

    def test_a_big_stick_is_not_held_in_memory(self, demo, staff, settings):
        """
        A 24 MB zip through the endpoint: the request's peak memory stays near the test client's own copy of the
        body, where reading the zip whole (and building the batch in memory) took four times the stick.
        """
        stick = zipped([(f'EXAM/{n}.offline-delivery', incompressible(1_000_000)) for n in range(24)],
                       zipfile.ZIP_STORED)
        body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="stick.zip"\r\n'
                f'Content-Type: application/zip\r\n\r\n').encode() + stick + f'\r\n--{BOUNDARY}--\r\n'.encode()
        tracemalloc.start()
        try:
            response = staff.post(bulk_url(demo), data=body, content_type=f'multipart/form-data; boundary={BOUNDARY}')
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert response.status_code == 202, response.content[:300]
        status = staff.get(response.json()['status_url']).json()
        assert (status['total'], status['done']) == (24, 24)
        assert peak < 1.5 * len(stick), f'peak {peak} bytes for a {len(stick)}-byte stick'
