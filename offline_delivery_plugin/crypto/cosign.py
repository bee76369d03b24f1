"""
The invigilator's co-signature on a delivery file (format version 2).

When the invigilator types the invigilator password to save a delivery file, the candidate page derives a
**co-signing key** from it and signs the file with it::

    cosign_key = PBKDF2-HMAC-SHA256(password, cosign_salt, iterations, 32 bytes)
    cosig      = HMAC-SHA256(cosign_key, COSIGN_CONTEXT + protected + "." + epk + "." + iv + "." + ciphertext)

over the file's base64url values exactly as they appear in it (the header, which names the password by its id
``pid``, and the ciphertext, which holds the answers). The salt is not the offline verifier's salt, so the verifier
the page receives does not give the key away; the page never stores the key. The server holds a copy of each
password's key, wrapped under a key-encryption key, and checks the co-signature before it accepts a file from any
channel: a file made without the password (by a candidate holding only what their page was sent) is refused.

What this proves, and what it does not: docs/decisions/0012-the-invigilators-co-signature.rst and
docs/threat-model.rst.
"""
import hashlib
import hmac
import os

from offline_delivery_plugin.crypto import b64

COSIGN_CONTEXT = b'offline-delivery cosig v2|'
KEY_BYTES = 32
TAG_BYTES = 32
SALT_BYTES = 16


def new_salt():
    """A fresh co-signing salt, base64url."""
    return b64.encode(os.urandom(SALT_BYTES))


def derive_cosign_key(password, salt_b64, iterations):
    """The co-signing key of ``password`` (what the page derives with WebCrypto when the invigilator types it)."""
    return hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), b64.decode(salt_b64), iterations, KEY_BYTES)


def _message(protected, epk, iv, ciphertext):
    return COSIGN_CONTEXT + '.'.join([protected, epk, iv, ciphertext]).encode('ascii')


def cosign(key, protected, epk, iv, ciphertext):
    """The co-signature (base64url) of a file's values."""
    return b64.encode(hmac.new(key, _message(protected, epk, iv, ciphertext), hashlib.sha256).digest())


def verify_cosignature(key, protected, epk, iv, ciphertext, cosig_b64):
    """True when ``cosig_b64`` is the co-signature of these values under ``key`` (constant-time comparison)."""
    try:
        given = b64.decode(cosig_b64)
    except ValueError:
        return False
    return hmac.compare_digest(given, hmac.new(key, _message(protected, epk, iv, ciphertext), hashlib.sha256).digest())
