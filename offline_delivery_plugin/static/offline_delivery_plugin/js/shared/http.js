/*
 * Requests to the plugin's REST API from its pages: with the user's session, never answered from the browser's
 * HTTP cache, changes carrying the CSRF token, and in Safe Exam Browser its keys (seb.js).
 */
import {sebHeaders} from './seb.js';

/**
 * The CSRF token: from the ``{% csrf_token %}`` field inside ``scope`` when given (the Monitor and the course's
 * tab render one), otherwise from the ``csrftoken`` cookie (the candidate page, which lives inside an LMS unit).
 */
export function csrfToken(scope) {
  if (scope) {
    var field = scope.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

/**
 * ``fetch`` of one of the plugin's URLs: the session's cookies, no HTTP cache, SEB's keys where there are any;
 * ``options`` add to or override.
 */
export function request(url, options) {
  return sebHeaders().then(function (seb) {
    var merged = Object.assign({credentials: 'same-origin', cache: 'no-store'}, options);
    merged.headers = Object.assign({}, seb, (options && options.headers) || {});
    return fetch(url, merged);
  });
}

/** A GET whose answer is JSON, whatever its status. */
export function getJson(url) {
  return request(url).then(function (response) { return response.json(); });
}

/**
 * A POST with the CSRF token (see ``csrfToken`` for ``scope``). A plain object goes as JSON, bytes (an
 * ArrayBuffer or a typed array) as application/octet-stream, FormData as it is; no body sends none.
 */
export function post(url, body, scope) {
  var headers = {'X-CSRFToken': csrfToken(scope)};
  var bytes = body instanceof ArrayBuffer || ArrayBuffer.isView(body);
  var json = body !== undefined && !bytes && !(body instanceof FormData);
  if (json) { headers['Content-Type'] = 'application/json'; }
  if (bytes) { headers['Content-Type'] = 'application/octet-stream'; }
  return request(url, {method: 'POST', headers: headers, body: json ? JSON.stringify(body) : body});
}

/**
 * The JSON body of an answer; an answer with an error status rejects with an Error carrying the server's message
 * (its ``detail``), or the status when it has none.
 */
export function readJson(response) {
  return response.json().then(function (body) {
    if (!response.ok) { throw new Error(body.detail || String(response.status)); }
    return body;
  });
}

/** A PUT of a JSON object with the CSRF token (see ``csrfToken`` for ``scope``). */
export function put(url, body, scope) {
  return request(url, {method: 'PUT', body: JSON.stringify(body),
                       headers: {'X-CSRFToken': csrfToken(scope), 'Content-Type': 'application/json'}});
}
