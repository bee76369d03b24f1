/*
 * The candidate page of offline_delivery_plugin: keeps every answer on this device first, sends it to the server
 * when it can, warns when the connection has been lost, and writes the encrypted delivery file behind the
 * invigilator password.
 *
 * Plain JavaScript, no build step. It needs, in the exam page, an element
 *   <div id="offline-delivery" data-attempt-id=".." data-session-url=".." data-snapshot-url=".."></div>
 * around (or beside) the exam's units. Answers are captured generically from the form inputs of every rendered
 * block (elements with data-usage or data-usage-id), so it works on any XBlock.
 *
 * File format and chain: docs/delivery-file.rst. Strings go through Django's JavaScript catalog (gettext).
 */
(function () {
  'use strict';

  // Each unit of the exam may carry the page's bar and script (the LMS renders one unit per page; a host that
  // shows several units on one page gets several copies): the first bar is used, the others removed.
  if (window.offlineDeliveryStarted) { return; }
  window.offlineDeliveryStarted = true;
  var bars = document.querySelectorAll('#offline-delivery, .offline-delivery');
  var root = bars[0];
  Array.prototype.slice.call(bars, 1).forEach(function (extra) { extra.remove(); });
  if (!root || !window.indexedDB || !window.crypto || !window.crypto.subtle) { return; }

  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, name) { return String(obj[name]); });
  };
  var MIN_ITERATIONS = 600000;
  var MAX_FAILED_PASSWORDS = 5;
  var SNAPSHOT_EVERY_MS = 3000;
  var SEND_SOON_MS = 2000;
  var FORMAT_VERSION = 2;
  var HKDF_INFO = 'offline-delivery-file v2|';
  var COSIGN_CONTEXT = 'offline-delivery cosig v2|';
  var FILE_EXTENSION = '.offline-delivery';
  var encoder = new TextEncoder();
  var attemptId = Number(root.dataset.attemptId);
  var examRoot = document.querySelector(root.dataset.examRoot || 'main') || document.body;

  // ---------------------------------------------------------------- small helpers

  function b64url(bytes) {
    var text = '';
    bytes = new Uint8Array(bytes);
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function unb64url(text) {
    var binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function sha256Hex(data) {
    return crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data).then(hex);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // ---------------------------------------------------------------- IndexedDB: this device's copy

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

  function load() {
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
  function persist() {
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

  // ---------------------------------------------------------------- capturing answers from any block

  function itemElements() {
    var blocks = examRoot.querySelectorAll('[data-usage], [data-usage-id]');
    return Array.prototype.filter.call(blocks, function (block) {
      return !block.querySelector('[data-usage], [data-usage-id]') && fieldsOf(block).length > 0;
    });
  }

  function itemId(block) { return block.getAttribute('data-usage') || block.getAttribute('data-usage-id'); }

  function fieldsOf(block) {
    return Array.prototype.filter.call(block.querySelectorAll('input, textarea, select'), function (field) {
      return field.name && ['button', 'submit', 'reset', 'hidden', 'file', 'password'].indexOf(field.type) < 0;
    });
  }

  function names(block) {
    var seen = [];
    fieldsOf(block).forEach(function (field) { if (seen.indexOf(field.name) < 0) { seen.push(field.name); } });
    return seen;
  }

  // One key per answer: the item id when the item has one field name, "item#name" otherwise.
  function keyOf(block, name) { return names(block).length === 1 ? itemId(block) : itemId(block) + '#' + name; }

  function readField(block, name) {
    var fields = fieldsOf(block).filter(function (field) { return field.name === name; });
    if (fields[0].type === 'radio') {
      var checked = fields.filter(function (field) { return field.checked; })[0];
      return checked ? checked.value : '';
    }
    if (fields[0].type === 'checkbox') {
      return JSON.stringify(fields.filter(function (f) { return f.checked; }).map(function (f) { return f.value; }));
    }
    return fields[0].value;
  }

  function writeField(block, name, value) {
    fieldsOf(block).filter(function (field) { return field.name === name; }).forEach(function (field) {
      if (field.type === 'radio') {
        field.checked = field.value === value;
      } else if (field.type === 'checkbox') {
        var values = [];
        try { values = JSON.parse(value); } catch (error) { values = []; }
        field.checked = values.indexOf(field.value) >= 0;
      } else {
        field.value = value;
      }
    });
  }

  function renderedItems() { return itemElements().map(itemId); }

  // ---------------------------------------------------------------- the local state and its hash chain

  var state = null;   // persisted in IndexedDB; see docs/delivery-file.rst for the chain
  var session = null;

  function freshState(fromSession) {
    return {
      attemptId: attemptId,
      session: fromSession,
      answers: Object.assign({}, fromSession.answers),
      seq: fromSession.acked_seq,
      lastHash: fromSession.acked_hash,
      lastLink: null,
      lastAnswersJson: null,
      anchor: {seq: fromSession.acked_seq, hash: fromSession.acked_hash},
      links: [],
      dirty: false,
      changed: [],
      lastContact: Date.now(),
      failedPasswords: 0,
      lockedUntil: 0,
      finalised: false,
      closedOnServer: false,
      deliveries: []
    };
  }

  function recordChange(key, value) {
    if (state.finalised || state.answers[key] === value) { return; }
    state.answers[key] = value;
    state.dirty = true;
    if (state.changed.indexOf(key) < 0) { state.changed.push(key); }
    persist();
    updateStatus();
    sendSoon();
  }

  // A snapshot seals the current answers into the next link of the chain.
  function makeSnapshot(force) {
    if (!state.dirty && !force) { return Promise.resolve(); }
    var answersJson = JSON.stringify(state.answers);
    var seq = state.seq + 1;
    var changed = state.changed.slice();
    state.dirty = false;
    state.changed = [];
    // The link's time is when its answers were sealed: after time is up that stays the moment it ran out, however
    // much later the invigilator saves the file (the server refuses answers sealed after the deadline).
    var sealedAt = state.finalised && state.sealedAt ? state.sealedAt : Date.now();
    return sha256Hex(answersJson).then(function (digest) {
      var link = JSON.stringify([seq, state.lastHash, sealedAt, digest, changed]);
      return sha256Hex(link).then(function (hash) {
        state.seq = seq;
        state.lastHash = hash;
        state.lastLink = link;
        state.lastAnswersJson = answersJson;
        state.links.push({seq: seq, link: link});
        return persist();
      });
    });
  }

  // ---------------------------------------------------------------- talking to the server

  var inflight = null;
  var sendTimer = null;

  function sendSoon() {
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
  function send() {
    if (state.closedOnServer) { return watchForReopening(); }
    if (inflight) {
      return inflight.then(function () { return pendingCount() > 0 && !inflight ? send() : undefined; });
    }
    inflight = makeSnapshot(false).then(function () {
      if (!state.lastLink) {  // nothing typed yet: a light heartbeat
        return fetch(root.dataset.sessionUrl, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
          if (r.ok) { contact(); persist(); }
        });
      }
      return fetch(root.dataset.snapshotUrl, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
        body: JSON.stringify({link: state.lastLink, answers_json: state.lastAnswersJson})
      }).then(function (response) {
        if (response.status === 409) {
          state.closedOnServer = true;
          tellWorker('forget');
          contact();
          showProblem(gettext('The exam is closed on the server. Your answers stay on this device.'));
          return persist();
        }
        if (!response.ok) { return undefined; }
        return response.json().then(function (ack) {
          contact();
          if (ack.acked_seq >= state.anchor.seq && ack.acked_seq <= state.seq) {
            state.anchor = {seq: ack.acked_seq, hash: ack.acked_hash};
            state.links = state.links.filter(function (entry) { return entry.seq > ack.acked_seq; });
          }
          return persist();
        });
      });
    }).catch(function () { /* offline: everything stays here and goes with the next try */ })
      .then(function () { inflight = null; updateStatus(); });
    return inflight;
  }

  // A closed attempt may be opened for resubmission while this page is still open (the hall's usual case: the
  // network is back, the chief invigilator reopens it in the Monitor). The page asks now and then, and offers the
  // way back to the exam's start, where the candidate continues and the invigilator types the password.
  function watchForReopening() {
    if (state.reopened || !navigator.onLine) { return Promise.resolve(); }
    return fetch(root.dataset.sessionUrl, {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
      if (response.status !== 409) { return undefined; }
      return response.json().then(function (body) {
        if (body.reason !== 'reopened') { return; }
        state.reopened = true;
        showReopened(body.detail);
      });
    }).catch(function () { /* offline: asked again later */ });
  }

  function showReopened(text) {
    ui.reopened = el('div', {'class': 'od-reopened', role: 'alert'});
    ui.reopened.appendChild(el('p', {text: text}));
    var back = el('button', {type: 'button', 'class': 'btn btn-primary', text: gettext('Go back to the exam')});
    back.addEventListener('click', function () { window.location.reload(); });
    ui.reopened.appendChild(back);
    root.appendChild(ui.reopened);
  }

  // ---------------------------------------------------------------- the page: banner, timer, menu, dialogs

  var ui = {};

  function buildUi() {
    ui.bar = el('div', {'class': 'od-bar', role: 'region', 'aria-label': gettext('Exam tools')});
    ui.timer = el('p', {'class': 'od-timer', role: 'timer', 'aria-live': 'off'});
    ui.status = el('p', {'class': 'od-status', role: 'status', 'aria-live': 'polite'});
    ui.menuButton = el('button', {type: 'button', 'class': 'od-menu-button', 'aria-haspopup': 'true',
                                  'aria-expanded': 'false', text: '\u2630 ' + gettext('Menu')});
    ui.menu = el('ul', {'class': 'od-menu', role: 'menu', hidden: 'hidden'});
    ui.saveItem = el('button', {type: 'button', role: 'menuitem', text: gettext('Save delivery as file')});
    ui.menu.appendChild(el('li', {role: 'none'}, [ui.saveItem]));
    ui.bar.appendChild(ui.timer);
    ui.bar.appendChild(ui.status);
    ui.bar.appendChild(ui.menuButton);
    ui.bar.appendChild(ui.menu);
    ui.lost = el('div', {'class': 'od-lost', role: 'alert', hidden: 'hidden'});
    ui.problem = el('div', {'class': 'od-problem', role: 'alert', hidden: 'hidden'});
    ui.timeUp = el('div', {'class': 'od-time-up', role: 'alert', hidden: 'hidden'});
    ui.timeWarning = el('p', {'class': 'od-time-warning', role: 'alert', hidden: 'hidden'});
    root.appendChild(ui.bar);
    root.appendChild(ui.timeWarning);
    root.appendChild(ui.lost);
    root.appendChild(ui.problem);
    root.appendChild(ui.timeUp);
    buildDialog();

    ui.menuButton.addEventListener('click', function () { toggleMenu(ui.menu.hidden); });
    ui.saveItem.addEventListener('click', function () { toggleMenu(false); openDialog(); });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !ui.menu.hidden) { toggleMenu(false); ui.menuButton.focus(); }
    });
  }

  function toggleMenu(open) {
    ui.menu.hidden = !open;
    ui.menuButton.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) { ui.saveItem.focus(); }
  }

  function buildDialog() {
    ui.dialog = el('dialog', {'class': 'od-dialog', 'aria-labelledby': 'od-dialog-title'});
    var form = el('form', {method: 'dialog'});
    form.appendChild(el('h2', {id: 'od-dialog-title', text: gettext('Save delivery as file')}));
    form.appendChild(el('p', {text: gettext(
      'An invigilator must type the invigilator password. The file is encrypted: only the exam office can open it.'
    )}));
    ui.password = el('input', {type: 'password', id: 'od-password', autocomplete: 'off'});
    form.appendChild(el('p', {}, [el('label', {'for': 'od-password', text: gettext('Invigilator password')}),
                                  document.createTextNode(' '), ui.password]));
    ui.blank = el('input', {type: 'checkbox', id: 'od-blank'});
    ui.blankRow = el('p', {}, [ui.blank, document.createTextNode(' '),
                               el('label', {'for': 'od-blank', text: gettext('Deliver blank')})]);
    form.appendChild(ui.blankRow);
    ui.dialogError = el('p', {'class': 'od-error', role: 'alert'});
    form.appendChild(ui.dialogError);
    ui.saveButton = el('button', {type: 'submit', value: 'save', text: gettext('Save delivery')});
    var cancel = el('button', {type: 'button', text: gettext('Cancel')});
    form.appendChild(el('p', {}, [ui.saveButton, document.createTextNode(' '), cancel]));
    ui.dialog.appendChild(form);
    ui.done = el('dialog', {'class': 'od-dialog od-done', 'aria-labelledby': 'od-done-title'});
    root.appendChild(ui.dialog);
    root.appendChild(ui.done);

    cancel.addEventListener('click', function () { ui.dialog.close(); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      saveAsFile();
    });
  }

  function openDialog() {
    ui.password.value = '';
    ui.blank.checked = false;
    ui.blankRow.hidden = !session.allow_deliver_blank;
    ui.dialogError.textContent = '';
    ui.dialog.showModal();
    ui.password.focus();
  }

  function showLost(lost) {
    if (lost && ui.lost.hidden) {
      ui.lost.textContent = session.connection_lost_message;
      ui.lost.hidden = false;
    } else if (!lost && !ui.lost.hidden) {
      ui.lost.hidden = true;
      ui.lost.textContent = '';
    }
  }

  function showProblem(text) {
    ui.problem.textContent = text;
    ui.problem.hidden = false;
  }

  function pendingCount() { return state.seq - state.anchor.seq + (state.dirty ? 1 : 0); }

  function updateStatus() {
    if (!ui.status) { return; }
    root.setAttribute('data-acked-seq', String(state.anchor.seq));
    root.setAttribute('data-pending', String(pendingCount()));
    ui.status.textContent = pendingCount() > 0
      ? gettext('Saved on this device; waiting to send to the server.')
      : gettext('All answers saved on the server.');
  }

  function formatTime(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return h + ':' + ('0' + m).slice(-2) + ':' + ('0' + s).slice(-2);
  }

  // The deadline is the server's, moved onto this device's clock once (at session start): the countdown goes on
  // without the network.
  function secondsLeft() { return Math.max(0, Math.round((state.deadlineLocal - Date.now()) / 1000)); }

  // Warnings at 20 % and 5 % of the learner's own allowed time (allowances included), announced once each.
  var TIME_WARNINGS = [20, 5];

  function warnAboutTime(left) {
    var allowed = session.allowed_seconds;
    if (!allowed || left === 0) { return; }
    TIME_WARNINGS.forEach(function (percent) {
      if (left > allowed * percent / 100 || (state.timeWarned || []).indexOf(percent) >= 0) { return; }
      state.timeWarned = (state.timeWarned || []).concat([percent]);
      var minutes = Math.ceil(left / 60);
      ui.timeWarning.textContent = interpolate(ngettext(
        '%(percent)s percent of your time is left: %(minutes)s minute. Your answers are being saved.',
        '%(percent)s percent of your time is left: %(minutes)s minutes. Your answers are being saved.', minutes),
        {percent: percent, minutes: minutes}, true);
      ui.timeWarning.className = 'od-time-warning od-time-warning-' + percent;
      ui.timeWarning.hidden = false;
      ui.timer.classList.add('od-timer-low');
      persist();
    });
  }

  // The exam is delivered: no clock counts down any more, and nothing offers to end or save it again.
  function showDelivered() {
    ui.timer.textContent = interpolate(gettext('Delivered: receipt code %(receipt)s.'),
                                       {receipt: state.deliveredReceipt}, true);
    ui.timer.classList.remove('od-timer-low');
    ui.timeWarning.hidden = true;
    ui.timeUp.hidden = true;
    ui.menuButton.hidden = true;
    var submit = document.querySelector('[data-offline-delivery-submit]');
    if (submit) { submit.hidden = true; }
  }

  function tick() {
    if (state.deliveredReceipt) { return; }
    var left = secondsLeft();
    ui.timer.textContent = interpolate(gettext('Time left: %(time)s'), {time: formatTime(left)}, true);
    warnAboutTime(left);
    if (left === 0 && !state.finalised) { finalise(); }
    if (Date.now() - state.lastContact > session.connection_lost_after_seconds * 1000) { showLost(true); }
  }

  function setInputsDisabled(disabled) {
    itemElements().forEach(function (block) {
      fieldsOf(block).concat(Array.prototype.slice.call(block.querySelectorAll('button'))).forEach(function (f) {
        f.disabled = disabled;
      });
    });
  }

  // Time is up: nothing more can be typed; the answers are sealed into a last snapshot, sent if the server can
  // be reached, and the file is the way out.
  function finalise() {
    // Time is up: a warning of how much time is left no longer holds.
    ui.timeWarning.hidden = true;
    ui.timeWarning.textContent = '';
    state.finalised = true;
    state.sealedAt = state.sealedAt || Math.min(Date.now(), state.deadlineLocal);
    setInputsDisabled(true);
    ui.timeUp.textContent = '';
    ui.timeUp.appendChild(el('p', {text: gettext('Time is up. Your answers are saved on this device.')}));
    var button = el('button', {type: 'button', 'class': 'od-time-up-save', text: gettext('Save delivery as file')});
    button.addEventListener('click', openDialog);
    ui.timeUp.appendChild(button);
    ui.timeUp.hidden = false;
    var submit = document.querySelector('[data-offline-delivery-submit]');
    if (submit) { submit.hidden = true; }
    makeSnapshot(true).then(persist).then(send);
  }

  // ---------------------------------------------------------------- the invigilator password, offline

  function checkPassword(password) {
    var verifier = session.password_verifier;
    if (!verifier) {
      return Promise.reject(new Error(gettext('No invigilator password is set for this exam: ask the exam office.')));
    }
    if (verifier.iterations < MIN_ITERATIONS || verifier.cosign_iterations < MIN_ITERATIONS) {
      return Promise.reject(new Error(gettext('The password check is too weak; ask the exam office.')));
    }
    return pbkdf2(password, verifier.salt, verifier.iterations)
      .then(function (bits) { return b64url(bits) === verifier.hash; });
  }

  function pbkdf2(password, saltB64, iterations) {
    return crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits'])
      .then(function (key) {
        return crypto.subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: unb64url(saltB64),
                                         iterations: iterations}, key, 256);
      });
  }

  // The invigilator's co-signature: an HMAC with a key derived from the password just typed (its own salt, not
  // the verifier's), over the file's values. The key is used once and never kept; the server holds its own copy.
  function cosign(password, values) {
    var verifier = session.password_verifier;
    return pbkdf2(password, verifier.cosign_salt, verifier.cosign_iterations).then(function (bits) {
      return crypto.subtle.importKey('raw', bits, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
    }).then(function (key) {
      return crypto.subtle.sign('HMAC', key, encoder.encode(COSIGN_CONTEXT + values.join('.')));
    }).then(b64url);
  }

  // ---------------------------------------------------------------- the delivery file

  function slug(text) {
    return String(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_]+/g, '-')
      .replace(/^-+|-+$/g, '').slice(0, 40) || 'exam';
  }

  function fileName() {
    return slug(session.candidate_label) + '-' + slug(session.exam_name) + '-attempt' + session.attempt_id +
      '-' + state.seq + FILE_EXTENSION;
  }

  function receiptCode(sha256hex) {
    var alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    var bits = parseInt(sha256hex.slice(0, 10), 16);
    var out = '';
    for (var shift = 35; shift >= 0; shift -= 5) { out += alphabet[Math.floor(bits / Math.pow(2, shift)) % 32]; }
    return out.slice(0, 4) + '-' + out.slice(4);
  }

  function encryptDelivery(blank, password) {
    var header = {
      v: FORMAT_VERSION, alg: 'ECDH-P256+HKDF-SHA256+A256GCM', kid: session.kid, pid: session.password_verifier.pid,
      course: session.course_id, exam: session.content_id, candidate: session.candidate_id,
      attempt: session.attempt_code, seq: state.seq, created: Date.now(), clock_offset_ms: state.clockOffsetMs || 0
    };
    var payload = {
      blank: blank,
      answers_json: state.lastAnswersJson,
      items: renderedItems(),
      chain: {anchor: state.anchor, links: state.links.map(function (entry) { return entry.link; })}
    };
    var protectedHeader = b64url(encoder.encode(JSON.stringify(header)));
    var keys = {};
    return crypto.subtle.importKey('spki', unb64url(session.public_key_spki_b64), {name: 'ECDH', namedCurve: 'P-256'},
                                   false, [])
      .then(function (serverKey) {
        keys.server = serverKey;
        return crypto.subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']);
      }).then(function (ephemeral) {
        keys.ephemeral = ephemeral;
        return crypto.subtle.exportKey('raw', ephemeral.publicKey);
      }).then(function (epk) {
        keys.epk = new Uint8Array(epk);
        return crypto.subtle.deriveBits({name: 'ECDH', public: keys.server}, keys.ephemeral.privateKey, 256);
      }).then(function (shared) {
        return crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
      }).then(function (ikm) {
        return crypto.subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: keys.epk,
                                        info: encoder.encode(HKDF_INFO + session.kid)},
                                       ikm, {name: 'AES-GCM', length: 256}, false, ['encrypt']);
      }).then(function (contentKey) {
        keys.iv = crypto.getRandomValues(new Uint8Array(12));
        return crypto.subtle.encrypt({name: 'AES-GCM', iv: keys.iv, additionalData: encoder.encode(protectedHeader)},
                                     contentKey, encoder.encode(JSON.stringify(payload)));
      }).then(function (ciphertext) {
        keys.values = [protectedHeader, b64url(keys.epk), b64url(keys.iv), b64url(ciphertext)];
        return cosign(password, keys.values);
      }).then(function (cosig) {
        return encoder.encode(JSON.stringify({
          format: 'offline-delivery-file', version: FORMAT_VERSION, 'protected': keys.values[0], epk: keys.values[1],
          iv: keys.values[2], ciphertext: keys.values[3], cosig: cosig
        }));
      });
  }

  function download(bytes, name) {
    var url = URL.createObjectURL(new Blob([bytes], {type: 'application/octet-stream'}));
    var link = el('a', {href: url, download: name, hidden: 'hidden'});
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 60000);
  }

  function saveAsFile() {
    var now = Date.now();
    if (state.lockedUntil > now) {
      ui.dialogError.textContent = interpolate(gettext('Too many wrong passwords. Try again in %(seconds)s s.'),
                                               {seconds: Math.ceil((state.lockedUntil - now) / 1000)}, true);
      return;
    }
    var blank = session.allow_deliver_blank && ui.blank.checked;
    if (blank && !window.confirm(gettext(
      'Deliver blank? The file will say you hand in no answers, even though your answers stay on this device.'))) {
      return;
    }
    if (!session.kid) {
      ui.dialogError.textContent = gettext('Your exam waits for the invigilator password: it cannot be saved yet.');
      return;
    }
    var password = ui.password.value;
    ui.saveButton.disabled = true;
    ui.dialogError.textContent = gettext('Checking the password\u2026');
    // Marks for measuring (benchmarks read them with performance.getEntriesByType('measure')).
    performance.mark('od-password-start');
    checkPassword(password).then(function (right) {
      performance.measure('od-password-check', 'od-password-start');
      if (!right) {
        state.failedPasswords += 1;
        if (state.failedPasswords >= MAX_FAILED_PASSWORDS) {
          // 30 s after the fifth failure, doubling with each further one.
          state.lockedUntil = Date.now() + 30000 * Math.pow(2, state.failedPasswords - MAX_FAILED_PASSWORDS);
        }
        persist();
        throw new Error(gettext('Wrong invigilator password.'));
      }
      state.failedPasswords = 0;
      state.lockedUntil = 0;
      performance.mark('od-export-start');
      return makeSnapshot(true).then(function () { return encryptDelivery(blank, password); });
    }).then(function (bytes) {
      performance.measure('od-export', 'od-export-start');
      var name = fileName();
      return sha256Hex(bytes).then(function (digest) {
        var receipt = receiptCode(digest);
        state.deliveries.push({name: name, receipt: receipt, seq: state.seq, blank: blank, at: Date.now(),
                               file: b64url(bytes), delivered: false});
        return persist().then(function () {
          download(bytes, name);
          ui.dialog.close();
          showSaved(name, receipt, blank);
        });
      });
    }).catch(function (error) {
      ui.dialogError.textContent = error.message;
    }).then(function () { ui.saveButton.disabled = false; });
  }

  function showSaved(name, receipt, blank) {
    ui.done.textContent = '';
    ui.done.appendChild(el('h2', {id: 'od-done-title', text: gettext('Delivery saved as file')}));
    ui.done.appendChild(el('p', {}, [document.createTextNode(gettext('File name:') + ' '),
                                     el('strong', {'class': 'od-file-name', text: name})]));
    ui.done.appendChild(el('p', {text: gettext(
      'Saved in this browser\u2019s download folder (usually Downloads). Move it to the USB stick, or deliver it ' +
      'from this page when the connection is back.')}));
    ui.done.appendChild(el('p', {}, [document.createTextNode(gettext('Receipt code:') + ' '),
                                     el('strong', {'class': 'od-receipt', text: receipt})]));
    if (blank) { ui.done.appendChild(el('p', {text: gettext('This file delivers blank.')})); }
    var ok = el('button', {type: 'button', text: gettext('OK')});
    ok.addEventListener('click', function () { ui.done.close(); });
    ui.done.appendChild(ok);
    ui.done.showModal();
    ok.focus();
  }

  // ---------------------------------------------------------------- a reopened attempt waits for the invigilator

  // The exam was opened for resubmission: the answers are back, but writing continues only after an invigilator
  // types the password, checked by the server (which limits and records every try).
  function lockUntilInvigilator() {
    setInputsDisabled(true);
    var gate = el('dialog', {'class': 'od-dialog od-unlock', 'aria-labelledby': 'od-unlock-title'});
    var form = el('form', {});
    var password = el('input', {type: 'password', id: 'od-unlock-password', autocomplete: 'off'});
    var error = el('p', {'class': 'od-error', role: 'alert'});
    form.appendChild(el('h2', {id: 'od-unlock-title', text: gettext('Your exam was opened for resubmission')}));
    form.appendChild(el('p', {text: gettext('Your answers are back. An invigilator must type the invigilator ' +
                                            'password before you continue.')}));
    form.appendChild(el('p', {}, [el('label', {'for': 'od-unlock-password', text: gettext('Invigilator password')}),
                                  document.createTextNode(' '), password]));
    form.appendChild(error);
    form.appendChild(el('p', {}, [el('button', {type: 'submit', text: gettext('Unlock and continue')})]));
    gate.appendChild(form);
    gate.addEventListener('cancel', function (event) { event.preventDefault(); });  // Escape does not skip it
    root.appendChild(gate);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.textContent = gettext('Checking the password\u2026');
      fetch(root.dataset.unlockUrl, {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
        body: JSON.stringify({password: password.value})
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.detail || String(response.status)); }
          session.locked = false;
          state.session.locked = false;
          persist();
          gate.close();
          gate.remove();
          setInputsDisabled(false);
          refreshSession();
          send();
        });
      }).catch(function (failure) { password.value = ''; error.textContent = failure.message; });
    });
    gate.showModal();
    password.focus();
  }

  // ---------------------------------------------------------------- the host's own submit button

  // The host's "submit" (marked data-offline-delivery-submit) must not close the attempt before the last answers
  // have reached the server: hold the click, send, and let it through only once nothing is pending.
  function guardSubmit() {
    var submit = document.querySelector('[data-offline-delivery-submit]');
    if (!submit) { return; }
    var flushed = false;
    submit.addEventListener('click', function (event) {
      if (flushed) { flushed = false; return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      makeSnapshot(false).then(send).then(function () {
        if (pendingCount() === 0) {
          flushed = true;
          submit.click();
        } else {
          showProblem(gettext('Your latest answers have not reached the server yet. Wait for the connection, ' +
                              'or ask an invigilator to save the delivery as a file.'));
        }
      });
    }, true);
  }

  // ---------------------------------------------------------------- self-delivery when back online

  // The newest saved file, if nothing was typed after it was saved (a file older than the answers is
  // superseded: the server would rightly refuse it, and the answers reach the server by saving anyway).
  function undelivered() {
    var entry = state.deliveries.filter(function (e) { return !e.delivered; }).slice(-1)[0];
    return entry && entry.seq === state.seq && !state.dirty ? entry : null;
  }

  // A device back online that holds a saved file offers to deliver it (the iPad case: no USB stick needed).
  function offerUndelivered() {
    var entry = undelivered();
    if (!entry || !root.dataset.deliveryUrl || (ui.offer && !ui.offer.hidden)) { return; }
    if (!ui.offer) {
      ui.offer = el('div', {'class': 'od-offer', role: 'region', 'aria-label': gettext('Saved delivery file')});
      root.appendChild(ui.offer);
    }
    ui.offer.textContent = '';
    ui.offer.appendChild(el('p', {text: interpolate(gettext(
      'This device holds a saved delivery file (receipt code %(receipt)s) that has not reached the exam server.'
    ), {receipt: entry.receipt}, true)}));
    var button = el('button', {type: 'button', text: gettext('Deliver the saved file now')});
    var result = el('p', {'class': 'od-offer-result', role: 'status', 'aria-live': 'polite'});
    button.addEventListener('click', function () { deliverSaved(entry, button, result); });
    ui.offer.appendChild(button);
    ui.offer.appendChild(result);
    ui.offer.hidden = false;
  }

  function deliverSaved(entry, button, result) {
    button.disabled = true;
    result.textContent = gettext('Delivering\u2026');
    fetch(root.dataset.deliveryUrl, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: {'Content-Type': 'application/octet-stream', 'X-CSRFToken': csrfToken()},
      body: unb64url(entry.file)
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || String(response.status)); }
        entry.delivered = true;
        state.closedOnServer = true;
        state.finalised = true;
        state.deliveredReceipt = body.receipt;
        setInputsDisabled(true);
        tellWorker('forget');
        return persist().then(function () {
          result.textContent = interpolate(gettext(
            'Delivered. The exam server confirms receipt code %(receipt)s.'), {receipt: body.receipt}, true);
          result.setAttribute('data-delivered', 'true');
          showDelivered();
        });
      });
    }).catch(function (error) {
      button.disabled = false;
      result.textContent = gettext('Not delivered:') + ' ' + error.message;
    });
  }

  // ---------------------------------------------------------------- opening the page again without a network

  function pageUrls() {
    var urls = [window.location.href.split('#')[0]];
    document.querySelectorAll('script[src], link[rel="stylesheet"][href]').forEach(function (node) {
      urls.push(new URL(node.getAttribute('src') || node.getAttribute('href'), window.location.href).href);
    });
    return urls;
  }

  // A locked session (a reopened attempt before the invigilator typed the password) carries no exam key: once the
  // attempt is unlocked the page asks for the full session, and again with every contact until it has it.
  function refreshSession() {
    if (session.kid) { return Promise.resolve(); }
    return fetch(root.dataset.sessionUrl, {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (fetched) {
      if (!fetched || fetched.locked || !fetched.kid) { return undefined; }
      state.session = fetched;
      session = fetched;
      return persist();
    }).catch(function () { /* offline: asked again with the next contact */ });
  }

  function tellWorker(type) {
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
  function keepPageForOffline() {
    if (!navigator.serviceWorker || !root.dataset.serviceWorkerUrl) { return; }
    navigator.serviceWorker.register(root.dataset.serviceWorkerUrl, {scope: '/'})
      .then(function () { return tellWorker(state.closedOnServer ? 'forget' : 'keep'); })
      .catch(function () { /* no worker: answers are still safe in IndexedDB */ });
  }

  // ---------------------------------------------------------------- start

  function restoreInputs() {
    itemElements().forEach(function (block) {
      names(block).forEach(function (name) {
        var key = keyOf(block, name);
        if (Object.prototype.hasOwnProperty.call(state.answers, key)) {
          writeField(block, name, state.answers[key]);
        } else {
          state.answers[key] = readField(block, name);
        }
      });
    });
  }

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
      state = stored;
      if (fetched) { state.session = fetched; state.closedOnServer = false; }
    } else {
      state = freshState(fetched);
    }
    session = state.session;
    if (fetched || !state.deadlineLocal) {
      // The server's clock minus this device's, measured now: the deadline moves onto this clock, and the offset
      // goes into the file so that the server can read the file's times on its own clock.
      state.clockOffsetMs = session.server_time_ms - Date.now();
      state.deadlineLocal = Date.now() + (session.deadline_ms - session.server_time_ms);
    }
    if (fetched) { state.lastContact = Date.now(); }
    buildUi();
    restoreInputs();
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

  Promise.all([
    fetch(root.dataset.sessionUrl, {credentials: 'same-origin', cache: 'no-store'})
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
}());
