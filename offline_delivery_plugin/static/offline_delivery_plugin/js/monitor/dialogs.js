/*
 * The Monitor's dialogs and row actions: the answers the server holds for a candidate, opening an attempt for
 * resubmission, and at an on-site exam the check-in and the hall's result.
 */
import {el} from '../shared/dom.js';
import {getJson, post, readJson} from '../shared/http.js';
import {gettext, interpolate, ngettext} from '../shared/i18n.js';
import {apiUrl, messages, root} from './page.js';
import {refresh} from './table.js';

export function showAnswers(row) {
  var dialog = document.getElementById('answers-dialog');
  var table = dialog.querySelector('tbody');
  dialog.querySelector('#answers-title').textContent = interpolate(gettext('Answers of %(name)s'),
                                                                    {name: row.full_name || row.username}, true);
  table.textContent = '';
  getJson(apiUrl(row, 'answers')).then(function (data) {
    data.items.forEach(function (item) {
      var tr = el('tr', {'class': item.changed_offline ? 'changed-offline' : ''});
      var name = el('th', {scope: 'row', text: item.display_name});
      if (item.question) { name.appendChild(el('p', {'class': 'question', text: item.question})); }
      tr.appendChild(name);
      // A problem's answer as the candidate saw it (the choice's text; nothing for "Select an option"); any other
      // item's as it was typed.
      var readable = Boolean(item.question);
      var value = readable ? item.value_text : item.value;
      var held = el('td', {text: value});
      if (item.not_applied) {
        held.appendChild(el('p', {'class': 'not-applied', text: interpolate(
          gettext('The question says: %(reason)s'), {reason: item.not_applied}, true)}));
      }
      tr.appendChild(held);
      var online = item.changed_offline ? (readable ? item.online_text : item.online_value) :
        (value ? gettext('(the same)') : '');
      tr.appendChild(el('td', {text: online || '\u2014'}));
      table.appendChild(tr);
    });
  });
  dialog.showModal();
  dialog.querySelector('.close-dialog').focus();
}

export function openReopen(row) {
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
  getJson(apiUrl(row, 'reopen')).then(function (data) {
    if (dialog.currentOpening !== opening) { return; }
    if (!opening.typed) { minutes.value = String(data.suggested_extra_minutes); }
    dialog.querySelector('.reopen-suggestion').textContent = interpolate(ngettext(
      'Suggested: %(minutes)s minute (the time the candidate was offline).',
      'Suggested: %(minutes)s minutes (the time the candidate was offline).', data.suggested_extra_minutes),
      {minutes: data.suggested_extra_minutes}, true);
  });
  dialog.querySelector('form').onsubmit = function (event) {
    event.preventDefault();
    post(apiUrl(row, 'reopen'), {extra_minutes: Number(minutes.value), reason: reason.value}, root)
      .then(readJson).then(function (data) {
        messages[row.user_id] = {ok: true, text: interpolate(gettext(
          'Opened for resubmission with %(minutes)s minutes. The candidate continues after the invigilator ' +
          'password.'), {minutes: Math.round(data.seconds_granted / 60)}, true)};
        dialog.close();
        refresh();
      }).catch(function (failure) { error.textContent = failure.message; });
  };
  dialog.showModal();
  minutes.focus();
}

/** An invigilator confirms the candidate (identity and seat checked): their attempt is ready to start. */
export function checkIn(row) {
  post(apiUrl(row, 'check-in'), {}, root).then(readJson).then(function () {
    messages[row.user_id] = {ok: true, text: gettext('Checked in: the candidate can select Start Exam.')};
  }).catch(function (failure) {
    messages[row.user_id] = {ok: false, text: failure.message};
  }).then(refresh);
}

/** The chief invigilator's incident record for one candidate: it becomes the proctored session's result. */
export function openReview(row) {
  var dialog = document.getElementById('review-dialog');
  var note = dialog.querySelector('#review-note');
  var error = dialog.querySelector('.review-error');
  dialog.querySelector('#review-title').textContent = interpolate(gettext('The hall\'s result: %(name)s'),
                                                                   {name: row.full_name || row.username}, true);
  dialog.querySelector('#review-satisfactory').checked = true;
  note.value = '';
  error.textContent = '';
  dialog.querySelector('form').onsubmit = function (event) {
    event.preventDefault();
    var outcome = dialog.querySelector('input[name="outcome"]:checked').value;
    post(apiUrl(row, 'hall-review'), {outcome: outcome, note: note.value}, root).then(readJson).then(function () {
      messages[row.user_id] = {ok: true, text: gettext('The result is recorded.')};
      dialog.close();
      refresh();
    }).catch(function (failure) { error.textContent = failure.message; });
  };
  dialog.showModal();
  dialog.querySelector('#review-satisfactory').focus();
}

/** Every dialog's Close button closes it. */
export function closeDialogsOnClose() {
  document.querySelectorAll('.close-dialog').forEach(function (button) {
    button.addEventListener('click', function () { button.closest('dialog').close(); });
  });
}
