/*
 * Opening the page again without a network: the service worker (js/service-worker.js) keeps a copy of this exam
 * page, its scripts and styles, so a reload or a restarted browser opens it while offline.
 */
import {root, state} from './page.js';

// Every module of the candidate page, relative to this file. The page's <script src> names only the entry
// (candidate.js), which imports main.js: the worker must keep these too, or a reload offline could not import
// them. A module added to the page's tree is added here.
var MODULES = [
  'answers.js', 'chain.js', 'crypto.js', 'delivery-file.js', 'gate.js', 'main.js', 'offline-copy.js', 'page.js',
  'password.js', 'save-as-file.js', 'self-delivery.js', 'server.js', 'store.js', 'submit-guard.js', 'timer.js',
  'ui.js', '../shared/dom.js', '../shared/format.js', '../shared/http.js', '../shared/i18n.js'
];

function pageUrls() {
  var urls = [window.location.href.split('#')[0]];
  document.querySelectorAll('script[src], link[rel="stylesheet"][href]').forEach(function (node) {
    urls.push(new URL(node.getAttribute('src') || node.getAttribute('href'), window.location.href).href);
  });
  MODULES.forEach(function (path) { urls.push(new URL(path, import.meta.url).href); });
  return urls;
}

/** Asks the worker to 'keep' or 'forget' this page's copy; resolves when it has (or after 10 s). */
export function tellWorker(type) {
  if (!navigator.serviceWorker || !root.dataset.serviceWorkerUrl) { return Promise.resolve(); }
  return navigator.serviceWorker.ready.then(function (registration) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      registration.active.postMessage({type: type, urls: pageUrls()}, [channel.port2]);
      window.setTimeout(resolve, 10000);
    });
  }).then(function () { root.setAttribute('data-page-kept', type === 'keep' ? 'true' : 'false'); });
}

// The worker keeps a copy of this exam page so a reload or a restarted browser opens it while offline.
export function keepPageForOffline() {
  if (!navigator.serviceWorker || !root.dataset.serviceWorkerUrl) { return; }
  navigator.serviceWorker.register(root.dataset.serviceWorkerUrl, {scope: '/'})
    .then(function () { return tellWorker(state.closedOnServer ? 'forget' : 'keep'); })
    .catch(function () { /* no worker: answers are still safe in IndexedDB */ });
}
