"""
Tampering (issue 8, item 1). The candidate page writes a real delivery file in Chromium; then every single-byte
change of it, its truncation at every length, generated mutations (hypothesis: byte flips, inserts, deletes,
splices with another real file, duplicated and reordered segments, edits of the outer JSON and of the header) and a
sample through both upload endpoints must each be refused with its typed reason: zero accepted, zero 500s, nothing
written.

The page saves its files once for the whole module, in a thread of its own (so its Playwright does not meet the
session Playwright of tests/browser), against a database the module keeps until its end; each test then runs in a
transaction rolled back afterwards, so every test starts from the state in which the page saved the files.

Beside: tests/test_envelope.py (each way a file can be wrong, on a Python-written file) and tests/test_deliveries.py
and test_binding_and_rollback.py (binding, chain, freshness).
"""
import base64
import collections
import json
import os
import random
import threading
from dataclasses import dataclass
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import modify_settings
from django.urls import reverse
from edx_proctoring.models import ProctoredExamStudentAttempt
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.exceptions import DeliveryRefused
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, DeliveryFile, ItemAnswer
from sandbox.host.demo import COURSE_ID, INVIGILATOR_PASSWORD
from tests.helpers import start_exam

pytestmark = pytest.mark.browser

#: The reasons a file is refused for before anything about an attempt is read: a changed byte must end here.
ENVELOPE_REASONS = ('malformed', 'unsupported_version', 'unknown_key', 'tampered', 'not_cosigned')
B64URL = frozenset(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')
B64URL_ORDER = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
VALUE_FIELDS = ('protected', 'epk', 'iv', 'ciphertext', 'cosig')
#: Generated mutations through the full path: the issue's 10,000 in make test, three times more in make stress
#: (100,000 took most of the stress run's 28 minutes on the CI machine, 2026-12-01).
MAKE_TEST_EXAMPLES = 10_000
STRESS_EXAMPLES = 30_000


# -- The page writes the files -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SavedFile:
    """A delivery file as the page saved it, with the name and receipt code it showed."""

    data: bytes
    name: str
    receipt: str


def _save_two_files_in_chromium(base_url, course_key, exam_id, folder):
    """
    Drive the candidate page as in tests/browser/test_candidate_offline.py: answer online, lose the connection,
    answer offline, "Save delivery as file" behind the invigilator password, twice (a second real file for splices).
    """
    # pylint: disable=import-outside-toplevel
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, CONTROL_WORD, ESSAY, log_in, wait_until_sent

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            page.clock.install()
            log_in(page, base_url, 'verified_learner')

            def open_unit(unit_id):  # the unit's page by itself, as Exams on this device opens it
                page.goto(f'{base_url}/xblock/{course_key.make_usage_key("vertical", unit_id)}')
                expect(page.locator('#offline-delivery[data-ready="true"]')).to_have_count(1, timeout=30000)

            open_unit('final_part_a')
            page.get_by_label(CONTROL_WORD).fill('hej')
            page.clock.run_for(3000)
            wait_until_sent(page)
            open_unit('final_part_d')
            page.context.set_offline(True)
            # And nothing of the plugin's API reaches the server from here on: the emulated offline state let a
            # snapshot through now and then (the server then held a newer one than the first file, which it refused
            # as stale), so the files' snapshots are the server's newest only if the page cannot send at all.
            page.context.route('**/offline-delivery/api/**', lambda route: route.abort())
            page.get_by_label(ESSAY).fill('Written while the network was down: ÅÄÖ ✓')
            page.clock.run_for(66000)
            expect(page.get_by_role('alert').filter(has_text='contact an invigilator')).to_be_visible()
            for _number in range(2):
                page.get_by_role('button', name='Menu').click()
                page.get_by_role('menuitem', name='Save delivery as file').click()
                page.get_by_label('Invigilator password').fill(INVIGILATOR_PASSWORD)
                with page.expect_download(timeout=30000) as download_info:
                    page.get_by_role('button', name='Save delivery', exact=True).click()
                expect(page.get_by_role('heading', name='Delivery saved as file')).to_be_visible()
                path = folder / f'{len(saved)}-{download_info.value.suggested_filename}'
                download_info.value.save_as(path)
                saved.append(SavedFile(path.read_bytes(), download_info.value.suggested_filename,
                                       page.locator('.od-receipt').text_content()))
                page.get_by_role('button', name='OK').click()
                page.clock.run_for(1500)  # the second file is written at another time, to another ephemeral key
            # Nothing more reaches the server: closing the page (offline as it is) let its last snapshot through
            # now and then, so the server's newest snapshot varied from run to run.
            page.context.route('**/*', lambda route: route.abort())
            page.context.close()
        finally:
            browser.close()
    return saved


def _in_own_thread(function, *args):
    outcome = {}

    def run():
        try:
            outcome['value'] = function(*args)
        except BaseException as error:  # pylint: disable=broad-exception-caught
            outcome['error'] = error

    thread = threading.Thread(target=run, name='tampering-chromium', daemon=True)
    thread.start()
    thread.join(timeout=300)
    if thread.is_alive():
        pytest.fail('Chromium did not save the delivery files within 5 minutes.')
    if 'error' in outcome:
        raise outcome['error']
    return outcome['value']


@pytest.fixture(scope='module')
def hall(django_db_setup, django_db_blocker, tmp_path_factory):  # pylint: disable=unused-argument
    """
    The demo course, verified_learner's final-exam attempt and two delivery files the page saved for it (the
    attempt still in progress: a good file would be accepted). The database keeps this state for the module and
    is emptied at its end, as a transactional test leaves it.
    """
    # pylint: disable=import-outside-toplevel
    from pytest_django.live_server_helper import LiveServer

    course_key = CourseKey.from_string(COURSE_ID)
    exam_id = str(course_key.make_usage_key('sequential', 'final_exam'))
    with django_db_blocker.unblock():
        try:
            call_command('seed_demo', stdout=StringIO())
            start_exam(Client(), get_user_model().objects.get(username='verified_learner'), course_key, exam_id)
            server = LiveServer('localhost')
            try:
                with modify_settings(ALLOWED_HOSTS={'append': 'localhost'}):
                    saved = _in_own_thread(_save_two_files_in_chromium, server.url, course_key, exam_id,
                                           tmp_path_factory.mktemp('downloads'))
            finally:
                server.stop()
            users = get_user_model().objects.in_bulk(['verified_learner', 'invigilator'], field_name='username')
            attempt = ProctoredExamStudentAttempt.objects.get(user=users['verified_learner'],
                                                              proctored_exam__content_id=exam_id)
        except BaseException:
            call_command('flush', interactive=False, verbosity=0)
            raise
    yield SimpleNamespace(course_key=course_key, exam_id=exam_id, attempt_id=attempt.id,
                          candidate=users['verified_learner'], invigilator=users['invigilator'],
                          file=saved[0], other=saved[1])
    with django_db_blocker.unblock():
        call_command('flush', interactive=False, verbosity=0)


# -- What a refusal must leave behind: nothing -------------------------------------------------------------------

def written(attempt_id):
    """Everything a delivery writes: files kept, answers, the attempt's record and status, stored bytes."""
    media = [os.path.join(root, name) for root, _dirs, names in os.walk(django_settings.MEDIA_ROOT) for name in names]
    return (
        list(DeliveryFile.objects.order_by('id').values_list('id', 'sha256')),
        list(ItemAnswer.objects.order_by('id').values_list('id', 'item_id', 'value', 'seq', 'source')),
        list(AttemptRecord.objects.filter(attempt_id=attempt_id).values_list(
            'last_save_seq', 'last_save_hash', 'last_save_at', 'proctoring_status')),
        ProctoredExamStudentAttempt.objects.filter(id=attempt_id).values_list('status', flat=True).get(),
        sorted(media),
    )


class Tally:
    """Counts of what was tried and how each try was refused, printed for the security note."""

    def __init__(self, title):
        self.title = title
        self.tried = 0
        self.reasons = collections.Counter()
        self.kinds = collections.Counter()

    def add(self, reason, kind=''):
        self.tried += 1
        self.reasons[reason] += 1
        if kind:
            self.kinds[kind] += 1

    def report(self):
        by_reason = ', '.join(f'{reason} {count}' for reason, count in sorted(self.reasons.items()))
        line = f'{self.title}: {self.tried} tried, {sum(self.reasons.values())} refused ({by_reason}); 0 accepted'
        if self.kinds:
            line += '; by kind: ' + ', '.join(f'{kind} {count}' for kind, count in sorted(self.kinds.items()))
        print(line)
        return line


def refusal_of(hall, data):
    """
    Deliver ``data`` through the full path (``api.deliver_file``, as the staff upload does) and return the typed
    refusal. Any other exception fails the test; so does an acceptance (undone, so that it is reported as itself
    rather than as the ``closed`` attempt of every file after it).
    """
    with transaction.atomic():
        try:
            receipt = api.deliver_file(data, hall.attempt_id, hall.invigilator, 'staff')
        except DeliveryRefused as refusal:
            assert refusal.user_message, refusal.reason
            return refusal
        transaction.set_rollback(True)
    pytest.fail(f'A changed file was accepted ({receipt}): {data[:200]!r}...')
    return None  # pragma: no cover


# -- The file's layout and the reason each region must give --------------------------------------------------------

def regions(data):
    """
    ``{position: region}``: ``version`` (its digit), a value field's name (its base64url text), or ``structure``
    (braces, quotes, keys, the format name).
    """
    outer = json.loads(data)
    assert data == (
        b'{"format":"offline-delivery-file","version":2,"protected":"%s","epk":"%s","iv":"%s","ciphertext":"%s",'
        b'"cosig":"%s"}'
        % tuple(outer[name].encode() for name in VALUE_FIELDS)), 'the page wrote another layout than the format'
    layout = dict.fromkeys(range(len(data)), 'structure')
    layout[data.index(b'"version":2') + len(b'"version":')] = 'version'
    for name in VALUE_FIELDS:
        start = data.index(b'"%s":"' % name.encode()) + len(name) + 4
        for position in range(start, start + len(outer[name])):
            layout[position] = name
    return layout


def canonical_b64url(text):
    """The bytes of ``text`` when it is canonical unpadded base64url, else None (an independent reading)."""
    if not text or set(text.encode()) - B64URL or len(text) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
    return raw if base64.urlsafe_b64encode(raw).rstrip(b'=').decode() == text else None


def _no_duplicates(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError('duplicate key')
    return dict(pairs)


def header_reason(protected, original_header):  # noqa: PLR0911  (one return per rule of the format, in its order)
    """The refusal a file whose ``protected`` text is ``protected`` (the rest unchanged) must get."""
    raw = canonical_b64url(protected)
    if raw is None:
        return 'malformed'
    try:
        header = json.loads(raw.decode('utf-8'), object_pairs_hook=_no_duplicates)
    except ValueError:
        return 'malformed'
    if not isinstance(header, dict) or set(header) != set(original_header) or any(
            type(header[key]) is not type(value) for key, value in original_header.items()):
        return 'malformed'
    if any(isinstance(value, int) and abs(value) > 2 ** 53 - 1 for value in header.values()):
        return 'malformed'  # no whole number in a file lies outside JavaScript's exact integers
    if header['v'] != 2 or header['alg'] != original_header['alg']:
        return 'unsupported_version'
    if not 1 <= header['seq'] <= 2 ** 31 - 1:
        return 'malformed'  # a sequence number no page writes and no database column holds
    if header['kid'] != original_header['kid']:
        return 'unknown_key'
    return 'tampered'


def expected_reason(data, layout, position, new_byte):
    """The refusal of ``data`` with the byte at ``position`` changed to ``new_byte``, from the format's spec."""
    region = layout[position]
    if region == 'structure':
        return 'malformed'
    if region == 'version':
        return 'unsupported_version' if chr(new_byte).isdigit() else 'malformed'
    if new_byte not in B64URL:
        return 'malformed'  # a quote, a backslash, a byte of no JSON string or of no base64url text
    outer = json.loads(data)
    start = layout_start(layout, region)
    text = outer[region][:position - start] + chr(new_byte) + outer[region][position - start + 1:]
    if region == 'protected':
        return header_reason(text, json.loads(canonical_b64url(outer['protected'])))
    if canonical_b64url(text) is None:
        return 'malformed'
    # The encryption checks out with any co-signature; a changed one no longer verifies.
    return 'not_cosigned' if region == 'cosig' else 'tampered'


def layout_start(layout, region):
    return min(position for position, name in layout.items() if name == region)


def single_byte_changes(data):
    """
    Every position, changed two ways: XOR 0x01, and to the next base64url character (so that base64url text stays
    decodable and reaches the cryptography), XOR 0x80 for a byte outside that alphabet.
    """
    for position, byte in enumerate(data):
        nxt = B64URL_ORDER[(B64URL_ORDER.index(byte) + 1) % 64] if byte in B64URL else byte ^ 0x80
        for new_byte in (byte ^ 0x01, nxt):
            yield position, new_byte


def changed(data, position, new_byte):
    mutated = bytearray(data)
    mutated[position] = new_byte
    return bytes(mutated)


# -- The tests -------------------------------------------------------------------------------------------------------

def test_the_pages_files_are_genuine(db, hall):  # pylint: disable=unused-argument
    """
    The files the mutations start from are good: the reader opens them, they have the layout the format describes,
    and a delivery would accept either (each undone afterwards), with the receipt code the page showed.
    """
    assert hall.file.data != hall.other.data
    before = written(hall.attempt_id)
    for saved in (hall.file, hall.other):
        opened = api.open_delivery_file(saved.data)
        assert envelope.receipt_code(opened.sha256) == saved.receipt
        control_word = next(key for key in opened.answers if key.endswith('#input_final_control_word_2_1'))
        assert opened.answers[control_word] == 'hej'
        regions(saved.data)
        with transaction.atomic():
            receipt = api.deliver_file(saved.data, hall.attempt_id, hall.invigilator, 'staff')
            assert (receipt.receipt, receipt.already_delivered) == (saved.receipt, False)
            assert written(hall.attempt_id) != before
            transaction.set_rollback(True)
        # Undone in the database; the kept copy stays in this test's storage, which no transaction covers.
        assert written(hall.attempt_id)[:-1] == before[:-1]


def test_every_single_byte_change_is_refused_with_its_reason(db, hall):  # pylint: disable=unused-argument
    data = hall.file.data
    layout = regions(data)
    before = written(hall.attempt_id)
    tally = Tally(f'single-byte changes of a {len(data)}-byte page file')
    by_region = collections.defaultdict(collections.Counter)
    for position, new_byte in single_byte_changes(data):
        refusal = refusal_of(hall, changed(data, position, new_byte))
        expected = expected_reason(data, layout, position, new_byte)
        assert refusal.reason == expected, (position, layout[position], bytes([data[position], new_byte]),
                                            refusal.detail)
        tally.add(refusal.reason)
        by_region[layout[position]][refusal.reason] += 1
    assert written(hall.attempt_id) == before
    assert tally.tried == 2 * len(data)
    tally.report()
    print('  by region:', {region: dict(counts) for region, counts in sorted(by_region.items())})


def test_truncation_at_every_length_is_refused(db, hall):  # pylint: disable=unused-argument
    data = hall.file.data
    before = written(hall.attempt_id)
    tally = Tally('truncations')
    for length in range(len(data)):
        refusal = refusal_of(hall, data[:length])
        assert refusal.reason == 'malformed', (length, refusal.detail)
        tally.add(refusal.reason)
    assert written(hall.attempt_id) == before
    assert tally.tried == len(data)
    tally.report()


# -- Generated mutations -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutation:
    """A changed file, how it was made, and the refusals it may get (the envelope's, unless more is known)."""

    kind: str
    data: bytes
    reasons: tuple = ENVELOPE_REASONS


def _compact(outer):
    return json.dumps(outer, separators=(',', ':')).encode()


def _b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


@st.composite
def byte_level(draw, data, other):
    """Flips, inserts, deletes, splices with the other file, duplicated and reordered segments."""
    size = len(data)
    position = st.integers(0, size - 1)
    kind = draw(st.sampled_from(['flip', 'flips', 'insert', 'delete', 'splice', 'crossover', 'duplicate', 'swap',
                                 'replace-tail']))
    mutated = bytearray(data)
    if kind == 'flip':
        at = draw(position)
        mutated[at] ^= draw(st.integers(1, 255))
    elif kind == 'flips':
        for at in draw(st.lists(position, min_size=2, max_size=12, unique=True)):
            mutated[at] ^= draw(st.integers(1, 255))
    elif kind == 'insert':
        at = draw(st.integers(0, size))
        mutated[at:at] = draw(st.one_of(
            st.binary(min_size=1, max_size=24),
            st.sampled_from([b' ', b'\n', b'\r\n', b'\t', b'\x00', b'\xef\xbb\xbf', b'"', b',', b'=', b'==', b'A',
                             b'\\', b'{}', b'[]', b'\\u0041', b'\xff']),
        ))
    elif kind == 'delete':
        at = draw(position)
        del mutated[at:at + draw(st.integers(1, 64))]
    elif kind == 'splice':  # a piece of the other real file in place of a piece of this one
        at, length = draw(position), draw(st.integers(1, 256))
        start = draw(st.integers(0, len(other) - 1))
        mutated[at:at + length] = other[start:start + draw(st.integers(1, 256))]
    elif kind == 'crossover':  # this file up to a point, the other one from there (or the other way round)
        at = draw(st.integers(1, min(size, len(other)) - 1))
        first, second = draw(st.permutations([data, other]))
        mutated = bytearray(first[:at] + second[at:])
    elif kind == 'duplicate':
        start = draw(position)
        segment = data[start:start + draw(st.integers(1, 128))]
        at = draw(st.integers(0, size))
        mutated[at:at] = segment
    elif kind == 'swap':  # two segments change places
        first, second = sorted(draw(st.lists(position, min_size=2, max_size=2, unique=True)))
        length = draw(st.integers(1, max(1, min(128, second - first))))
        a, b = data[first:first + length], data[second:second + length]
        mutated = bytearray(data[:first] + b + data[first + length:second] + a + data[second + length:])
    else:
        at = draw(position)
        mutated[at:] = draw(st.binary(max_size=64))
    return Mutation(kind, bytes(mutated))


HEADER_VALUES = st.one_of(
    st.integers(-2**63, 2**63), st.text(max_size=40), st.booleans(), st.none(), st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@dataclass
class Parts:
    """A fresh parse of the file being edited, the other real file's, and the file's header."""

    data: bytes
    outer: dict
    theirs: dict
    header: dict


JSON_EDITS = {}


def json_edit(kind):
    """Register ``function(draw, parts) -> (bytes, reasons)`` as the JSON-level edit ``kind``."""
    def register(function):
        JSON_EDITS[kind] = function
        return function
    return register


@json_edit('header-field')
def _a_header_field_changed(draw, parts):
    """A header field set to another value or type, removed, or one added; the header re-encoded compactly."""
    header = dict(parts.header)
    field = draw(st.sampled_from(sorted(header) + ['extra']))
    if field == 'extra' or draw(st.booleans()):
        header[field] = draw(HEADER_VALUES)
    else:
        del header[field]
    if header == parts.header:
        header['seq'] += 1
    parts.outer['protected'] = _b64(json.dumps(header, separators=(',', ':')).encode())
    return _compact(parts.outer), (header_reason(parts.outer['protected'], parts.header),)


@json_edit('header-reformatted')
def _the_header_reformatted(draw, parts):
    """The same header values in other JSON text: the associated data changed."""
    keys = draw(st.permutations(sorted(parts.header)))
    text = json.dumps({key: parts.header[key] for key in keys}, indent=draw(st.sampled_from([None, 0, 1, 2])),
                      separators=draw(st.sampled_from([(',', ':'), (', ', ': '), (',', ': ')])))
    if _b64(text.encode()) == parts.outer['protected']:
        text += ' '
    parts.outer['protected'] = _b64(text.encode())
    return _compact(parts.outer), ('tampered',)


@json_edit('field-from-other-file')
def _values_from_the_other_file(draw, parts):
    names = draw(st.lists(st.sampled_from(VALUE_FIELDS), min_size=1, max_size=3, unique=True))
    for name in names:
        parts.outer[name] = parts.theirs[name]
    # The other file's co-signature alone: the encryption checks out, the co-signature does not.
    return _compact(parts.outer), ('not_cosigned',) if names == ['cosig'] else ('tampered',)


@json_edit('fields-exchanged')
def _two_values_exchanged(draw, parts):
    first, second = draw(st.lists(st.sampled_from(VALUE_FIELDS), min_size=2, max_size=2, unique=True))
    parts.outer[first], parts.outer[second] = parts.outer[second], parts.outer[first]
    return _compact(parts.outer), ('malformed', 'tampered')


@json_edit('base64-re-encoded')
def _the_same_bytes_in_other_base64(draw, parts):
    """Padded, the standard alphabet, line breaks or spaces, stray low bits in the last character."""
    name = draw(st.sampled_from(VALUE_FIELDS))
    raw, text = canonical_b64url(parts.outer[name]), parts.outer[name]
    options = [text + '=' * (-len(text) % 4 or 4), base64.b64encode(raw).decode(), text[:10] + '\n' + text[10:],
               ' ' + text, base64.urlsafe_b64encode(raw).decode() + '\n']
    if len(text) % 4:
        options.append(text[:-1] + chr(B64URL_ORDER[B64URL_ORDER.index(text[-1].encode()) ^ 1]))
    parts.outer[name] = draw(st.sampled_from([option for option in options if option != text]))
    return _compact(parts.outer), ('malformed',)


@json_edit('extra-key')
def _a_key_added(draw, parts):
    parts.outer[draw(st.text(min_size=1, max_size=12).filter(lambda key: key not in parts.outer))] = draw(
        HEADER_VALUES)
    return _compact(parts.outer), ('malformed',)


@json_edit('missing-key')
def _a_key_removed(draw, parts):
    del parts.outer[draw(st.sampled_from(sorted(parts.outer)))]
    return _compact(parts.outer), ('malformed',)


@json_edit('duplicate-key')
def _a_key_twice(draw, parts):
    """JSON parsers disagree on which of two equal keys wins: refused outright."""
    name = draw(st.sampled_from(sorted(parts.outer)))
    value = draw(st.sampled_from([parts.outer[name], parts.theirs[name]]))
    return _compact(parts.outer)[:-1] + b',' + json.dumps({name: value})[1:].encode(), ('malformed',)


@json_edit('renamed-key')
def _a_key_renamed(draw, parts):
    name = draw(st.sampled_from(sorted(parts.outer)))
    new_name = draw(st.sampled_from([name.upper(), name + ' ', ' ' + name, name[:-1], name + '\u0000']))
    return _compact({new_name if key == name else key: value for key, value in parts.outer.items()}), ('malformed',)


@json_edit('keys-reordered')
def _the_keys_in_another_order(draw, parts):
    """Every value intact, in another order: not the bytes the page wrote."""
    keys = draw(st.permutations(list(parts.outer)).filter(lambda order: order != list(parts.outer)))
    return _compact({key: parts.outer[key] for key in keys}), ('malformed',)


@json_edit('reformatted')
def _the_same_object_spaced_or_escaped(draw, parts):
    """Every value intact: indentation, spaces, a trailing newline, escapes for plain letters."""
    text = json.dumps(parts.outer, indent=draw(st.sampled_from([None, 1, 2, '\t'])),
                      separators=draw(st.sampled_from([(', ', ': '), (',', ': '), (', ', ':'), (',', ':')])))
    text = draw(st.sampled_from([text, text + '\n', ' ' + text, text.replace('"format"', '"\\u0066ormat"'),
                                 text.replace('offline', 'offl\\u0069ne', 1)])).encode()
    return (text if text != parts.data else text + b'\n'), ('malformed',)


@json_edit('version')
def _another_version(draw, parts):
    parts.outer['version'] = draw(st.one_of(st.integers().filter(lambda version: version != envelope.VERSION),
                                            st.sampled_from([2.0, '2', True, None, [2]])))
    is_int = isinstance(parts.outer['version'], int) and not isinstance(parts.outer['version'], bool)
    return _compact(parts.outer), ('unsupported_version',) if is_int else ('malformed',)


@json_edit('format')
def _another_format_name(draw, parts):
    parts.outer['format'] = draw(st.one_of(
        st.sampled_from(['offline-delivery-files', 'Offline-Delivery-File', '', envelope.FORMAT + ' ', None]),
        st.text(max_size=30).filter(lambda text: text != envelope.FORMAT)))
    return _compact(parts.outer), ('malformed',)


@json_edit('value-type')
def _a_value_of_another_type(draw, parts):
    name = draw(st.sampled_from(VALUE_FIELDS))
    parts.outer[name] = draw(st.sampled_from([None, 0, [parts.outer[name]], {'b64': parts.outer[name]}, True,
                                              list(canonical_b64url(parts.outer[name])[:8])]))
    return _compact(parts.outer), ('malformed',)


@json_edit('wrapped')
def _the_file_wrapped_or_doubled(draw, parts):
    data = parts.data
    return draw(st.sampled_from([b'[' + data + b']', b'{"file":' + data + b'}', data + data,
                                 b'"' + base64.b64encode(data) + b'"', data + b',' + data])), ('malformed',)


@json_edit('trailing')
def _something_after_the_object(draw, parts):
    return parts.data + draw(st.sampled_from([b' ', b'\n', b'\r\n', b'\t', b'\x00', b'}', b'{}', b'\n\n',
                                              b'  \n'])), ('malformed',)


@json_edit('bom')
def _a_byte_order_mark(_draw, parts):
    return b'\xef\xbb\xbf' + parts.data, ('malformed',)


@st.composite
def json_level(draw, data, other):
    """Edits of the outer JSON object and of the header inside it, each re-encoded as a writer would."""
    kind = draw(st.sampled_from(sorted(JSON_EDITS)))
    outer = json.loads(data)
    parts = Parts(data, outer, json.loads(other), json.loads(canonical_b64url(outer['protected'])))
    mutated, reasons = JSON_EDITS[kind](draw, parts)
    return Mutation(kind, mutated, reasons)


def mutations(data, other):
    return st.one_of(byte_level(data, other), json_level(data, other))


def run_generated_mutations(hall, examples):
    """Deliver ``examples`` generated mutations through the full path; each must be refused as expected."""
    data, other = hall.file.data, hall.other.data
    before = written(hall.attempt_id)
    tally = Tally(f'generated mutations (max_examples={examples})')
    identical, distinct = collections.Counter(), set()

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutation=mutations(data, other))
    def deliver(mutation):
        if mutation.data in (data, other):  # a splice or crossover that rebuilt a whole good file: no mutation
            identical[mutation.kind] += 1
        assume(mutation.data not in (data, other))
        refusal = refusal_of(hall, mutation.data)
        assert refusal.reason in mutation.reasons, (mutation.kind, refusal.reason, refusal.detail,
                                                    mutation.data[:300])
        tally.add(refusal.reason, mutation.kind)
        distinct.add(mutation.data)

    deliver()
    assert written(hall.attempt_id) == before
    tally.report()
    print(f'  distinct files: {len(distinct)}; rebuilt a good file (not counted): {dict(identical)}')
    return tally


def test_generated_mutations_are_refused(db, hall):  # pylint: disable=unused-argument
    tally = run_generated_mutations(hall, MAKE_TEST_EXAMPLES)
    assert tally.tried >= MAKE_TEST_EXAMPLES


@pytest.mark.stress
def test_thirty_thousand_generated_mutations_are_refused(db, hall):  # pylint: disable=unused-argument
    tally = run_generated_mutations(hall, STRESS_EXAMPLES)
    assert tally.tried >= STRESS_EXAMPLES


# -- A sample through the upload endpoints ---------------------------------------------------------------------------

def generated_sample(data, other, count):
    """``count`` generated mutations (the same every run), for the endpoints."""
    found = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(mutation=mutations(data, other))
    def collect(mutation):
        assume(mutation.data not in (data, other))
        found.append(mutation)

    collect()
    return found


def endpoint_sample(data, other):
    """
    150 changed files: 60 single-byte changes (with the reason each must get), 20 truncations, the empty body and
    69 generated mutations of every kind.
    """
    layout, rng = regions(data), random.Random(8)
    sample = [Mutation('single-byte', changed(data, position, new_byte),
                       (expected_reason(data, layout, position, new_byte),))
              for position, new_byte in rng.sample(list(single_byte_changes(data)), 60)]
    sample += [Mutation('truncated', data[:length], ('malformed',))
               for length in [0] + sorted(rng.sample(range(1, len(data)), 20))]
    return sample + generated_sample(data, other, 69)


def test_a_sample_through_the_upload_endpoints(db, hall):  # pylint: disable=unused-argument
    """
    The staff upload (the Monitor, one attempt) and the candidate's self-delivery: each changed file answers a 4xx
    with its ``reason`` and a message, never a 500; nothing is written, and each staff refusal is audited.
    """
    sample = endpoint_sample(hall.file.data, hall.other.data)
    assert len(sample) == 150
    staff, candidate = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(hall.invigilator)
    candidate.force_login(hall.candidate)
    upload_url = reverse('offline_delivery_plugin:v1:attempt-uploads', kwargs={
        'course_id': str(hall.course_key), 'content_id': hall.exam_id, 'attempt_id': hall.attempt_id})
    self_url = reverse('offline_delivery_plugin:v1:attempt-deliveries', kwargs={'attempt_id': hall.attempt_id})
    endpoints = {
        'staff upload': lambda data: staff.post(upload_url, {'file': SimpleUploadedFile(hall.file.name, data)}),
        'self-delivery': lambda data: candidate.post(self_url, data, content_type='application/octet-stream'),
    }
    before = written(hall.attempt_id)
    statuses = collections.Counter()
    for endpoint, post in endpoints.items():
        tally = Tally(f'{endpoint} endpoint')
        for mutation in sample:
            audited = AuditEvent.objects.filter(kind='upload', outcome=AuditEvent.REFUSED).count()
            response = post(mutation.data)
            statuses[response.status_code] += 1
            assert response.status_code == 400, (endpoint, mutation.kind, response.status_code, response.content)
            body = response.json()
            assert body['reason'] in mutation.reasons, (endpoint, mutation.kind, body)
            assert body['detail']
            assert written(hall.attempt_id) == before, (endpoint, mutation.kind)
            if endpoint == 'staff upload':
                event = AuditEvent.objects.filter(kind='upload', outcome=AuditEvent.REFUSED).order_by('id').last()
                assert audited + 1 == AuditEvent.objects.filter(kind='upload', outcome=AuditEvent.REFUSED).count()
                assert event.detail['reason'] == body['reason']
            tally.add(body['reason'], mutation.kind)
        tally.report()
    print(f'  HTTP statuses over both endpoints: {dict(statuses)} (500s: {statuses[500]})')
    assert sum(statuses.values()) == 2 * len(sample)
