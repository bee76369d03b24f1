/*
 * Safe Exam Browser per exam: course staff turn it on and set the hall's few SEB settings through the REST API
 * (safe-exam-browser/); the answer gives the new Config Key and the links, shown at once.
 */
import {put, readJson} from '../shared/http.js';
import {gettext} from '../shared/i18n.js';

function lines(text) {
  return text.split('\n').map(function (line) { return line.trim(); }).filter(Boolean);
}

function errorText(body) {
  var errors = body.errors || {};
  return [body.detail].concat(Object.keys(errors).map(function (name) { return errors[name]; }))
    .filter(Boolean).join(' ');
}

/** The SEB form of each exam in ``root``, if the user may change them. */
export function setUpSafeExamBrowser(root) {
  Array.prototype.forEach.call(root.querySelectorAll('.seb-form'), function (form) {
    var result = form.querySelector('.seb-result');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = {
        required: form.querySelector('input[name=required]').checked,
        download_directory_win: form.querySelector('input[name=download_directory_win]').value.trim(),
        download_directory_mac: form.querySelector('input[name=download_directory_mac]').value.trim(),
        allowed_sites: lines(form.querySelector('textarea[name=allowed_sites]').value),
        browser_exam_keys: lines(form.querySelector('textarea[name=browser_exam_keys]').value)
      };
      var password = form.querySelector('input[name=quit_password]');
      var removePassword = form.querySelector('input[name=remove_quit_password]');
      if (password.value) { body.quit_password = password.value; }
      else if (removePassword && removePassword.checked) { body.quit_password = ''; }
      result.textContent = gettext('Saving…');
      put(form.dataset.url, body, root).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) { throw new Error(errorText(answer) || String(response.status)); }
          return answer;
        });
      }).then(function (exam) {
        password.value = '';
        form.querySelector('.seb-config-key').textContent = exam.config_key;
        form.querySelector('.seb-quit-state').textContent = exam.quit_password_set
          ? gettext('A quit password is set.') : gettext('No quit password: SEB quits without one.');
        form.querySelector('.seb-links').hidden = !exam.required;
        result.textContent = exam.required
          ? gettext('Saved. Candidates need Safe Exam Browser with this exam\u2019s settings.')
          : gettext('Saved. The exam does not require Safe Exam Browser.');
      }).catch(function (error) {
        result.textContent = error instanceof TypeError ? gettext('Not saved: no connection. Try again.')
          : error.message;
      });
    });
  });
}
