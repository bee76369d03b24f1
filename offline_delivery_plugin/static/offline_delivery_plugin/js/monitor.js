/*
 * The invigilator Monitor: every candidate of one exam, refreshed every few seconds; upload a candidate's
 * delivery file; view the answers behind it. Plain JavaScript; strings through the plugin's JavaScript catalog.
 */
(function () {
  'use strict';

  var root = document.getElementById('monitor');
  if (!root) { return; }
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, name) { return String(obj[name]); });
  };
  var REFRESH_MS = 5000;
  var STATES = {
    not_started: gettext('Not started'),
    writing: gettext('Writing'),
    connection_lost: gettext('Connection lost'),
    submitted_online: gettext('Submitted online'),
    delivered_offline: gettext('Delivered offline'),
    reopened: gettext('Opened for resubmission')
  };
  var body = root.querySelector('.monitor-table tbody');
  var summary = root.querySelector('.monitor-summary');
  var messages = {};  // user id -> the last upload's result, kept across refreshes

  function csrfToken() {
    var field = root.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function apiUrl(row, what) {
    return root.dataset.dataUrl.replace(/monitor\/$/, 'attempts/' + row.attempt_id + '/' + what + '/');
  }

  function time(value) { return value ? new Date(value).toLocaleTimeString() : '\u2014'; }

  function left(seconds) {
    if (seconds === null) { return '\u2014'; }
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return h + ':' + ('0' + m).slice(-2) + ':' + ('0' + s).slice(-2);
  }

  function upload(row, input, result) {
    var file = input.files[0];
    if (!file) { return; }
    var form = new FormData();
    form.append('file', file);
    result.textContent = gettext('Uploading\u2026');
    fetch(apiUrl(row, 'uploads'), {
      method: 'POST', credentials: 'same-origin', headers: {'X-CSRFToken': csrfToken()}, body: form
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || String(response.status)); }
        var text = interpolate(gettext('Accepted: %(name)s. Receipt code %(receipt)s.'),
                               {name: file.name, receipt: data.receipt}, true);
        if (data.not_applied && data.not_applied.length) {
          text += ' ' + interpolate(ngettext(
            '%(count)s answer could not be put back into its question; it is kept: see View answers.',
            '%(count)s answers could not be put back into their questions; they are kept: see View answers.',
            data.not_applied.length), {count: data.not_applied.length}, true);
        }
        messages[row.user_id] = {ok: true, text: text};
      });
    }).catch(function (error) {
      messages[row.user_id] = {ok: false, text: interpolate(gettext('Refused: %(name)s. %(reason)s'),
                                                            {name: file.name, reason: error.message}, true)};
    }).then(function () { input.value = ''; refresh(); });
  }

  function showAnswers(row) {
    var dialog = document.getElementById('answers-dialog');
    var table = dialog.querySelector('tbody');
    dialog.querySelector('#answers-title').textContent = interpolate(gettext('Answers of %(name)s'),
                                                                      {name: row.full_name || row.username}, true);
    table.textContent = '';
    fetch(apiUrl(row, 'answers'), {credentials: 'same-origin'}).then(function (r) { return r.json(); })
      .then(function (data) {
        data.items.forEach(function (item) {
          var tr = el('tr', {'class': item.changed_offline ? 'changed-offline' : ''});
          tr.appendChild(el('th', {scope: 'row', text: item.display_name}));
          var held = el('td', {text: item.value});
          if (item.not_applied) {
            held.appendChild(el('p', {'class': 'not-applied', text: interpolate(
              gettext('Not put back into the question: %(reason)s'), {reason: item.not_applied}, true)}));
          }
          tr.appendChild(held);
          var online = item.changed_offline ? item.online_value : (item.value ? gettext('(the same)') : '');
          tr.appendChild(el('td', {text: online || '\u2014'}));
          table.appendChild(tr);
        });
      });
    dialog.showModal();
    dialog.querySelector('.close-dialog').focus();
  }

  function openReopen(row) {
    var dialog = document.getElementById('reopen-dialog');
    var minutes = dialog.querySelector('#reopen-minutes');
    var reason = dialog.querySelector('#reopen-reason');
    var error = dialog.querySelector('.reopen-error');
    dialog.querySelector('#reopen-title').textContent = interpolate(gettext('Open for resubmission: %(name)s'),
                                                                     {name: row.full_name || row.username}, true);
    minutes.value = '0';
    reason.value = '';
    error.textContent = '';
    dialog.querySelector('.reopen-suggestion').textContent = '';
    // The suggestion fills the field only while nobody has typed in it, and only for the dialog it was asked for:
    // it never replaces what a person typed.
    var opening = {};
    dialog.currentOpening = opening;
    minutes.oninput = function () { opening.typed = true; };
    fetch(apiUrl(row, 'reopen'), {credentials: 'same-origin'}).then(function (r) { return r.json(); })
      .then(function (data) {
        if (dialog.currentOpening !== opening) { return; }
        if (!opening.typed) { minutes.value = String(data.suggested_extra_minutes); }
        dialog.querySelector('.reopen-suggestion').textContent = interpolate(ngettext(
          'Suggested: %(minutes)s minute (the time the candidate was offline).',
          'Suggested: %(minutes)s minutes (the time the candidate was offline).', data.suggested_extra_minutes),
          {minutes: data.suggested_extra_minutes}, true);
      });
    dialog.querySelector('form').onsubmit = function (event) {
      event.preventDefault();
      fetch(apiUrl(row, 'reopen'), {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
        body: JSON.stringify({extra_minutes: Number(minutes.value), reason: reason.value})
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.detail || String(response.status)); }
          messages[row.user_id] = {ok: true, text: interpolate(gettext(
            'Opened for resubmission with %(minutes)s minutes. The candidate continues after the invigilator ' +
            'password.'), {minutes: Math.round(data.seconds_granted / 60)}, true)};
          dialog.close();
          refresh();
        });
      }).catch(function (failure) { error.textContent = failure.message; });
    };
    dialog.showModal();
    minutes.focus();
  }

  function render(data) {
    var counts = {};
    body.textContent = '';
    data.rows.forEach(function (row) {
      counts[row.state] = (counts[row.state] || 0) + 1;
      var tr = el('tr', {'data-user': row.username, 'class': 'state-' + row.state});
      tr.appendChild(el('th', {scope: 'row'}, [
        el('span', {'class': 'name', text: row.full_name || row.username}),
        el('span', {'class': 'username', text: ' (' + row.username + ')'})]));
      tr.appendChild(el('td', {'class': 'state', text: STATES[row.state] || row.state}));
      tr.appendChild(el('td', {text: row.last_save_seq === null ? '\u2014'
        : time(row.last_save_at) + ' (#' + row.last_save_seq + ')'}));
      tr.appendChild(el('td', {text: left(row.seconds_left)}));
      tr.appendChild(el('td', {'class': 'receipt', text: row.receipt || '\u2014'}));
      var actions = el('td', {'class': 'actions'});
      if (row.attempt_id) {
        if (root.dataset.canUpload === 'true') {
          var id = 'upload-' + row.user_id;
          var input = el('input', {type: 'file', id: id, 'class': 'upload-input'});
          var label = el('label', {'for': id, 'class': 'upload-label',
                                   text: interpolate(gettext('Upload answers for %(name)s'),
                                                     {name: row.full_name || row.username}, true)});
          var result = el('p', {'class': 'upload-result', role: 'status'});
          input.addEventListener('change', function () { upload(row, input, result); });
          actions.appendChild(label);
          actions.appendChild(input);
          actions.appendChild(result);
        }
        if (root.dataset.canReopen === 'true' &&
            (row.state === 'submitted_online' || row.state === 'delivered_offline')) {
          var reopen = el('button', {type: 'button', 'class': 'btn btn-secondary reopen', text: gettext('Open for resubmission')});
          reopen.setAttribute('aria-label', interpolate(gettext('Open for resubmission: %(name)s'),
                                                        {name: row.full_name || row.username}, true));
          reopen.addEventListener('click', function () { openReopen(row); });
          actions.appendChild(reopen);
        }
        var view = el('button', {type: 'button', 'class': 'btn btn-secondary view-answers', text: gettext('View answers')});
        view.setAttribute('aria-label', interpolate(gettext('View answers of %(name)s'),
                                                    {name: row.full_name || row.username}, true));
        view.addEventListener('click', function () { showAnswers(row); });
        actions.appendChild(view);
      }
      if (messages[row.user_id]) {
        actions.appendChild(el('p', {'class': messages[row.user_id].ok ? 'upload-ok' : 'upload-refused',
                                     role: 'status', text: messages[row.user_id].text}));
      }
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    summary.textContent = Object.keys(STATES).filter(function (s) { return counts[s]; }).map(function (s) {
      return STATES[s] + ': ' + counts[s];
    }).join(' \u00b7 ');
  }

  var busy = false;
  function refresh() {
    // A refresh never replaces the table while a file is being chosen or the answers are open.
    if (busy || document.querySelector('dialog[open]') ||
        (document.activeElement && document.activeElement.type === 'file') ||
        (document.activeElement && document.activeElement.classList.contains('upload-input'))) { return; }
    busy = true;
    fetch(root.dataset.dataUrl, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.json(); }).then(render)
      .catch(function () { summary.textContent = gettext('The Monitor cannot reach the server; retrying.'); })
      .then(function () { busy = false; root.setAttribute('data-loaded', 'true'); });
  }

  document.querySelectorAll('.close-dialog').forEach(function (button) {
    button.addEventListener('click', function () { button.closest('dialog').close(); });
  });
  // A whole USB stick: many files, a zip, or a folder; each file finds its own candidate on the server. A request
  // carries at most the server's number of files (Django's DATA_UPLOAD_MAX_NUMBER_FILES): a bigger stick goes up
  // in batches, one after the other, and the results add up in one list.
  var bulk = root.querySelector('.bulk');
  function batchesOf(files) {
    var size = parseInt(bulk.dataset.batchFiles, 10) || files.length;
    var batches = [];
    for (var start = 0; start < files.length; start += size) { batches.push(files.slice(start, start + size)); }
    return batches;
  }
  function bulkUpload(input) {
    if (!input.files.length) { return; }
    var batches = batchesOf(Array.prototype.slice.call(input.files));
    var progress = bulk.querySelector('.bulk-progress');
    var list = bulk.querySelector('.bulk-results');
    var finished = [];  // the result lines of the batches already done
    list.textContent = '';
    var chain = Promise.resolve();
    batches.forEach(function (batch, index) {
      chain = chain.then(function () {
        var form = new FormData();
        batch.forEach(function (file) { form.append('files', file, file.name); });
        progress.textContent = batches.length > 1 ? interpolate(
          gettext('Uploading batch %(batch)s of %(batches)s\u2026'), {batch: index + 1, batches: batches.length}, true)
          : gettext('Uploading\u2026');
        return fetch(bulk.dataset.bulkUrl, {method: 'POST', credentials: 'same-origin',
                                            headers: {'X-CSRFToken': csrfToken()}, body: form});
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.detail || String(response.status)); }
          var later = batches.slice(index + 1).reduce(function (count, next) { return count + next.length; }, 0);
          return poll(bulk.dataset.bulkUrl + data.upload_id + '/', progress, list, finished, later);
        });
      }).then(function (lines) { finished = finished.concat(lines); });
    });
    chain.catch(function (error) { progress.textContent = gettext('Refused:') + ' ' + error.message; })
      .then(function () { input.value = ''; });
  }

  function showLine(list, line) {
    var text = line.file + ': ' + (line.candidate ? line.candidate + ' \u2014 ' : '') +
      (line.outcome === 'accepted' ? interpolate(gettext('accepted, receipt code %(receipt)s'),
                                                 {receipt: line.receipt}, true)
        : line.outcome === 'already_delivered' ? gettext('already delivered')
          : line.outcome === 'duplicate' ? line.detail : gettext('refused:') + ' ' + line.detail);
    list.appendChild(el('li', {'class': 'bulk-' + line.outcome, text: text}));
  }

  // Follows one batch until the server has processed it; resolves to its result lines. The total counts the
  // batches done, this one as the server unpacked it, and the files of the batches still to go (a zip among them
  // counts as one until the server has unpacked it).
  function poll(url, progress, list, finished, later) {
    return fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(function (data) {
        progress.textContent = interpolate(gettext('%(done)s of %(total)s files processed.'), {
          done: finished.length + data.done, total: finished.length + data.total + later}, true);
        list.textContent = '';
        finished.concat(data.results).forEach(function (line) { showLine(list, line); });
        refresh();
        if (data.status !== 'done' && data.status !== 'failed') {
          return new Promise(function (resolve) { window.setTimeout(resolve, 1000); })
            .then(function () { return poll(url, progress, list, finished, later); });
        }
        return data.results;
      });
  }

  if (bulk) {
    ['#bulk-files', '#bulk-folder'].forEach(function (selector) {
      var input = bulk.querySelector(selector);
      input.addEventListener('change', function () { bulkUpload(input); });
    });
  }

  refresh();
  window.setInterval(refresh, REFRESH_MS);
}());
