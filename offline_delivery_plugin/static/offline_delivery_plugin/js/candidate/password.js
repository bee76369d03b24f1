/*
 * The invigilator password, offline: checked against the session's verifier, and the invigilator's co-signature
 * of a delivery file.
 */
import {gettext} from '../shared/i18n.js';
import {b64url, encoder, pbkdf2} from './crypto.js';
import {session} from './page.js';

var MIN_ITERATIONS = 600000;
var COSIGN_CONTEXT = 'offline-delivery cosig v2|';

/** Resolves to whether ``password`` is the exam's invigilator password; rejects when it cannot be checked. */
export function checkPassword(password) {
  var verifier = session.password_verifier;
  if (!verifier) {
    return Promise.reject(new Error(gettext('No invigilator password is set for this exam: ask the exam office.')));
  }
  if (verifier.iterations < MIN_ITERATIONS || verifier.cosign_iterations < MIN_ITERATIONS) {
    return Promise.reject(new Error(gettext('The password check is too weak; ask the exam office.')));
  }
  return pbkdf2(password, verifier.salt, verifier.iterations)
    .then(function (bits) { return b64url(bits) === verifier.hash; });
}

// The invigilator's co-signature: an HMAC with a key derived from the password just typed (its own salt, not
// the verifier's), over the file's values. The key is used once and never kept; the server holds its own copy.
export function cosign(password, values) {
  var verifier = session.password_verifier;
  return pbkdf2(password, verifier.cosign_salt, verifier.cosign_iterations).then(function (bits) {
    return crypto.subtle.importKey('raw', bits, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
  }).then(function (key) {
    return crypto.subtle.sign('HMAC', key, encoder.encode(COSIGN_CONTEXT + values.join('.')));
  }).then(b64url);
}
