"""
The chain protocol of snapshots, as the candidate page and the delivery file speak it.

A snapshot is sent as a *link* and the answers it covers::

    link = JSON text of [seq, prev, time_ms, sha256(answers_json), changed_item_ids]
    hash(link) = sha256 of the link text

``prev`` is the hash of the page's previous link (the first one points to the attempt's genesis hash), so the
links form a hash chain that a delivery file carries back to the last snapshot the server acknowledged. The
server stores the newest snapshot it has seen and never goes back: an older, repeated or late snapshot changes
nothing and is answered with what the server holds (``autosave``).
"""
import json

from django.utils.translation import gettext as _

from offline_delivery_plugin.crypto.envelope import MAX_SAFE_INTEGER, MAX_SEQ, EnvelopeError, sha256_hex, strict_json
from offline_delivery_plugin.exceptions import InvalidSnapshot

__all__ = [
    'GENESIS_CONTEXT',
    'MAX_ANSWER_CHARS',
    'MAX_ITEMS',
    'MAX_LINK_CHARS',
    'genesis_hash',
    'link_json',
    'parse_answers',
    'parse_link',
]

GENESIS_CONTEXT = 'offline-delivery genesis v1|'
MAX_ITEMS = 1000
MAX_ANSWER_CHARS = 100_000
MAX_LINK_CHARS = 100_000


def genesis_hash(attempt_code):
    """
    The hash the first link of an attempt points back to.

    edx-proctoring's ``attempt_code`` may be empty (its own fixtures make attempts without one): such an attempt
    still saves online from its genesis, and no delivery file binds to it (``check_binding`` compares the codes).
    """
    return sha256_hex(GENESIS_CONTEXT + (attempt_code or ''))


def parse_link(link):
    """
    Parse a link's text into ``(seq, prev, time_ms, digest, changed)``; raises InvalidSnapshot.
    """
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS:
        raise InvalidSnapshot(_('The snapshot link is missing or too long.'))
    try:
        value = strict_json(link, 'the link')
    except EnvelopeError as error:
        raise InvalidSnapshot(_('The snapshot link is not valid JSON.')) from error
    if not (isinstance(value, list) and len(value) == 5):
        raise InvalidSnapshot(_('A snapshot link has five parts.'))
    seq, prev, time_ms, digest, changed = value
    valid = (
        isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1
        and _is_hex64(prev) and _is_hex64(digest)
        and isinstance(time_ms, int) and not isinstance(time_ms, bool) and time_ms >= 0
        and isinstance(changed, list) and all(isinstance(item, str) for item in changed)
    )
    if not valid:
        raise InvalidSnapshot(_('A snapshot link is [sequence, previous hash, time, answers hash, changed items].'))
    # Bounded where they are parsed: a number no page writes is a clear refusal, never a database overflow.
    if seq > MAX_SEQ or time_ms > MAX_SAFE_INTEGER:
        raise InvalidSnapshot(_('A snapshot\'s sequence number is from 1 to {max}, its time a time in '
                                'milliseconds.').format(max=MAX_SEQ))
    return seq, prev, time_ms, digest, changed


def _is_hex64(value):
    return isinstance(value, str) and len(value) == 64 and all(c in '0123456789abcdef' for c in value)


def parse_answers(answers_json):
    """The answers of a snapshot: an object of item id to text, within the size limits; raises InvalidSnapshot."""
    if not isinstance(answers_json, str):
        raise InvalidSnapshot(_('The answers are missing.'))
    try:
        answers = strict_json(answers_json, 'the answers')
    except EnvelopeError as error:
        raise InvalidSnapshot(_('The answers are not valid JSON.')) from error
    if not isinstance(answers, dict) or len(answers) > MAX_ITEMS:
        raise InvalidSnapshot(_('The answers must be an object of at most {count} items.').format(count=MAX_ITEMS))
    for item_id, value in answers.items():
        if not isinstance(value, str) or len(value) > MAX_ANSWER_CHARS or not item_id or len(item_id) > 255:
            raise InvalidSnapshot(_('Each answer is a text of at most {count} characters.').format(
                count=MAX_ANSWER_CHARS))
    return answers


def link_json(seq, prev, time_ms, answers_json, changed):
    """The text of a link, exactly as the page writes it (``JSON.stringify`` of the array)."""
    return json.dumps([seq, prev, time_ms, sha256_hex(answers_json), list(changed)], separators=(',', ':'),
                      ensure_ascii=False)
