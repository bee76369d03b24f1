"""
The delivery file, format version 2: build (the page does this in JavaScript; this Python builder serves tests
and tools), parse, verify and decrypt.

A file is one UTF-8 JSON object::

    {"format": "offline-delivery-file", "version": 2,
     "protected": b64url(header JSON), "epk": b64url(65-byte P-256 point), "iv": b64url(12 bytes),
     "ciphertext": b64url(AES-256-GCM ciphertext and tag), "cosig": b64url(HMAC-SHA256, 32 bytes)}

The header binds the file (see ``HEADER_FIELDS``); its exact base64url text is the GCM associated data, so any
change to it, or to the other values, fails decryption. The object itself has one encoding (``encode_file``:
compact, fields in this order, as the page's ``JSON.stringify`` writes it), so that no byte of a file is outside
what is checked: an authentic file re-encoded (whitespace, key order, escapes) is refused too. The content key is
``HKDF-SHA256(ECDH(ephemeral, exam key), salt=epk, info="offline-delivery-file v2|" + kid)``. ``cosig`` is the
invigilator's co-signature over the other four values (``crypto.cosign``), made with a key derived from the
invigilator password the header names (``pid``). The full specification is docs/delivery-file.rst; a change to any
of this is a new version.
"""
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from offline_delivery_plugin.crypto import b64, cosign

FORMAT = 'offline-delivery-file'
VERSION = 2
ALGORITHM = 'ECDH-P256+HKDF-SHA256+A256GCM'
HKDF_INFO_PREFIX = b'offline-delivery-file v2|'
OUTER_FIELDS = {'format': str, 'version': int, 'protected': str, 'epk': str, 'iv': str, 'ciphertext': str,
                'cosig': str}
HEADER_FIELDS = {
    'v': int,            # format version, repeated inside the authenticated header
    'alg': str,          # ALGORITHM
    'kid': str,          # exam key id
    'pid': str,          # id of the invigilator password whose co-signing key signed the file
    'course': str,       # course id
    'exam': str,         # exam subsection usage id
    'candidate': str,    # the candidate's anonymous id in the course
    'attempt': str,      # edx-proctoring attempt code
    'seq': int,          # snapshot sequence number of the delivered answers
    'created': int,      # creation time, ms since the epoch, from the candidate's clock
    'clock_offset_ms': int,  # server clock minus the candidate's clock, as the page measured it at start
}
PAYLOAD_FIELDS = {'blank': bool, 'answers_json': str, 'items': list, 'chain': dict}
CHAIN_FIELDS = {'anchor': dict, 'links': list}
ANCHOR_FIELDS = {'seq': int, 'hash': str}
MAX_DEPTH = 8
#: Every whole number in a file (and in an autosave's link) lies within JavaScript's exact integers; sequence
#: numbers also fit every database's 32-bit column (Django's PositiveIntegerField is safe up to 2**31 - 1).
MAX_SAFE_INTEGER = 2 ** 53 - 1
MAX_SEQ = 2 ** 31 - 1
_LONE_SURROGATE = re.compile('[\ud800-\udfff]')  # after json.loads, any surrogate left is one without its pair


class EnvelopeError(Exception):
    """
    The file cannot be opened. ``reason`` is one of: ``malformed``, ``unsupported_version``, ``unknown_key``,
    ``tampered``, ``not_cosigned``; ``detail`` says what, for logs and staff.
    """

    def __init__(self, reason, detail):
        super().__init__(f'{reason}: {detail}')
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class OpenedFile:
    """A delivery file whose encryption and integrity checked out; its binding is still to be checked."""

    header: dict
    #: ``(course_id, content_id)`` of the invigilator password that co-signed the file.
    cosigned_for: tuple
    blank: bool
    answers: dict
    answers_json: str
    items: list
    anchor_seq: int
    anchor_hash: str
    links: list
    sha256: str


def sha256_hex(data):
    """Hex SHA-256 of bytes or text (UTF-8)."""
    return hashlib.sha256(data.encode('utf-8') if isinstance(data, str) else data).hexdigest()


def _reject_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise EnvelopeError('malformed', f'duplicate key {key!r}')
        result[key] = value
    return result


def _check_value(value, level=0):
    """
    Bounded nesting, and text that is Unicode: an escaped lone surrogate (``"\\ud800"``) is valid JSON but no
    UTF-8 text, so no database, hash or response could take it.
    """
    if level > MAX_DEPTH:
        raise EnvelopeError('malformed', 'nested too deeply')
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise EnvelopeError('malformed', 'a text holds a lone surrogate: it is not Unicode text')
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, level)
            _check_value(item, level + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, level + 1)


