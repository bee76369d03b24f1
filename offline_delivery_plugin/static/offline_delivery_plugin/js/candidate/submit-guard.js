/*
 * The host's own submit button (marked data-offline-delivery-submit) must not close the attempt before the last
 * answers have reached the server: hold the click, send, and let it through only once nothing is pending.
 */
import {gettext} from '../shared/i18n.js';
import {makeSnapshot, pendingCount} from './chain.js';
import {send} from './server.js';
import {showProblem} from './ui.js';

export function guardSubmit() {
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
