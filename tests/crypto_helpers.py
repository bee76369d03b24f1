"""
Building delivery files in tests the way the page does, for a real attempt of the demo course.
"""
import base64
import functools

from offline_delivery_plugin import api
from offline_delivery_plugin.chain import genesis_hash, link_json
from offline_delivery_plugin.crypto import cosign, envelope
from sandbox.host.demo import INVIGILATOR_PASSWORD


def spki(key):
    """The exam key's public key bytes."""
    return base64.urlsafe_b64decode(key.public_key_spki_b64 + '=' * (-len(key.public_key_spki_b64) % 4))


@functools.lru_cache(maxsize=64)
def cosign_key(password, salt, iterations):
    """The co-signing key the page derives when the invigilator types ``password`` (600,000 PBKDF2 rounds: kept)."""
    return cosign.derive_cosign_key(password, salt, iterations)


def delivery_file(user, attempt, answers, seq=1, blank=False, anchor=None, header_overrides=None, links=None,
                  items=None, password=INVIGILATOR_PASSWORD, session=None):
    """
    A delivery file for ``attempt`` as the candidate page writes it: one link per sequence number from the
    anchor (default: the genesis) up to ``seq``, the last one covering ``answers``, co-signed with ``password``
    (the demo's invigilator password) the way the page does when the invigilator types it.
    """
    session = session or api.start_candidate_session(user, attempt['id'])
    verifier = session.password_verifier
    anchor = anchor or {'seq': 0, 'hash': genesis_hash(attempt['attempt_code'])}
    answers_json = envelope.json.dumps(answers, separators=(',', ':'), ensure_ascii=False)
    if links is None:
        links, prev = [], anchor['hash']
        for number in range(anchor['seq'] + 1, seq + 1):
            link = link_json(number, prev, 1_700_000_000_000 + number, answers_json, sorted(answers))
            links.append(link)
            prev = envelope.sha256_hex(link)
    header = {'kid': session.kid, 'pid': verifier.pid, 'course': session.course_id, 'exam': session.content_id,
              'candidate': session.candidate_id, 'attempt': session.attempt_code, 'seq': seq,
              'created': 1_700_000_000_000, 'clock_offset_ms': 0, **(header_overrides or {})}
    payload = {'blank': blank, 'answers_json': answers_json, 'items': list(session.items) if items is None else items,
               'chain': {'anchor': anchor, 'links': links}}
    return envelope.build_file(spki(api.get_active_exam_key(session.course_id, session.content_id)), header,
                               payload, cosign_key(password, verifier.cosign_salt, verifier.cosign_iterations))
