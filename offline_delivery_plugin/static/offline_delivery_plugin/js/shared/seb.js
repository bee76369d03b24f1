/*
 * Safe Exam Browser's JavaScript API (``window.SafeExamBrowser``), as SEB's developer documentation describes it
 * (SafeExamBrowser-Website developer/seb-config-key.html at 246318533d4a): ``security.configKey`` and
 * ``security.browserExamKey`` are SEB's keys hashed with this page's URL (without its fragment), ready when the
 * page loads from SEB 3.3.2 for Windows and 3.1 for macOS and iOS, after ``security.updateKeys(callback)`` in
 * SEB 3.0 for macOS and iOS (whose callback must be a global function: SEB calls it by name).
 *
 * SEB for iOS sends no key headers, and SEB for Windows sends none on a frame's requests to another host than the
 * top page's (the learning MFE's unit frame): the page relays the API's values, with the URL they were hashed
 * with, in headers of its own (offline_delivery_plugin/http.py). Outside SEB there are none.
 */
var UPDATE_PATIENCE_MS = 1500;
// The URL SEB hashed the keys with: the page's as it loaded, before anything could change it.
var pageUrl = window.location.href.split('#')[0];
var keys = null;

function api() { return window.SafeExamBrowser && window.SafeExamBrowser.security; }

function read() {
  var security = api();
  var configKey = security && security.configKey;
  var browserExamKey = security && security.browserExamKey;
  var headers = {};
  if (configKey && configKey !== ':') { headers['X-Offline-Delivery-SEB-Config-Key-Hash'] = configKey; }
  if (browserExamKey && browserExamKey !== ':') {
    headers['X-Offline-Delivery-SEB-Browser-Exam-Key-Hash'] = browserExamKey;
  }
  if (Object.keys(headers).length) { headers['X-Offline-Delivery-SEB-Page-URL'] = pageUrl; }
  return headers;
}

/** Whether this page runs in Safe Exam Browser (its JavaScript API, or its name in the user agent). */
export function inSafeExamBrowser() {
  return Boolean(window.SafeExamBrowser) || /\bSEB\//.test(navigator.userAgent);
}

/** The headers that relay SEB's keys (none outside SEB), once SEB has set them. */
export function sebHeaders() {
  if (keys) { return keys; }
  var security = api();
  var ready = read();
  if (Object.keys(ready).length || !security || typeof security.updateKeys !== 'function') {
    keys = Promise.resolve(ready);
    return keys;
  }
  keys = new Promise(function (resolve) {
    var done = false;
    function finish() { if (!done) { done = true; resolve(read()); } }
    window.offlineDeliverySebKeysUpdated = finish;
    window.setTimeout(finish, UPDATE_PATIENCE_MS);
    security.updateKeys(window.offlineDeliverySebKeysUpdated);
  });
  return keys;
}
