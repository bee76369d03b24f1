/*
 * The local state and its hash chain: every change of an answer, and the snapshots that seal the answers into the
 * chain's links. File format and chain: docs/delivery-file.rst.
 */
import {sha256Hex} from './crypto.js';
import {attemptId, state} from './page.js';
import {sendSoon} from './server.js';
import {persist} from './store.js';
import {updateStatus} from './ui.js';

/** The state of an attempt this device holds nothing of yet, from the server's session. */
export function freshState(fromSession) {
  return {
    attemptId: attemptId,
    session: fromSession,
    answers: Object.assign({}, fromSession.answers),
    seq: fromSession.acked_seq,
    lastHash: fromSession.acked_hash,
    lastLink: null,
    lastAnswersJson: null,
    anchor: {seq: fromSession.acked_seq, hash: fromSession.acked_hash},
    links: [],
    dirty: false,
    changed: [],
    lastContact: Date.now(),
    failedPasswords: 0,
    lockedUntil: 0,
    finalised: false,
    closedOnServer: false,
    deliveries: []
  };
}

/** One answer changed: kept on this device at once, sent soon. */
export function recordChange(key, value) {
  if (state.finalised || state.answers[key] === value) { return; }
  state.answers[key] = value;
  state.dirty = true;
  if (state.changed.indexOf(key) < 0) { state.changed.push(key); }
  persist();
  updateStatus();
  sendSoon();
}

// One snapshot at a time: each reads the chain's head only once the one before has moved it (two at once would
// both take the same next seq, and the file's chain would fork).
var sealing = Promise.resolve();

/** A snapshot seals the current answers into the next link of the chain (``force``: even if nothing changed). */
export function makeSnapshot(force) {
  var next = sealing.then(function () { return snapshotNow(force); });
  sealing = next.catch(function () { return undefined; });
  return next;
}

function snapshotNow(force) {
  if (!state.dirty && !force) { return Promise.resolve(); }
  var answersJson = JSON.stringify(state.answers);
  var seq = state.seq + 1;
  var changed = state.changed.slice();
  state.dirty = false;
  state.changed = [];
  // The link's time is when its answers were sealed: after time is up that stays the moment it ran out, however
  // much later the invigilator saves the file (the server refuses answers sealed after the deadline).
  var sealedAt = state.finalised && state.sealedAt ? state.sealedAt : Date.now();
  return sha256Hex(answersJson).then(function (digest) {
    var link = JSON.stringify([seq, state.lastHash, sealedAt, digest, changed]);
    return sha256Hex(link).then(function (hash) {
      state.seq = seq;
      state.lastHash = hash;
      state.lastLink = link;
      state.lastAnswersJson = answersJson;
      state.links.push({seq: seq, link: link});
      return persist();
    });
  });
}

/** How many snapshots (and unsealed changes) the server has not acknowledged yet. */
export function pendingCount() { return pendingIn(state); }

/** How many snapshots of the attempt's state ``held`` have not reached the server (a change not yet sealed counts). */
export function pendingIn(held) { return held.seq - held.anchor.seq + (held.dirty ? 1 : 0); }
