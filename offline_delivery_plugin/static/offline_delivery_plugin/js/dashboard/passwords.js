/*
 * The exams' invigilator passwords: set or changed through the REST API. The password leaves the field on submit
 * and is never shown again.
 */
import {CROCKFORD_BASE32} from '../shared/format.js';
import {post} from '../shared/http.js';
import {gettext} from '../shared/i18n.js';

// A suggested invigilator password: 16 random characters of Crockford's base32 (no I, L, O or U to misread) in
// groups of four, 80 bits: far beyond what a candidate holding the page's verifier can guess.
function suggestPassword() {
  var bytes = crypto.getRandomValues(new Uint8Array(16));
  var groups = [];
  for (var i = 0; i < 16; i += 4) {
    groups.push(Array.prototype.map.call(bytes.slice(i, i + 4), function (b) {
      return CROCKFORD_BASE32[b % 32];
    }).join(''));
  }
  return groups.join('-');
}

/** Every exam's password form in ``root``: Suggest fills the field, submit saves. */
export function setUpPasswordForms(root) {
  Array.prototype.forEach.call(root.querySelectorAll('.password-form'), function (form) {
    var suggest = form.querySelector('.password-suggest');
    if (suggest) {
      suggest.addEventListener('click', function () {
        var field = form.querySelector('input[name=password]');
        field.type = 'text';  // shown, so that it can be written down for the invigilators
        field.value = suggestPassword();
        field.focus();
        field.select();
      });
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var field = form.querySelector('input[name=password]');
      var result = form.querySelector('.password-result');
      var password = field.value;
      field.value = '';
      field.type = 'password';
      result.textContent = gettext('Saving…');
      post(form.dataset.url, {password: password}, root).then(function (response) {
        if (response.ok) {
          result.textContent = gettext('The new invigilator password is set. Candidates who start from now on ' +
                                       'get it; give it to the invigilators.');
          form.querySelector('.password-state').textContent = gettext('Set just now by you.');
          return;
        }
        return response.json().then(function (data) { result.textContent = data.detail || String(response.status); });
      }).catch(function () { result.textContent = gettext('Not saved: no connection. Try again.'); });
    });
  });
}
