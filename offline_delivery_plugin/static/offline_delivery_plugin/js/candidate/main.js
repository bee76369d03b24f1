/*
 * The candidate page of offline_delivery_plugin: keeps every answer on this device first, sends it to the server
 * when it can, warns when the connection has been lost, and writes the encrypted delivery file behind the
 * invigilator password. candidate.js (the script the LMS adds to the unit) imports this module; it starts the page.
 *
 * It needs, in the exam page, an element
 *   <div id="offline-delivery" data-attempt-id=".." data-session-url=".." data-snapshot-url=".."></div>
 * around (or beside) the exam's units. Answers are captured generically from the form inputs of every rendered
 * block (elements with data-usage or data-usage-id), so it works on any XBlock: Open edX's capa problems as they
 * render (answers.js).
 *
 * File format and chain: docs/delivery-file.rst. Strings go through Django's JavaScript catalog (gettext).
 */
import {gettext} from '../shared/i18n.js';
import {fieldsOf, keyOf, readField, restoreInputs, setInputsDisabled, watchForNewFields} from './answers.js';
import {freshState, makeSnapshot, recordChange} from './chain.js';
import {lockUntilInvigilator} from './gate.js';
import {keepPageForOffline} from './offline-copy.js';
import {examRoot, root, session, setRoot, setSession, setState, state} from './page.js';
import {askSession, send} from './server.js';
import {load, persist} from './store.js';
import {guardSubmit} from './submit-guard.js';
import {finalise, tick} from './timer.js';
import {buildUi, showDelivered, updateStatus} from './ui.js';

var SNAPSHOT_EVERY_MS = 3000;

function listen() {
  ['input', 'change'].forEach(function (type) {
    examRoot.addEventListener(type, function (event) {
      var field = event.target;
      var block = field.closest && field.closest('[data-usage], [data-usage-id]');
      if (!block || !field.name || fieldsOf(block).indexOf(field) < 0) { return; }
      recordChange(keyOf(block, field.name), readField(block, field.name));
    });
  });
  window.addEventListener('online', function () { send(); });
  guardSubmit();
  window.setInterval(tick, 1000);
  window.setInterval(function () { makeSnapshot(false); }, SNAPSHOT_EVERY_MS);
  window.setInterval(send, session.autosave_interval_seconds * 1000);
}

function start(fetched, stored) {
  if (stored && (!fetched || stored.seq >= fetched.acked_seq)) {
    // This device holds everything the server has (or more): its copy wins.
    setState(stored);
    if (fetched) { state.session = fetched; state.closedOnServer = false; }
  } else {
    setState(freshState(fetched));
  }
  setSession(state.session);
  if (fetched || !state.deadlineLocal) {
    // The server's clock minus this device's, measured now: the deadline moves onto this clock, and the offset
    // goes into the file so that the server can read the file's times on its own clock.
    state.clockOffsetMs = session.server_time_ms - Date.now();
    state.deadlineLocal = Date.now() + (session.deadline_ms - session.server_time_ms);
  }
  if (fetched) { state.lastContact = Date.now(); }
  buildUi();
  restoreInputs();
  watchForNewFields(restoreInputs);
  persist();
  tick();
  updateStatus();
  listen();
  if (state.finalised && !state.deliveredReceipt) { finalise(); }
  if (state.deliveredReceipt) { setInputsDisabled(true); showDelivered(); }
  if (session.locked) { lockUntilInvigilator(); }
  root.setAttribute('data-ready', 'true');
  keepPageForOffline();
  send();
}

// Each unit of the exam may carry the page's bar and script (the LMS renders one unit per page; a host that
// shows several units on one page gets several copies): the first bar is used, the others removed.
function boot() {
  if (window.offlineDeliveryStarted) { return; }
  window.offlineDeliveryStarted = true;
  var bars = document.querySelectorAll('#offline-delivery, .offline-delivery');
  Array.prototype.slice.call(bars, 1).forEach(function (extra) { extra.remove(); });
  if (!bars[0] || !window.indexedDB || !window.crypto || !window.crypto.subtle) { return; }
  setRoot(bars[0]);

  Promise.all([
    askSession()
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; }),
    load()
  ]).then(function (results) {
    if (!results[0] && !results[1]) {
      root.textContent = gettext('Offline delivery could not start: reload the page while connected.');
      return;
    }
    start(results[0], results[1]);
  });
}

boot();
