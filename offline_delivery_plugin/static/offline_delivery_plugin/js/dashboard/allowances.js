/*
 * Allowances for many learners at once: a CSV file, one result line per line of it.
 */
import {el} from '../shared/dom.js';
import {post} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';

/** The CSV section of ``root``, if it has one: choosing a file uploads it. */
export function setUpAllowancesCsv(root) {
  var csv = root.querySelector('.bulk-allowances');
  if (!csv) { return; }
  var input = csv.querySelector('input[type=file]');
  var list = csv.querySelector('.csv-results');
  input.addEventListener('change', function () {
    if (!input.files.length) { return; }
    var data = new FormData();
    data.append('file', input.files[0]);
    list.textContent = '';
    post(csv.dataset.url, data, root).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          list.appendChild(el('li', {'class': 'csv-refused', text: body.detail || String(response.status)}));
          return;
        }
        body.results.forEach(function (line) {
          list.appendChild(el('li', {'class': line.ok ? 'csv-ok' : 'csv-refused', text: interpolate(
            gettext('Line %(line)s: %(message)s'), {line: line.line, message: line.message}, true)}));
        });
      });
    }).catch(function () {
      list.appendChild(el('li', {'class': 'csv-refused', text: gettext('Not saved: no connection. Try again.')}));
    }).then(function () { input.value = ''; });
  });
}
