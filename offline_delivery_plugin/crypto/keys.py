"""
Exam key pairs: generation, and protection of the private key at rest under a key-encryption key (KEK).

The KEKs come from ``settings.OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS`` (``{kek_id: base64 of 32 random bytes}``),
never from ``SECRET_KEY``; ``OFFLINE_DELIVERY_ACTIVE_KEK_ID`` names the one new keys are wrapped with. Old KEKs
stay listed so keys wrapped with them can still be opened. The private key is AES-256-GCM encrypted with the key
id and KEK id as associated data, so a wrapped key cannot be swapped onto another key id.
"""
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from offline_delivery_plugin.crypto import b64

WRAP_CONTEXT = b'offline-delivery key wrap v1'
#: The invigilator password's co-signing keys are wrapped the same way, under a context of their own, so a wrapped
#: exam key can never be unwrapped as a co-signing key or the other way round.
COSIGN_WRAP_CONTEXT = b'offline-delivery cosign key wrap v1'


@dataclass(frozen=True)
class WrappedKeyPair:
    """A freshly generated key pair, ready to store: the public key in clear, the private key wrapped."""

    public_key_spki: bytes
    kek_id: str
    wrap_nonce: bytes
    wrapped_private_key: bytes


def _kek(kek_id):
    keks = getattr(settings, 'OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS', None) or {}
    if kek_id not in keks:
        raise ImproperlyConfigured(
            f'OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS has no key-encryption key {kek_id!r}. '
            'Add it (base64 of 32 random bytes) to the LMS settings; see docs/keys.rst.'
        )
    try:
        key = b64.decode(keks[kek_id].rstrip('=').replace('+', '-').replace('/', '_'))
    except (ValueError, AttributeError) as error:
        raise ImproperlyConfigured(f'Key-encryption key {kek_id!r} is not base64.') from error
    if len(key) != 32:
        raise ImproperlyConfigured(f'Key-encryption key {kek_id!r} must be 32 bytes, not {len(key)}.')
    return key


def active_kek_id():
    """The id of the KEK that wraps new keys; ImproperlyConfigured when none is set."""
    kek_id = getattr(settings, 'OFFLINE_DELIVERY_ACTIVE_KEK_ID', None)
    if not kek_id:
        raise ImproperlyConfigured(
            'OFFLINE_DELIVERY_ACTIVE_KEK_ID is not set: offline delivery needs a key-encryption key. '
            'See docs/keys.rst.'
        )
    _kek(kek_id)
    return kek_id


def _aad(kid, kek_id, context=WRAP_CONTEXT):
    return b'|'.join([context, kid.encode(), kek_id.encode()])


def wrap_cosign_key(pid, key):
    """
    Wrap an invigilator password's co-signing key (32 bytes) under the active KEK, bound to its id ``pid``.
    Returns ``(kek_id, nonce, wrapped)``.
    """
    kek_id = active_kek_id()
    nonce = os.urandom(12)
    return kek_id, nonce, AESGCM(_kek(kek_id)).encrypt(nonce, key, _aad(pid, kek_id, COSIGN_WRAP_CONTEXT))


def unwrap_cosign_key(pid, kek_id, nonce, wrapped):
    """The co-signing key of ``pid``; raises ``InvalidTag`` when it or its ids were altered."""
    return AESGCM(_kek(kek_id)).decrypt(nonce, wrapped, _aad(pid, kek_id, COSIGN_WRAP_CONTEXT))


def generate_key_pair(kid):
    """Generate a P-256 key pair for key id ``kid`` and wrap its private key under the active KEK."""
    kek_id = active_kek_id()
    private_key = ec.generate_private_key(ec.SECP256R1())
    private_der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    )
    nonce = os.urandom(12)
    return WrappedKeyPair(
        public_key_spki=private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo,
        ),
        kek_id=kek_id,
        wrap_nonce=nonce,
        wrapped_private_key=AESGCM(_kek(kek_id)).encrypt(nonce, private_der, _aad(kid, kek_id)),
    )


def unwrap_private_key(kid, kek_id, nonce, wrapped):
    """
    The private key of ``kid``. Raises ``cryptography.exceptions.InvalidTag`` if the wrapped key or its ids were
    altered, ImproperlyConfigured if its KEK is no longer configured.
    """
    private_der = AESGCM(_kek(kek_id)).decrypt(nonce, wrapped, _aad(kid, kek_id))
    return serialization.load_der_private_key(private_der, password=None)


def rewrap_private_key(kid, kek_id, nonce, wrapped):
    """Unwrap with the old KEK and wrap again with the active one (KEK rotation). Returns (kek_id, nonce, wrapped)."""
    private_key = unwrap_private_key(kid, kek_id, nonce, wrapped)
    new_kek_id = active_kek_id()
    new_nonce = os.urandom(12)
    private_der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    )
    return new_kek_id, new_nonce, AESGCM(_kek(new_kek_id)).encrypt(new_nonce, private_der, _aad(kid, new_kek_id))
