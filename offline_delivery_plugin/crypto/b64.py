"""
Strict unpadded base64url, as the delivery file and the browser use it.
"""
import base64
import binascii
import re

_ALPHABET = re.compile(r'^[A-Za-z0-9_-]*$')


def encode(data):
    """Bytes to unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def decode(text):
    """
    Unpadded base64url text to bytes. Raises ValueError on anything else (padding, other alphabets, bad length),
    so one encoding of each value is accepted and no byte of a file is silently ignored.
    """
    if not isinstance(text, str) or not _ALPHABET.match(text) or len(text) % 4 == 1:
        raise ValueError('not unpadded base64url')
    try:
        data = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError('not base64url') from error
    if encode(data) != text:  # non-canonical trailing bits
        raise ValueError('not canonical base64url')
    return data
