/*
 * What the parts of the Monitor share: its root element, the last upload's result per candidate, and the URLs of
 * one attempt's API.
 */

export var root = document.getElementById('monitor');

export var messages = {};  // user id -> the last upload's result, kept across refreshes

/** The URL of ``what`` (uploads, answers, reopen) of one row's attempt, next to the Monitor's data URL. */
export function apiUrl(row, what) {
  return root.dataset.dataUrl.replace(/monitor\/$/, 'attempts/' + row.attempt_id + '/' + what + '/');
}
