/*
 * Bytes and the browser's WebCrypto: base64url, SHA-256 and PBKDF2, as the delivery file and the password check
 * use them.
 */

export var encoder = new TextEncoder();

export function b64url(bytes) {
  var text = '';
  bytes = new Uint8Array(bytes);
  for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function unb64url(text) {
  var binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
  return bytes;
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
    return ('0' + b.toString(16)).slice(-2);
  }).join('');
}

/** The SHA-256 of a text (as UTF-8) or of bytes, in hex. */
export function sha256Hex(data) {
  return crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data).then(hex);
}

/** 256 bits of PBKDF2-SHA256 of ``password`` with a base64url salt. */
export function pbkdf2(password, saltB64, iterations) {
  return crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits'])
    .then(function (key) {
      return crypto.subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: unb64url(saltB64),
                                       iterations: iterations}, key, 256);
    });
}
