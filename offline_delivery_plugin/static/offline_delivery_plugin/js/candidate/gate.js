/*
 * A reopened attempt waits for the invigilator. The exam was opened for resubmission: the answers are back, but
 * writing continues only after an invigilator types the password, checked by the server (which limits and records
 * every try).
 */
import {el} from '../shared/dom.js';
import {post, readJson} from '../shared/http.js';
import {gettext} from '../shared/i18n.js';
import {setInputsDisabled} from './answers.js';
import {root, session, state} from './page.js';
import {showModalNear} from './save-as-file.js';
import {refreshSession, send} from './server.js';
import {persist} from './store.js';

export function lockUntilInvigilator() {
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
    post(root.dataset.unlockUrl, {password: password.value}).then(readJson).then(function () {
      session.locked = false;
      state.session.locked = false;
      persist();
      gate.close();
      gate.remove();
      setInputsDisabled(false);
      refreshSession();
      send();
    }).catch(function (failure) { password.value = ''; error.textContent = failure.message; });
  });
  showModalNear(gate);
  password.focus();
}
