/*
 * The Monitor's table: every candidate of the exam with their state, last save, time left and receipt code, and
 * the actions on their attempt; refreshed from the server every few seconds.
 */
import {el} from '../shared/dom.js';
import {formatDuration, formatTimeOfDay} from '../shared/format.js';
import {getJson} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';
import {checkIn, openReopen, openReview, showAnswers} from './dialogs.js';
import {messages, root} from './page.js';
import {upload} from './uploads.js';

var STATES = {
  not_started: gettext('Not started'),
  awaiting_check_in: gettext('Waiting for check-in'),
  checked_in: gettext('Checked in'),
  writing: gettext('Writing'),
  connection_lost: gettext('Connection lost'),
  submitted_online: gettext('Submitted online'),
  delivered_offline: gettext('Delivered offline'),
  reopened: gettext('Opened for resubmission')
};

/** The proctored session's result of an attempt the hall reviewed (edx-proctoring's status after the review). */
var REVIEWED = {
  verified: gettext('Satisfactory'),
  rejected: gettext('Unsatisfactory'),
  second_review_required: gettext('Second review')
};

/** What the candidate's newest request showed of Safe Exam Browser, at an exam that requires it. */
var SEB = {
  config_key: gettext('Yes: the exam\u2019s settings'),
  browser_exam_key: gettext('Yes: a known Browser Exam Key'),
  no_key: gettext('No: not in Safe Exam Browser'),
  wrong_key: gettext('No: other SEB settings'),
  '': '\u2014'
};

var onsite = false;

function summary() { return root.querySelector('.monitor-summary'); }

function stateText(row) {
  var text = STATES[row.state] || row.state;
  return REVIEWED[row.proctoring_status] ? text + ' \u00b7 ' + REVIEWED[row.proctoring_status] : text;
}

function left(seconds) { return seconds === null ? '\u2014' : formatDuration(seconds); }

function render(data) {
  var counts = {};
  onsite = Boolean(data.exam.onsite);
  var seb = Boolean(data.exam.safe_exam_browser);
  root.querySelector('.monitor-table th.seb-column').hidden = !seb;
  var body = root.querySelector('.monitor-table tbody');
  body.textContent = '';
  data.rows.forEach(function (row) {
    counts[row.state] = (counts[row.state] || 0) + 1;
    var tr = el('tr', {'data-user': row.username, 'class': 'state-' + row.state});
    tr.appendChild(el('th', {scope: 'row'}, [
      el('span', {'class': 'name', text: row.full_name || row.username}),
      el('span', {'class': 'username', text: ' (' + row.username + ')'})]));
    tr.appendChild(el('td', {'class': 'state', text: stateText(row)}));
    tr.appendChild(el('td', {text: row.last_save_seq === null ? '\u2014'
      : formatTimeOfDay(row.last_save_at) + ' (#' + row.last_save_seq + ')'}));
    tr.appendChild(el('td', {text: left(row.seconds_left)}));
    tr.appendChild(el('td', {'class': 'receipt', text: row.receipt || '\u2014'}));
    if (seb) {
      tr.appendChild(el('td', {'class': 'seb seb-' + (row.seb_verdict || 'none'),
                               text: SEB[row.seb_verdict] || row.seb_verdict}));
    }
    var actions = el('td', {'class': 'actions'});
    var name = row.full_name || row.username;
    if (row.attempt_id && onsite && row.state === 'awaiting_check_in' && root.dataset.canCheckIn === 'true') {
      actions.appendChild(rowButton('check-in btn-primary', gettext('Check in'),
                                    interpolate(gettext('Check in %(name)s'), {name: name}, true),
                                    function () { checkIn(row); }));
    }
    if (row.attempt_id && onsite && root.dataset.canReview === 'true' &&
        (row.state === 'submitted_online' || row.state === 'delivered_offline')) {
      actions.appendChild(rowButton('review', gettext('Record the hall\'s result'),
                                    interpolate(gettext('Record the hall\'s result: %(name)s'), {name: name}, true),
                                    function () { openReview(row); }));
    }
    if (row.attempt_id && !(onsite && proctoringPreStart(row))) {
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
        actions.appendChild(rowButton('reopen', gettext('Open for resubmission'),
                                      interpolate(gettext('Open for resubmission: %(name)s'),
                                                  {name: row.full_name || row.username}, true),
                                      function () { openReopen(row); }));
      }
      actions.appendChild(rowButton('view-answers', gettext('View answers'),
                                    interpolate(gettext('View answers of %(name)s'),
                                                {name: row.full_name || row.username}, true),
                                    function () { showAnswers(row); }));
    }
    if (messages[row.user_id]) {
      actions.appendChild(el('p', {'class': messages[row.user_id].ok ? 'upload-ok' : 'upload-refused',
                                   role: 'status', text: messages[row.user_id].text}));
    }
    tr.appendChild(actions);
    body.appendChild(tr);
  });
  summary().textContent = Object.keys(STATES).filter(function (s) { return counts[s]; }).map(function (s) {
    return STATES[s] + ': ' + counts[s];
  }).join(' \u00b7 ');
}

/** An on-site attempt that has not started: nothing to upload, answer or reopen yet, only the check-in. */
function proctoringPreStart(row) { return row.state === 'awaiting_check_in' || row.state === 'checked_in'; }

var busy = false;

/** The table anew from the server, unless someone is in the middle of something on it. */
/** A row's secondary button: its text, the label naming the candidate for screen readers, what a click does. */
function rowButton(className, text, label, onClick) {
  var button = el('button', {type: 'button', 'class': 'btn btn-secondary ' + className, text: text});
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

export function refresh() {
  // A refresh never replaces the table while a file is being chosen or the answers are open.
  if (busy || document.querySelector('dialog[open]') ||
      (document.activeElement && document.activeElement.type === 'file') ||
      (document.activeElement && document.activeElement.classList.contains('upload-input'))) { return; }
  busy = true;
  getJson(root.dataset.dataUrl).then(render)
    .catch(function () { summary().textContent = gettext('The Monitor cannot reach the server; retrying.'); })
    .then(function () { busy = false; root.setAttribute('data-loaded', 'true'); });
}
