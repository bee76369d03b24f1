/*
 * IndexedDB: this device's copy of the attempt's state, written before anything else happens to a change.
 */
import {gettext} from '../shared/i18n.js';
import {attemptId, state} from './page.js';
import {showProblem} from './ui.js';

var dbPromise = null;

function db() {
  if (!dbPromise) {
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open('offline-delivery', 1);
      request.onupgradeneeded = function () { request.result.createObjectStore('attempts', {keyPath: 'attemptId'}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  return dbPromise;
}

/** The state this device holds for the attempt, or null. */
export function load() {
  return db().then(function (database) {
    return new Promise(function (resolve, reject) {
      var request = database.transaction('attempts', 'readonly').objectStore('attempts').get(attemptId);
      request.onsuccess = function () { resolve(request.result || null); };
      request.onerror = function () { reject(request.error); };
    });
  });
}

var writing = null;
var writeAgain = false;

// Every change is written here before anything else; 'strict' durability asks the browser to flush to disk,
// so a crash right after a keystroke keeps it. Writes are serialised: one in flight, the newest state next.
export function persist() {
  if (writing) { writeAgain = true; return writing; }
  var text = JSON.stringify(state);
  var copy = JSON.parse(text);
  var started = performance.now();
  writing = db().then(function (database) {
    return new Promise(function (resolve, reject) {
      var tx = database.transaction('attempts', 'readwrite', {durability: 'strict'});
      tx.objectStore('attempts').put(copy);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    });
  }).then(function () {
    // The cost of one local save, for make bench (a bounded number of entries is kept).
    if (performance.getEntriesByName('od-local-save').length >= 200) { performance.clearMeasures('od-local-save'); }
    performance.measure('od-local-save', {start: started, detail: {bytes: text.length}});
    writing = null;
    if (writeAgain) { writeAgain = false; return persist(); }
    return undefined;
  }, function (error) {
    writing = null;
    showProblem(gettext('Your answers could not be saved on this device.') + ' ' + error);
  });
  return writing;
}
