/*
 * The page's bar (timer, status, menu) and its banners: connection lost, a problem, time up, a time warning, a
 * reopened attempt, a delivered exam. ``ui`` holds the elements the other parts of the page write into.
 */
import {el} from '../shared/dom.js';
import {gettext, interpolate} from '../shared/i18n.js';
import {pendingCount} from './chain.js';
import {inMfe, root, session, state} from './page.js';
import {onThisDeviceUrl} from './offline-copy.js';
import {buildDialog, openDialog} from './save-as-file.js';

export var ui = {};

export function buildUi() {
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

export function showLost(lost) {
  if (lost && ui.lost.hidden) {
    ui.lost.textContent = session.connection_lost_message;
    // In the learning MFE, which cannot open again without the network, the way back in after a reload or a crash.
    if (inMfe && onThisDeviceUrl()) {
      ui.lost.appendChild(el('p', {'class': 'od-lost-way-back', text: interpolate(gettext(
        'If this page closes before the connection is back, open %(address)s in this browser.'),
        {address: onThisDeviceUrl()}, true)}));
    }
    ui.lost.hidden = false;
  } else if (!lost && !ui.lost.hidden) {
    ui.lost.hidden = true;
    ui.lost.textContent = '';
  }
}

export function showProblem(text) {
  ui.problem.textContent = text;
  ui.problem.hidden = false;
}

export function updateStatus() {
  if (!ui.status) { return; }
  root.setAttribute('data-acked-seq', String(state.anchor.seq));
  root.setAttribute('data-pending', String(pendingCount()));
  ui.status.textContent = pendingCount() > 0
    ? gettext('Saved on this device; waiting to send to the server.')
    : gettext('All answers saved on the server.');
}

export function showReopened(text) {
  ui.reopened = el('div', {'class': 'od-reopened', role: 'alert'});
  ui.reopened.appendChild(el('p', {text: text}));
  var back = el('button', {type: 'button', 'class': 'btn btn-primary', text: gettext('Go back to the exam')});
  // The way back leads through the exam's own screens (in the learning MFE, the library's "ready to be resumed"):
  // the top window goes to the exam's page, which a framed page may do on the candidate's click.
  back.addEventListener('click', function () {
    var examUrl = root.dataset.examUrl;
    if (!examUrl) { window.location.reload(); return; }
    (inMfe ? window.top : window).location.href = examUrl;
  });
  ui.reopened.appendChild(back);
  root.appendChild(ui.reopened);
}

// The exam is delivered: no clock counts down any more, and nothing offers to end or save it again.
export function showDelivered() {
  ui.timer.hidden = false;
  ui.timer.textContent = interpolate(gettext('Delivered: receipt code %(receipt)s.'),
                                     {receipt: state.deliveredReceipt}, true);
  ui.timer.classList.remove('od-timer-low');
  ui.timeWarning.hidden = true;
  ui.timeUp.hidden = true;
  ui.menuButton.hidden = true;
  var submit = document.querySelector('[data-offline-delivery-submit]');
  if (submit) { submit.hidden = true; }
}
