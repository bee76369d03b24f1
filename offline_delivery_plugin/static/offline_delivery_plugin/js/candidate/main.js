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
import {el} from '../shared/dom.js';
import {gettext} from '../shared/i18n.js';
import {
  fieldsOf, keyOf, noteRenderedItems, readField, restoreInputs, setInputsDisabled, watchForNewFields
} from './answers.js';
import {freshState, makeSnapshot, pendingIn, recordChange} from './chain.js';
import {lockUntilInvigilator} from './gate.js';
import {CHANNEL, keepPageForOffline} from './offline-copy.js';
import {attemptId, examRoot, inMfe, root, session, setRoot, setSession, setState, state} from './page.js';
import {askSession, send, sendWithoutPage} from './server.js';
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
  noteRenderedItems();
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

function startFrom(fetched, stored) {
  if (!fetched && !stored) {
    root.textContent = gettext('Offline delivery could not start: reload the page while connected.');
    return false;
  }
  start(fetched, stored);
  return true;
}

// The attempt belongs to one page of this device at a time: the unit of the exam that is open (the learning MFE
// shows one at a time, each in a new iframe), or, once no unit is open any more, the exam-file page. A Web Lock
// per attempt, which the browser releases when its page goes (docs/decisions/0017-the-file-after-the-time.rst).
function lockName() { return 'offline-delivery-attempt-' + attemptId; }

var FOREVER = new Promise(function () { /* held until the page goes */ });
var LOCK_PATIENCE_MS = 1500;

// The exam requires Safe Exam Browser and this browser showed none of its keys: nothing starts here, and the
// candidate is told how to start the exam in SEB (the server refuses every save from this page anyway).
function refusedForSeb(response) {
  if (response.status !== 403) { return Promise.resolve(false); }
  return response.json().then(function (body) {
    if (body.reason !== 'no_key' && body.reason !== 'wrong_key') { return false; }
    root.textContent = '';
    root.appendChild(el('p', {'class': 'od-problem od-seb-refused', role: 'alert', text: body.detail}));
    if (body.seb_link) {
      root.appendChild(el('p', {}, [el('a', {'class': 'btn btn-primary', href: body.seb_link,
                                             text: gettext('Start in Safe Exam Browser')})]));
    }
    root.setAttribute('data-ready', 'refused');
    return true;
  }).catch(function () { return false; });
}

function bootUnit() {
  function begin() {
    return Promise.all([
      askSession().catch(function () { return null; }),
      load()
    ]).then(function (results) {
      var response = results[0];
      return (response ? refusedForSeb(response) : Promise.resolve(false)).then(function (refused) {
        if (refused) { return false; }
        if (response && response.ok) {
          return response.json().catch(function () { return null; })
            .then(function (fetched) { return startFrom(fetched, results[1]); });
        }
        return startFrom(null, results[1]);
      });
    });
  }
  if (!navigator.locks) { begin(); return; }
  // Held a moment by the exam-file page sending what a unit left, or for good by another tab or window.
  var waiting = window.setTimeout(function () {
    root.textContent = gettext('This exam is open in another tab or window of this browser. Continue there, ' +
                               'or close it: the exam then continues here.');
  }, LOCK_PATIENCE_MS);
  navigator.locks.request(lockName(), function () {
    window.clearTimeout(waiting);
    root.textContent = '';
    return begin().then(function (started) { return started ? FOREVER : undefined; });
  });
}

// The exam-file page (views.ExamFilePageView), framed by the learning MFE's slot beside the sequence: it shows
// nothing while a unit of the exam is open. When frontend-lib-special-exams has replaced the sequence (and its unit
// iframe) at the end of the time, it takes the attempt over if this device holds answers the server has not got.
var EXAM_FILE_CHECK_MS = 1000;
// Tall enough for the password dialog, which opens inside this frame.
var EXAM_FILE_MIN_HEIGHT = 480;

function timeIsUp(held) { return held.finalised || Date.now() >= held.deadlineLocal; }

function reportHeight() {
  if (!inMfe || !window.ResizeObserver) { return; }
  var last = -1;
  function report() {
    var height = 0;
    if (root.childElementCount) {
      height = Math.max(document.documentElement.scrollHeight, EXAM_FILE_MIN_HEIGHT);
    } else if (document.querySelector('.od-exam-info')) {  // the learner's time and the link to their exam page
      height = document.documentElement.scrollHeight;
    }
    if (height !== last) {
      last = height;
      window.parent.postMessage({type: 'offline-delivery.resize', height: height}, '*');
    }
  }
  new ResizeObserver(report).observe(document.documentElement);
  report();
}

function bootExamFile() {
  reportHeight();
  // A unit that starts an attempt of this exam here says so once it has kept its pages: the page loads again,
  // now with that attempt (and the service worker keeps that copy for a reload offline).
  if (window.BroadcastChannel) {
    new BroadcastChannel(CHANNEL).addEventListener('message', function (event) {
      var data = event.data || {};
      if (data.type === 'kept' && data.contentId === root.dataset.contentId && data.attemptId !== attemptId) {
        window.location.reload();
      }
    });
  }
  if (!attemptId || !navigator.locks) { return; }
  var check = window.setInterval(function () {
    navigator.locks.request(lockName(), {ifAvailable: true}, function (lock) {
      if (!lock) { return undefined; }
      return load().then(function (stored) {
        if (!stored || stored.deliveredReceipt || pendingIn(stored) === 0) { return undefined; }
        if (!timeIsUp(stored)) {
          if (stored.closedOnServer) { return undefined; }
          // No unit holds the attempt before its time is up: the library's *End My Exam* removed the sequence,
          // which asks the learner to confirm; what the unit had not sent yet goes now (a unit that opens
          // meanwhile waits for this lock).
          setState(stored);
          setSession(stored.session);
          return sendWithoutPage();
        }
        window.clearInterval(check);
        start(null, stored);
        return FOREVER;
      });
    });
  }, EXAM_FILE_CHECK_MS);
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
  if (root.dataset.mode === 'exam-file') { bootExamFile(); } else { bootUnit(); }
}

boot();
