"""
The offline check of the invigilator password.

The candidate page must check the password while the network is down, so at attempt start it receives a slow
verifier, never the password: PBKDF2-HMAC-SHA256 with its own random salt and at least
``MIN_ITERATIONS`` iterations. What this does and does not protect is in docs/threat-model.rst.
"""
import hashlib
import hmac
import os

from offline_delivery_plugin.crypto import b64

#: OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the page refuses a verifier with fewer.
MIN_ITERATIONS = 600_000
SALT_BYTES = 16
LENGTH = 32


def make_verifier(password, iterations=MIN_ITERATIONS):
    """Return ``(salt_b64, iterations, hash_b64)`` for ``password``; raises ValueError below MIN_ITERATIONS."""
    if iterations < MIN_ITERATIONS:
        raise ValueError(f'The verifier needs at least {MIN_ITERATIONS} iterations.')
    salt = os.urandom(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), salt, iterations, LENGTH)
    return b64.encode(salt), iterations, b64.encode(digest)


def check_verifier(password, salt_b64, iterations, hash_b64):
    """True when ``password`` matches the verifier (constant-time comparison)."""
    digest = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), b64.decode(salt_b64), iterations, LENGTH)
    return hmac.compare_digest(digest, b64.decode(hash_b64))
