"""
Reading delivery files: from bytes to verified, decrypted answers, or a typed refusal in plain words.
"""
from django.conf import settings
from django.utils.translation import gettext as _

from offline_delivery_plugin import keyring
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.exceptions import DeliveryRefused


def _messages():
    return {
        'malformed': _('This is not a readable delivery file (it may be damaged or truncated).'),
        'unsupported_version': _('This delivery file was written in a format this server does not read.'),
        'unknown_key': _('This delivery file was not made for this site (its key is unknown here).'),
        'tampered': _('This delivery file was altered after it was saved, or is damaged: it cannot be trusted.'),
    }


def open_delivery_file(data):
    """
    Verify and decrypt a delivery file (its cryptography and format only; binding and freshness are checked
    against an attempt by the caller).

    Returns:
        ``crypto.envelope.OpenedFile``

    Raises:
        DeliveryRefused: ``too_large``, ``malformed``, ``unsupported_version``, ``unknown_key`` or ``tampered``.
    """
    limit = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES
    if len(data) > limit:
        raise DeliveryRefused('too_large', _('This file is larger than the {limit} bytes a delivery may be.').format(
            limit=limit))
    try:
        return envelope.open_file(data, keyring.private_key_for)
    except envelope.EnvelopeError as error:
        raise DeliveryRefused(error.reason, _messages()[error.reason], error.detail) from error
