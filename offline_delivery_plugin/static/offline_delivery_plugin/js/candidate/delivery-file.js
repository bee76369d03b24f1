/*
 * The delivery file: the answers and their chain encrypted to the exam's key and co-signed with the invigilator
 * password, its name and its receipt code. Format: docs/delivery-file.rst.
 */
import {CROCKFORD_BASE32} from '../shared/format.js';
import {itemsSeen} from './answers.js';
import {b64url, encoder, unb64url} from './crypto.js';
import {session, state} from './page.js';
import {cosign} from './password.js';

var FORMAT_VERSION = 2;
var HKDF_INFO = 'offline-delivery-file v2|';
var FILE_EXTENSION = '.offline-delivery';

function slug(text) {
  return String(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 40) || 'exam';
}

/** The file's name: candidate, exam, attempt and the snapshot it holds. */
export function fileName() {
  return slug(session.candidate_label) + '-' + slug(session.exam_name) + '-attempt' + session.attempt_id +
    '-' + state.seq + FILE_EXTENSION;
}

/** The receipt code of a file, from its SHA-256: eight characters of base32, the server computes the same. */
export function receiptCode(sha256hex) {
  var bits = parseInt(sha256hex.slice(0, 10), 16);
  var out = '';
  for (var shift = 35; shift >= 0; shift -= 5) {
    out += CROCKFORD_BASE32[Math.floor(bits / Math.pow(2, shift)) % 32];
  }
  return out.slice(0, 4) + '-' + out.slice(4);
}

/** Resolves to the file's bytes, the current answers (or a blank delivery) sealed for the exam office. */
export function encryptDelivery(blank, password) {
  var header = {
    v: FORMAT_VERSION, alg: 'ECDH-P256+HKDF-SHA256+A256GCM', kid: session.kid, pid: session.password_verifier.pid,
    course: session.course_id, exam: session.content_id, candidate: session.candidate_id,
    attempt: session.attempt_code, seq: state.seq, created: Date.now(), clock_offset_ms: state.clockOffsetMs || 0
  };
  var payload = {
    blank: blank,
    answers_json: state.lastAnswersJson,
    items: itemsSeen(),
    chain: {anchor: state.anchor, links: state.links.map(function (entry) { return entry.link; })}
  };
  var protectedHeader = b64url(encoder.encode(JSON.stringify(header)));
  var keys = {};
  return crypto.subtle.importKey('spki', unb64url(session.public_key_spki_b64), {name: 'ECDH', namedCurve: 'P-256'},
                                 false, [])
    .then(function (serverKey) {
      keys.server = serverKey;
      return crypto.subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']);
    }).then(function (ephemeral) {
      keys.ephemeral = ephemeral;
      return crypto.subtle.exportKey('raw', ephemeral.publicKey);
    }).then(function (epk) {
      keys.epk = new Uint8Array(epk);
      return crypto.subtle.deriveBits({name: 'ECDH', public: keys.server}, keys.ephemeral.privateKey, 256);
    }).then(function (shared) {
      return crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    }).then(function (ikm) {
      return crypto.subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: keys.epk,
                                      info: encoder.encode(HKDF_INFO + session.kid)},
                                     ikm, {name: 'AES-GCM', length: 256}, false, ['encrypt']);
    }).then(function (contentKey) {
      keys.iv = crypto.getRandomValues(new Uint8Array(12));
      return crypto.subtle.encrypt({name: 'AES-GCM', iv: keys.iv, additionalData: encoder.encode(protectedHeader)},
                                   contentKey, encoder.encode(JSON.stringify(payload)));
    }).then(function (ciphertext) {
      keys.values = [protectedHeader, b64url(keys.epk), b64url(keys.iv), b64url(ciphertext)];
      return cosign(password, keys.values);
    }).then(function (cosig) {
      return encoder.encode(JSON.stringify({
        format: 'offline-delivery-file', version: FORMAT_VERSION, 'protected': keys.values[0], epk: keys.values[1],
        iv: keys.values[2], ciphertext: keys.values[3], cosig: cosig
      }));
    });
}
