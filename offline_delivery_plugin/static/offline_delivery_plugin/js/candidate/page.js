/*
 * What every part of the candidate page shares: its bar (the root every element of the page goes into), the exam
 * around it, the attempt, and the attempt's local state and session. main.js sets them when the page starts; the
 * state's fields change everywhere, the bindings themselves only through the setters below (a module's importers
 * cannot assign its variables, they read them live).
 */

export var root = null;
export var examRoot = null;
export var attemptId = null;
export var state = null;   // persisted in IndexedDB; see docs/delivery-file.rst for the chain
export var session = null;

/** Whether the page is framed: a unit in the learning MFE's iframe, or the exam-file page in its slot. */
export var inMfe = window.self !== window.top;

/** The page lives in ``bar``: <div id="offline-delivery" data-attempt-id=".." data-session-url=".." ...>. */
export function setRoot(bar) {
  root = bar;
  attemptId = Number(root.dataset.attemptId);
  examRoot = document.querySelector(root.dataset.examRoot || 'main') || document.body;
}

export function setState(next) { state = next; }

export function setSession(next) { session = next; }
