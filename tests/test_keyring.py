"""
Exam keys: wrapped at rest under a key-encryption key, rotated without losing old files; the operator command.
"""
import base64
from io import StringIO

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from offline_delivery_plugin import api, keyring
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.models import ExamKey, InvigilatorPassword
from sandbox.host.demo import INVIGILATOR_PASSWORD
from tests.crypto_helpers import cosign_key

NEW_KEK = base64.b64encode(b'n' * 32).decode()


def header_for(key, demo):
    verifier = api.get_password_verifier(demo.course_key, demo.final_exam_id)
    return {'kid': key.kid, 'pid': verifier.pid, 'course': str(demo.course_key), 'exam': demo.final_exam_id,
            'candidate': 'c' * 32, 'attempt': 'ATTEMPT', 'seq': 1, 'created': 1, 'clock_offset_ms': 0}


def signing_key(demo):
    verifier = api.get_password_verifier(demo.course_key, demo.final_exam_id)
    return cosign_key(INVIGILATOR_PASSWORD, verifier.cosign_salt, verifier.cosign_iterations)


PAYLOAD = {'blank': False, 'answers_json': '{"a":"b"}', 'items': ['a'],
           'chain': {'anchor': {'seq': 0, 'hash': '0' * 64}, 'links': []}}


def test_the_active_key_is_created_once(demo):
    first = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    assert api.get_active_exam_key(demo.course_key, demo.final_exam_id) == first
    assert ExamKey.objects.count() == 1
    assert first.kek_id == 'sandbox-1'
    assert first.retired is None


def test_keys_are_per_exam(demo):
    final = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    practice = api.get_active_exam_key(demo.course_key, demo.practice_exam_id)
    assert final.kid != practice.kid
    assert final.public_key_spki_b64 != practice.public_key_spki_b64


def test_the_private_key_is_not_stored_in_clear(demo):
    key = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    row = ExamKey.objects.get(kid=key.kid)
    private = keyring.private_key_for(key.kid)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    assert der not in bytes(row.wrapped_private_key)
    assert der[-32:] not in bytes(row.wrapped_private_key)


def test_a_wrapped_key_moved_to_another_id_does_not_open(demo):
    first = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    second = api.get_active_exam_key(demo.course_key, demo.practice_exam_id)
    row = ExamKey.objects.get(kid=second.kid)
    source = ExamKey.objects.get(kid=first.kid)
    row.wrap_nonce, row.wrapped_private_key = source.wrap_nonce, source.wrapped_private_key
    row.save()
    with pytest.raises(InvalidTag):
        keyring.private_key_for(second.kid)


def test_rotation_keeps_old_files_readable(demo):
    old = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    old_file = envelope.build_file(base64.urlsafe_b64decode(old.public_key_spki_b64 + '=='),
                                   header_for(old, demo), PAYLOAD, signing_key(demo))
    new = api.rotate_exam_key(demo.course_key, demo.final_exam_id)
    assert new.kid != old.kid
    assert api.get_active_exam_key(demo.course_key, demo.final_exam_id) == new
    assert {key.kid: key.retired is not None for key in api.list_exam_keys(demo.course_key)} == {
        old.kid: True, new.kid: False}
    assert api.open_delivery_file(old_file).answers == {'a': 'b'}


def test_kek_rotation_rewraps_and_old_files_still_open(demo, settings):
    key = api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    data = envelope.build_file(base64.urlsafe_b64decode(key.public_key_spki_b64 + '=='), header_for(key, demo),
                               PAYLOAD, signing_key(demo))
    settings.OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS = {**settings.OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS, 'kek-2': NEW_KEK}
    settings.OFFLINE_DELIVERY_ACTIVE_KEK_ID = 'kek-2'
    # The exam key and each invigilator password's co-signing key (the demo sets one per proctored exam).
    assert api.rewrap_all_keys() == 1 + InvigilatorPassword.objects.count() == 3
    assert api.rewrap_all_keys() == 0
    settings.OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS = {'kek-2': NEW_KEK}  # the old KEK is gone
    assert api.open_delivery_file(data).answers == {'a': 'b'}


@pytest.mark.parametrize('keks,active,message', [
    ({}, None, 'OFFLINE_DELIVERY_ACTIVE_KEK_ID is not set'),
    ({'k': NEW_KEK}, 'other', "no key-encryption key 'other'"),
    ({'k': base64.b64encode(b'short').decode()}, 'k', 'must be 32 bytes'),
    ({'k': 'not base64!'}, 'k', 'is not base64'),
])
def test_a_missing_or_bad_kek_is_a_clear_configuration_error(demo, keks, active, message):
    with override_settings(OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS=keks, OFFLINE_DELIVERY_ACTIVE_KEK_ID=active), \
            pytest.raises(ImproperlyConfigured, match=message):
        api.get_active_exam_key(demo.course_key, demo.final_exam_id)
    assert not ExamKey.objects.exists()


def test_the_kek_is_never_the_secret_key(settings):
    for value in settings.OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS.values():
        assert value != settings.SECRET_KEY
        assert base64.b64decode(value) != settings.SECRET_KEY.encode()[:32]


class TestCommand:
    """``offline_delivery_keys``"""

    def run(self, *args):
        out = StringIO()
        call_command('offline_delivery_keys', *args, stdout=out)
        return out.getvalue()

    def test_create_list_rotate(self, demo):
        created = self.run('create', '--course', str(demo.course_key), '--exam', demo.final_exam_id)
        kid = created.split()[-1]
        assert kid in self.run('list')
        rotated = self.run('rotate', '--course', str(demo.course_key), '--exam', demo.final_exam_id)
        assert 'still opens files' in rotated
        listing = self.run('list', '--course', str(demo.course_key))
        assert 'retired' in listing and 'active' in listing
        assert 'BEGIN' not in listing and 'wrapped' not in listing

    def test_rewrap(self, demo):
        self.run('create', '--course', str(demo.course_key), '--exam', demo.final_exam_id)
        assert 'Re-wrapped 0 key(s)' in self.run('rewrap')

    @pytest.mark.parametrize('args,message', [
        (('create', '--course', 'nonsense', '--exam', 'x'), 'Not a course id'),
        (('create', '--course', 'course-v1:SandboxU+EXAM101+2026', '--exam',
          'block-v1:SandboxU+EXAM101+2026+type@sequential+block@welcome'), 'is not an active exam'),
    ])
    def test_bad_arguments(self, demo, args, message):
        with pytest.raises(CommandError, match=message):
            self.run(*args)
        assert not ExamKey.objects.exists()

    def test_missing_kek_is_a_command_error(self, demo):
        with override_settings(OFFLINE_DELIVERY_ACTIVE_KEK_ID=None), pytest.raises(CommandError, match='KEK_ID'):
            self.run('create', '--course', str(demo.course_key), '--exam', demo.final_exam_id)
