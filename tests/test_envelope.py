"""
Opening delivery files: what a good file gives, and the typed refusal for each way a file can be wrong.
"""
import json

import pytest
from django.test import override_settings

from offline_delivery_plugin import api
from offline_delivery_plugin.crypto import b64, envelope
from offline_delivery_plugin.exceptions import DeliveryRefused
from tests.crypto_helpers import delivery_file

ANSWERS = {'block-v1:SandboxU+EXAM101+2026+type@exam_short_text+block@final_control_word': 'hej',
           'block-v1:SandboxU+EXAM101+2026+type@exam_essay+block@final_essay_offline': 'Åsa skrev på tåget ✓'}


@pytest.fixture
def good_file(demo, attempt):
    return delivery_file(demo.verified_learner, attempt, ANSWERS, seq=3)


def refusal(data):
    with pytest.raises(DeliveryRefused) as caught:
        api.open_delivery_file(data)
    return caught.value


def mutate_outer(data, **changes):
    outer = json.loads(data)
    outer.update(changes)
    return json.dumps(outer).encode()


def test_a_good_file_opens(demo, attempt, good_file):
    opened = api.open_delivery_file(good_file)
    assert opened.answers == ANSWERS
    assert opened.header['attempt'] == attempt['attempt_code']
    assert opened.header['seq'] == 3
    assert len(opened.links) == 3
    assert opened.blank is False
    assert opened.sha256 == envelope.sha256_hex(good_file)


def test_receipt_code_shape_and_stability(good_file):
    code = envelope.receipt_code(envelope.sha256_hex(good_file))
    assert len(code) == 9 and code[4] == '-'
    assert set(code.replace('-', '')) <= set(envelope.RECEIPT_ALPHABET)
    assert envelope.receipt_code('0' * 64) == '0000-0000'
    assert envelope.receipt_code('f' * 64) == 'ZZZZ-ZZZZ'


def test_every_single_byte_change_is_refused(good_file):
    # Flip each byte (a sample of positions across the whole file here; the full sweep is in make stress).
    step = max(1, len(good_file) // 200)
    for position in range(0, len(good_file), step):
        changed = bytearray(good_file)
        changed[position] ^= 0x01
        assert refusal(bytes(changed)).reason in ('malformed', 'tampered', 'unsupported_version', 'unknown_key',
                                                 'not_cosigned')


def test_truncation_is_refused(good_file):
    for length in range(0, len(good_file), max(1, len(good_file) // 100)):
        assert refusal(good_file[:length]).reason in ('malformed', 'tampered')


def test_a_changed_header_is_refused_as_tampered(good_file):
    outer = json.loads(good_file)
    header = json.loads(b64.decode(outer['protected']))
    header['seq'] = 99
    data = mutate_outer(good_file, protected=b64.encode(json.dumps(header, separators=(',', ':')).encode()))
    assert refusal(data).reason == 'tampered'


def test_unknown_key(good_file):
    outer = json.loads(good_file)
    header = json.loads(b64.decode(outer['protected']))
    header['kid'] = 'someone-elses-key'
    data = mutate_outer(good_file, protected=b64.encode(json.dumps(header).encode()))
    error = refusal(data)
    assert error.reason == 'unknown_key'
    assert 'not made for this site' in error.user_message


def test_unsupported_version(good_file):
    assert refusal(mutate_outer(good_file, version=1)).reason == 'unsupported_version'
    assert refusal(mutate_outer(good_file, version=3)).reason == 'unsupported_version'


@override_settings(OFFLINE_DELIVERY_MAX_FILE_BYTES=100)
def test_too_large(good_file):
    error = refusal(good_file)
    assert error.reason == 'too_large'
    assert '100 bytes' in error.user_message


@pytest.mark.parametrize('data', [
    b'', b'null', b'[]', b'{}', b'{"format": "offline-delivery-file"}', b'\xff\xfe', b'{"a": NaN}',
    b'[' * 10000 + b']' * 10000,
])
def test_garbage_is_malformed(data):
    assert refusal(data).reason == 'malformed'


def test_duplicate_keys_are_malformed(good_file):
    text = good_file.decode()
    assert refusal((text[:-1] + ',"iv":"AAAA"}').encode()).reason == 'malformed'


def test_padded_or_non_url_base64_is_malformed(good_file):
    outer = json.loads(good_file)
    assert refusal(mutate_outer(good_file, iv=outer['iv'] + '=')).reason == 'malformed'


def test_unknown_extra_field_is_malformed(good_file):
    assert refusal(mutate_outer(good_file, extra='x')).reason == 'malformed'


@pytest.mark.parametrize('text', ['A', 'AB=', 'AB+/', 'ABC$', 'AB'])  # 'AB': non-canonical trailing bits
def test_strict_base64url(text):
    assert b64.decode(b64.encode(b'\x00\xff\x10')) == b'\x00\xff\x10'
    with pytest.raises(ValueError):
        b64.decode(text)
