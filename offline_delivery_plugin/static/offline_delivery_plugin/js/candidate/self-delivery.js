/*
 * Self-delivery when back online: a device that holds a saved file offers to deliver it (the iPad case: no USB
 * stick needed).
 */
import {el} from '../shared/dom.js';
import {post, readJson} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';
import {setInputsDisabled} from './answers.js';
import {unb64url} from './crypto.js';
import {tellWorker} from './offline-copy.js';
import {root, state} from './page.js';
import {persist} from './store.js';
import {showDelivered, ui} from './ui.js';

// The newest saved file, if nothing was typed after it was saved (a file older than the answers is
// superseded: the server would rightly refuse it, and the answers reach the server by saving anyway).
function undelivered() {
  var entry = state.deliveries.filter(function (e) { return !e.delivered; }).slice(-1)[0];
  return entry && entry.seq === state.seq && !state.dirty ? entry : null;
}

export function offerUndelivered() {
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
  post(root.dataset.deliveryUrl, unb64url(entry.file)).then(readJson).then(function (body) {
    entry.delivered = true;
    state.closedOnServer = true;
    state.finalised = true;
    state.deliveredReceipt = body.receipt;
    setInputsDisabled(true);
    tellWorker('forget', true);
    return persist().then(function () {
      result.textContent = interpolate(gettext(
        'Delivered. The exam server confirms receipt code %(receipt)s.'), {receipt: body.receipt}, true);
      result.setAttribute('data-delivered', 'true');
      showDelivered();
    });
  }).catch(function (error) {
    button.disabled = false;
    result.textContent = gettext('Not delivered:') + ' ' + error.message;
  });
}
