/*
 * Talking to the server: the snapshots go up one request at a time, a light heartbeat while nothing is typed, the
 * session again when it lacks the exam key, and a closed attempt is watched for a reopening.
 */
import {post, request} from '../shared/http.js';
import {gettext} from '../shared/i18n.js';
import {makeSnapshot, pendingCount} from './chain.js';
import {tellWorker} from './offline-copy.js';
import {root, session, setSession, state} from './page.js';
import {offerUndelivered} from './self-delivery.js';
import {persist} from './store.js';
import {showLost, showProblem, showReopened, updateStatus} from './ui.js';

var SEND_SOON_MS = 2000;
var inflight = null;
var sendTimer = null;

/** The attempt's session as the server has it now (a 409 when the attempt is closed there). */
export function askSession() { return request(root.dataset.sessionUrl); }

export function sendSoon() {
  if (sendTimer) { return; }
  sendTimer = window.setTimeout(function () { sendTimer = null; send(); }, SEND_SOON_MS);
}

function contact() {
  state.lastContact = Date.now();
  showLost(false);
  offerUndelivered();
  if (!session.kid && !session.locked) { refreshSession(); }
}

// One request at a time; a call made while one is in flight waits for it and sends again if anything is
// still pending, so its promise settles only after everything known at call time was tried.
export function send() {
  if (state.closedOnServer) { return watchForReopening(); }
  if (inflight) {
    return inflight.then(function () { return pendingCount() > 0 && !inflight ? send() : undefined; });
  }
  inflight = makeSnapshot(false).then(function () {
    if (!state.lastLink) {  // nothing typed yet: a light heartbeat
      return askSession().then(function (r) {
        if (r.ok) { contact(); persist(); }
      });
    }
    return post(root.dataset.snapshotUrl, {link: state.lastLink, answers_json: state.lastAnswersJson})
      .then(function (response) {
        if (response.status === 409) {
          state.closedOnServer = true;
          tellWorker('forget', true);
          contact();
          showProblem(gettext('The exam is closed on the server. Your answers stay on this device.'));
          return persist();
        }
        if (response.status === 403) {  // the exam requires Safe Exam Browser: kept here, refused there
          return response.json().then(function (body) { if (body.detail) { showProblem(body.detail); } },
                                      function () { return undefined; });
        }
        if (!response.ok) { return undefined; }
        return response.json().then(function (ack) {
          contact();
          return acknowledged(ack);
        });
      });
  }).catch(function () { /* offline: everything stays here and goes with the next try */ })
    .then(function () { inflight = null; updateStatus(); });
  return inflight;
}

// The server has every snapshot up to ``ack.acked_seq``: they leave the chain this device still has to send.
function acknowledged(ack) {
  if (ack.acked_seq >= state.anchor.seq && ack.acked_seq <= state.seq) {
    state.anchor = {seq: ack.acked_seq, hash: ack.acked_hash};
    state.links = state.links.filter(function (entry) { return entry.seq > ack.acked_seq; });
  }
  return persist();
}

/**
 * Seal and send what the state holds, without a page around it (the exam-file page does, for a unit the learning
 * MFE removed before its last answers went); offline or refused, everything stays on this device.
 */
export function sendWithoutPage() {
  return makeSnapshot(false).then(function () {
    if (!state.lastLink) { return undefined; }
    return post(root.dataset.snapshotUrl, {link: state.lastLink, answers_json: state.lastAnswersJson})
      .then(function (response) {
        if (response.status === 409) {  // closed there: nothing more is tried until a unit opens again
          state.closedOnServer = true;
          return persist();
        }
        if (!response.ok) { return undefined; }
        state.lastContact = Date.now();
        return response.json().then(acknowledged);
      });
  }).catch(function () { /* offline: the next unit or the exam-file page sends it */ });
}

// A closed attempt may be opened for resubmission while this page is still open (the hall's usual case: the
// network is back, the chief invigilator reopens it in the Monitor). The page asks now and then, and offers the
// way back to the exam's start, where the candidate continues and the invigilator types the password.
function watchForReopening() {
  if (state.reopened || !navigator.onLine) { return Promise.resolve(); }
  return askSession().then(function (response) {
    if (response.status !== 409) { return undefined; }
    return response.json().then(function (body) {
      if (body.reason !== 'reopened') { return; }
      state.reopened = true;
      showReopened(body.detail);
    });
  }).catch(function () { /* offline: asked again later */ });
}

// A locked session (a reopened attempt before the invigilator typed the password) carries no exam key: once the
// attempt is unlocked the page asks for the full session, and again with every contact until it has it.
export function refreshSession() {
  if (session.kid) { return Promise.resolve(); }
  return askSession().then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (fetched) {
    if (!fetched || fetched.locked || !fetched.kid) { return undefined; }
    state.session = fetched;
    setSession(fetched);
    return persist();
  }).catch(function () { /* offline: asked again with the next contact */ });
}