def strict_json(data, what):
    """Parse JSON bytes or text strictly: UTF-8, no duplicate keys, no NaN, Unicode text, bounded nesting."""
    try:
        text = data.decode('utf-8') if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_reject_duplicates,
                           parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except EnvelopeError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise EnvelopeError('malformed', f'{what} is not valid UTF-8 JSON') from error
    _check_value(value)
    return value


def _check_fields(value, fields, what):
    if not isinstance(value, dict):
        raise EnvelopeError('malformed', f'{what} is not an object')
    if set(value) != set(fields):
        raise EnvelopeError('malformed', f'{what} fields are {sorted(value)}, expected {sorted(fields)}')
    for name, kind in fields.items():
        # bool is an int in Python: an int field must not take true/false.
        if not isinstance(value[name], kind) or (kind is int and isinstance(value[name], bool)):
            raise EnvelopeError('malformed', f'{what}.{name} is not {kind.__name__}')
        if kind is int and not -MAX_SAFE_INTEGER <= value[name] <= MAX_SAFE_INTEGER:
            raise EnvelopeError('malformed', f'{what}.{name} is out of range')


def _decode(text, what):
    try:
        return b64.decode(text)
    except ValueError as error:
        raise EnvelopeError('malformed', f'{what} is not base64url') from error


def _content_key(shared_secret, epk_raw, kid):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk_raw,
                info=HKDF_INFO_PREFIX + kid.encode('utf-8')).derive(shared_secret)


def read_header(data):
    """
    Parse the outer object and the header without decrypting; used to find the key and the candidate.
    Returns ``(outer, header)``. Raises EnvelopeError.
    """
    outer = strict_json(data, 'the file')
    if isinstance(outer, dict) and outer.get('format') == FORMAT:
        version = outer.get('version')
        if isinstance(version, int) and not isinstance(version, bool) and version != VERSION:
            raise EnvelopeError('unsupported_version', f'format version {version!r}')
    _check_fields(outer, OUTER_FIELDS, 'file')
    if outer['format'] != FORMAT:
        raise EnvelopeError('malformed', 'not an offline delivery file')
    header = strict_json(_decode(outer['protected'], 'protected'), 'the header')
    _check_fields(header, HEADER_FIELDS, 'header')
    if header['v'] != VERSION or header['alg'] != ALGORITHM:
        raise EnvelopeError('unsupported_version', f"header version {header['v']} / {header['alg']}")
    if not 1 <= header['seq'] <= MAX_SEQ:
        raise EnvelopeError('malformed', 'header.seq is out of range')
    return outer, header


def open_file(data, private_key_for, cosign_key_for):
    """
    Verify and decrypt a delivery file, and check the invigilator's co-signature on it.

    Arguments:
        data (bytes): the file as uploaded.
        private_key_for: callable ``kid -> EllipticCurvePrivateKey`` or None when the key id is unknown.
        cosign_key_for: callable ``pid -> (course_id, content_id, key bytes)`` or None when the password id is
            unknown.

    Returns:
        OpenedFile

    Raises:
        EnvelopeError: ``malformed``, ``unsupported_version``, ``unknown_key``, ``tampered`` or ``not_cosigned``.
    """
    outer, header = read_header(data)
    private_key = private_key_for(header['kid'])
    if private_key is None:
        raise EnvelopeError('unknown_key', f"key {header['kid']!r} is not a key of this deployment")
    epk_raw = _decode(outer['epk'], 'epk')
    iv = _decode(outer['iv'], 'iv')
    ciphertext = _decode(outer['ciphertext'], 'ciphertext')
    cosig = _decode(outer['cosig'], 'cosig')
    if len(epk_raw) != 65 or len(iv) != 12 or len(ciphertext) < 16 or len(cosig) != cosign.TAG_BYTES:
        raise EnvelopeError('malformed', 'epk, iv, ciphertext or cosig has the wrong length')
    try:
        epk = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), epk_raw)
        shared = private_key.exchange(ec.ECDH(), epk)
    except ValueError as error:
        raise EnvelopeError('tampered', 'the ephemeral key is not a P-256 point') from error
    try:
        plaintext = AESGCM(_content_key(shared, epk_raw, header['kid'])).decrypt(
            iv, ciphertext, outer['protected'].encode('ascii'),
        )
    except InvalidTag as error:
        raise EnvelopeError('tampered', 'authentication failed: the file was altered or not made for this key') \
            from error
    # Checked after decryption, so that an altered value is reported as tampered however the file is spaced.
    if (data.encode('utf-8') if isinstance(data, str) else bytes(data)) != encode_file(
            outer['protected'], outer['epk'], outer['iv'], outer['ciphertext'], outer['cosig']):
        raise EnvelopeError('malformed', 'not the encoding the page writes: the file was re-encoded after saving')
    # The invigilator's co-signature, after the encryption checked out: an altered byte anywhere else is reported
    # as tampered, a file made without the invigilator password as not co-signed.
    signer = cosign_key_for(header['pid'])
    if signer is None:
        raise EnvelopeError('not_cosigned', f"password {header['pid']!r} is not an invigilator password here")
    if not cosign.verify_cosignature(signer[2], outer['protected'], outer['epk'], outer['iv'], outer['ciphertext'],
                                     outer['cosig']):
        raise EnvelopeError('not_cosigned', 'the co-signature does not verify with that invigilator password')

    payload = strict_json(plaintext, 'the payload')
    _check_fields(payload, PAYLOAD_FIELDS, 'payload')
    _check_fields(payload['chain'], CHAIN_FIELDS, 'chain')
    _check_fields(payload['chain']['anchor'], ANCHOR_FIELDS, 'chain.anchor')
    answers = strict_json(payload['answers_json'], 'the answers')
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise EnvelopeError('malformed', 'answers must map item ids to text')
    if not all(isinstance(item, str) for item in payload['items']):
        raise EnvelopeError('malformed', 'items must be item ids')
    if not all(isinstance(link, str) for link in payload['chain']['links']):
        raise EnvelopeError('malformed', 'chain links must be text')
    if not 0 <= payload['chain']['anchor']['seq'] <= MAX_SEQ:
        raise EnvelopeError('malformed', 'chain.anchor.seq is out of range')
    return OpenedFile(
        header=header,
        cosigned_for=(signer[0], signer[1]),
        blank=payload['blank'],
        answers=answers,
        answers_json=payload['answers_json'],
        items=payload['items'],
        anchor_seq=payload['chain']['anchor']['seq'],
        anchor_hash=payload['chain']['anchor']['hash'],
        links=payload['chain']['links'],
        sha256=sha256_hex(data),
    )


