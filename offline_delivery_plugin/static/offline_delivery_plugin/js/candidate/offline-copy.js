/*
 * Opening the page again without a network: the service worker (js/service-worker.js) keeps a copy of this exam
 * page, its scripts and styles, so a reload or a restarted browser opens it while offline. In the learning MFE,
 * which shows one unit at a time, each in an iframe of the LMS's /xblock/<unit>, it also keeps every other unit of
 * the exam (and what each loads), and the exam-file page the MFE's slot shows after the time: the learner moves
 * between units with the network down, and the file is there when the time runs out.
 */
import {attemptId, root, session, state} from './page.js';
import {persist} from './store.js';

/** The channel on which a unit tells the exam-file page that an attempt's pages are kept (main.js). */
export var CHANNEL = 'offline-delivery';

// Every module of the candidate page, relative to this file. The page's <script src> names only the entry
// (candidate.js), which imports main.js: the worker must keep these too, or a reload offline could not import
// them. A module added to the page's tree is added here.
var MODULES = [
  'answers.js', 'chain.js', 'crypto.js', 'delivery-file.js', 'gate.js', 'main.js', 'offline-copy.js', 'page.js',
  'password.js', 'save-as-file.js', 'self-delivery.js', 'server.js', 'store.js', 'submit-guard.js', 'timer.js',
  'ui.js', '../shared/dom.js', '../shared/format.js', '../shared/http.js', '../shared/i18n.js',
  '../shared/seb.js'
];

function pageUrls() {
  var urls = [window.location.href.split('#')[0]];
  document.querySelectorAll('script[src], link[rel="stylesheet"][href]').forEach(function (node) {
    urls.push(new URL(node.getAttribute('src') || node.getAttribute('href'), window.location.href).href);
  });
  MODULES.forEach(function (path) { urls.push(new URL(path, import.meta.url).href); });
  return urls;
}

/**
 * The exam-file page of this exam, as the learning MFE's slot frames it: ``?course_id=&content_id=`` from its
 * ``courseId`` and ``sequenceId``, encoded as the widget encodes them (tutor-plugin's MFE patches).
 */
export function examFileUrl() {
  if (!root.dataset.examFileUrl) { return null; }
  return new URL(root.dataset.examFileUrl + '?course_id=' + encodeURIComponent(session.course_id) +
                 '&content_id=' + encodeURIComponent(session.content_id), window.location.href).href;
}

/** Each unit of the exam as the learning MFE frames it (the LMS's /xblock/<unit>, with this page's query), when
 * this page is one of them. */
function unitUrls() {
  var unitPath = window.location.pathname.match(/^(.*\/xblock\/)[^/]+\/?$/);
  if (!unitPath || !session || !session.units) { return []; }
  return session.units.map(function (unit) {
    return new URL(unitPath[1] + unit + window.location.search, window.location.href).href;
  });
}

/** The page *Exams on this device*: the way back in after a reload or a crash offline (js/on-this-device.js). */
export function onThisDeviceUrl() {
  return root.dataset.onThisDeviceUrl ? new URL(root.dataset.onThisDeviceUrl, window.location.href).href : null;
}

/** Every unit and the exam-file page; to keep, also *Exams on this device* (shared by every attempt: never forgotten). */
function examPages(toKeep) {
  var pages = unitUrls();
  var file = examFileUrl();
  if (file) { pages.push(file); }
  if (toKeep && onThisDeviceUrl()) { pages.push(onThisDeviceUrl()); }
  return pages;
}

/**
 * Asks the worker to 'keep' or 'forget' this page's copy (and, with ``withExam``, the exam's other pages and what
 * they load); resolves when it has (or after 30 s).
 */
export function tellWorker(type, withExam) {
  if (!navigator.serviceWorker || !root.dataset.serviceWorkerUrl) { return Promise.resolve(); }
  return navigator.serviceWorker.ready.then(function (registration) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      registration.active.postMessage({type: type, urls: pageUrls(), pages: withExam ? examPages(type === 'keep') : []},
                                      [channel.port2]);
      window.setTimeout(resolve, 30000);
    });
  }).then(function () { root.setAttribute('data-page-kept', type === 'keep' ? 'true' : 'false'); });
}

// The exam's other pages are kept once per attempt (the first unit that opens); the page itself every time.
function keepExam() {
  var first = !state.examKept;
  return tellWorker('keep', first).then(function () {
    if (first) {
      state.examKept = true;
      // Exams on this device links to them (js/on-this-device.js).
      var units = unitUrls();
      if (units.length) { state.unitUrls = units; }
      persist();
    }
    root.setAttribute('data-exam-kept', 'true');
    if (window.BroadcastChannel) {
      var channel = new BroadcastChannel(CHANNEL);
      channel.postMessage({type: 'kept', attemptId: attemptId, contentId: session.content_id});
      channel.close();
    }
  });
}

// The worker keeps a copy of this exam page so a reload or a restarted browser opens it while offline.
export function keepPageForOffline() {
  if (!navigator.serviceWorker || !root.dataset.serviceWorkerUrl) { return; }
  navigator.serviceWorker.register(root.dataset.serviceWorkerUrl, {scope: '/'})
    .then(function () { return state.closedOnServer ? tellWorker('forget', true) : keepExam(); })
    .catch(function () { /* no worker: answers are still safe in IndexedDB */ });
}
