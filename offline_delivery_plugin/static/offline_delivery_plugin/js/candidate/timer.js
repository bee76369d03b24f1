/*
 * The countdown: on this device's clock, so it goes on without the network; the warnings at 20 % and 5 % of the
 * learner's time; and the end of the time, which seals the answers.
 *
 * In the learning MFE (the unit is framed by it) the clock and its warnings are frontend-lib-special-exams': the
 * page shows its own countdown only while the connection is lost, where the library cannot ask the server, and
 * never repeats the library's warnings. It still counts, and seals the answers at the deadline, in every case
 * (docs/decisions/0016-one-clock.rst).
 */
import {el} from '../shared/dom.js';
import {formatDuration} from '../shared/format.js';
import {gettext, interpolate, ngettext} from '../shared/i18n.js';
import {setInputsDisabled} from './answers.js';
import {makeSnapshot} from './chain.js';
import {inMfe, session, state} from './page.js';
import {openDialog} from './save-as-file.js';
import {send} from './server.js';
import {persist} from './store.js';
import {showLost, ui} from './ui.js';

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


/** Once a second: the time left, its warnings, the end of the time, and whether the connection is lost. */
export function tick() {
  if (state.deliveredReceipt) { return; }
  var left = secondsLeft();
  var lost = Date.now() - state.lastContact > session.connection_lost_after_seconds * 1000;
  var ownClock = !inMfe || lost || state.finalised;
  ui.timer.hidden = !ownClock;
  var format = gettext('Time left: %(time)s');
  if (inMfe) { format = gettext('Time left (counted on this device): %(time)s'); }
  ui.timer.textContent = ownClock ? interpolate(format, {time: formatDuration(left)}, true) : '';
  if (!inMfe) { warnAboutTime(left); }
  if (left === 0 && !state.finalised) { finalise(); }
  if (lost) { showLost(true); }
}

var finalisedHere = false;

// Time is up: nothing more can be typed; the answers are sealed into a last snapshot, sent if the server can
// be reached, and the file is the way out. Once per page (the start and the first tick may both find it up).
export function finalise() {
  if (finalisedHere) { return; }
  finalisedHere = true;
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