def build_file(public_key_spki, header, payload, cosign_key):
    """
    Write a delivery file, as the candidate page does (tests and tools only: the server never writes answers
    into files).

    Arguments:
        public_key_spki (bytes): the exam's public key (SubjectPublicKeyInfo DER).
        header (dict): every ``HEADER_FIELDS`` field except ``v`` and ``alg``, which are filled in.
        payload (dict): the ``PAYLOAD_FIELDS``.
        cosign_key (bytes): the co-signing key of the invigilator password ``header['pid']``
            (``cosign.derive_cosign_key``).
    """
    header = {'v': VERSION, 'alg': ALGORITHM, **header}
    public_key = serialization.load_der_public_key(public_key_spki)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    epk_raw = ephemeral.public_key().public_bytes(serialization.Encoding.X962,
                                                  serialization.PublicFormat.UncompressedPoint)
    protected = b64.encode(json.dumps(header, separators=(',', ':')).encode('utf-8'))
    iv = os.urandom(12)
    key = _content_key(ephemeral.exchange(ec.ECDH(), public_key), epk_raw, header['kid'])
    ciphertext = AESGCM(key).encrypt(iv, json.dumps(payload, separators=(',', ':')).encode('utf-8'),
                                     protected.encode('ascii'))
    epk, iv, ciphertext = b64.encode(epk_raw), b64.encode(iv), b64.encode(ciphertext)
    return encode_file(protected, epk, iv, ciphertext, cosign.cosign(cosign_key, protected, epk, iv, ciphertext))


def encode_file(protected, epk, iv, ciphertext, cosig):
    """
    The bytes of a file from its base64url values: the one encoding the page writes (``JSON.stringify`` of the
    object with its fields in this order) and the only one ``open_file`` accepts.
    """
    return json.dumps({
        'format': FORMAT, 'version': VERSION, 'protected': protected, 'epk': epk, 'iv': iv, 'ciphertext': ciphertext,
        'cosig': cosig,
    }, separators=(',', ':')).encode('ascii')


def now_ms():
    """Milliseconds since the epoch, the unit of the file's times."""
    return int(time.time() * 1000)


RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'  # Crockford base32: no I, L, O, U


def receipt_code(file_sha256_hex):
    """
    The short code candidate and invigilator compare: the first 40 bits of the file's SHA-256 in Crockford
    base32, as ``XXXX-XXXX``. The page computes the same from the bytes it saved.
    """
    bits = int(file_sha256_hex[:10], 16)
    chars = [RECEIPT_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5)]
    return ''.join(chars[:4]) + '-' + ''.join(chars[4:])
