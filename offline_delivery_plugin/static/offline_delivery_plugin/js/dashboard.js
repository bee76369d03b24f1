/*
 * The course's "Offline delivery & proctoring" tab: sets and changes the exams' invigilator passwords through the
 * REST API. The password leaves the field on submit and is never shown again. Plain JavaScript.
 */
(function () {
  'use strict';

  var root = document.getElementById('offline-delivery-dashboard');
  if (!root) { return; }
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, name) { return String(obj[name]); });
  };

  function csrfToken() {
    var field = root.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  // Every change this tab makes: a POST with the session and the CSRF token; a plain object goes as JSON.
  function post(url, body) {
    var headers = {'X-CSRFToken': csrfToken()};
    var json = body !== undefined && !(body instanceof FormData);
    if (json) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, {method: 'POST', credentials: 'same-origin', headers: headers,
                       body: json ? JSON.stringify(body) : body});
  }

  // A suggested invigilator password: 16 random characters of Crockford's base32 (no I, L, O or U to misread) in
  // groups of four, 80 bits: far beyond what a candidate holding the page's verifier can guess.
  function suggestPassword() {
    var alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    var groups = [];
    for (var i = 0; i < 16; i += 4) {
      groups.push(Array.prototype.map.call(bytes.slice(i, i + 4), function (b) { return alphabet[b % 32]; }).join(''));
    }
    return groups.join('-');
  }

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
      post(form.dataset.url, {password: password}).then(function (response) {
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

  // Decisions on learners' requests: the clicked button says approve or deny; the row then says what happened.
  var requests = root.querySelector('.requests');
  Array.prototype.forEach.call(root.querySelectorAll('.request-decision'), function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var approve = event.submitter ? event.submitter.value === 'true' : true;
      var result = form.querySelector('.decision-result');
      var body = {approve: approve, note: form.querySelector('[name=note]').value};
      var minutes = form.querySelector('[name=minutes]');
      var multiplier = form.querySelector('[name=multiplier]');
      var text = form.querySelector('[name=allowance_text]');
      var confirmBox = form.querySelector('[name=confirm_clearing]');
      if (minutes && minutes.value) { body.minutes = Number(minutes.value); }
      if (multiplier && multiplier.value) { body.multiplier = Number(multiplier.value); }
      if (text) { body.allowance_text = text.value; }
      if (confirmBox) { body.confirm_clearing = confirmBox.checked; }
      var url = requests.dataset.decisionUrl.replace(/\/0\/decision\/$/, '/' + form.dataset.requestId + '/decision/');
      result.textContent = gettext('Saving…');
      post(url, body).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { result.textContent = data.detail || String(response.status); return; }
          var said = data.status === 'approved' ? gettext('Approved.') : gettext('Denied.');
          if (data.granted) { said += ' ' + data.granted; }
          if (data.allowed_time) {
            said += ' ' + interpolate(gettext('The learner\'s time is now %(time)s.'), {time: data.allowed_time}, true);
          }
          result.textContent = said;
          Array.prototype.forEach.call(form.querySelectorAll('input, textarea, button'), function (field) {
            field.disabled = true;
          });
        });
      }).catch(function () { result.textContent = gettext('Not saved: no connection. Try again.'); });
    });
  });

  var csv = root.querySelector('.bulk-allowances');
  if (csv) {
    var input = csv.querySelector('input[type=file]');
    var list = csv.querySelector('.csv-results');
    input.addEventListener('change', function () {
      if (!input.files.length) { return; }
      var data = new FormData();
      data.append('file', input.files[0]);
      list.textContent = '';
      post(csv.dataset.url, data).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            list.appendChild(el('li', 'csv-refused', body.detail || String(response.status)));
            return;
          }
          body.results.forEach(function (line) {
            list.appendChild(el('li', line.ok ? 'csv-ok' : 'csv-refused', interpolate(
              gettext('Line %(line)s: %(message)s'), {line: line.line, message: line.message}, true)));
          });
        });
      }).catch(function () { list.appendChild(el('li', 'csv-refused', gettext('Not saved: no connection. Try again.'))); })
        .then(function () { input.value = ''; });
    });
  }

  // The results report: generate, follow the Pending Tasks, download through links that last 5 minutes. Links
  // shown longer than that are taken off the page (the server refuses them anyway). The status line follows the
  // report this page asked for: "being generated" until its link (or its failure) shows below.
  var reports = root.querySelector('.reports');
  if (reports) {
    var reportList = reports.querySelector('.report-list');
    var tasks = reports.querySelector('.report-tasks');
    var reportStatus = reports.querySelector('.report-status');
    var poll = null;
    var linksExpire = null;
    var requested = null;
    var loadReports = function () {
      fetch(reports.dataset.url, {credentials: 'same-origin'}).then(function (response) { return response.json(); })
        .then(function (data) {
          reportList.textContent = '';
          tasks.textContent = '';
          var running = false;
          data.reports.forEach(function (report) {
            if (report.report_id === requested && (report.status === 'done' || report.status === 'failed')) {
              requested = null;
              reportStatus.textContent = report.status === 'done' ? gettext('The report is ready: download it below.')
                : gettext('A report failed; generate it again.');
            }
            if (report.status === 'done') {
              var item = document.createElement('li');
              var link = document.createElement('a');
              link.href = report.download_url;
              link.textContent = report.file_name;
              link.className = 'report-link';
              item.appendChild(link);
              reportList.appendChild(item);
            } else if (report.status === 'failed') {
              reportList.appendChild(el('li', 'csv-refused', gettext('A report failed; generate it again.')));
            } else {
              running = true;
              tasks.appendChild(el('li', 'report-task', interpolate(gettext(
                'Proctored exam results report: %(done)s of %(total)s attempts'),
                {done: report.done, total: report.total || '?'}, true)));
            }
          });
          if (!tasks.childNodes.length) { tasks.appendChild(el('li', 'report-task', gettext('None.'))); }
          if (!reportList.childNodes.length) { reportList.appendChild(el('li', '', gettext('No report yet.'))); }
          window.clearTimeout(poll);
          if (running) { poll = window.setTimeout(loadReports, 3000); }
          window.clearTimeout(linksExpire);
          linksExpire = window.setTimeout(function () {
            if (requested === null) { reportStatus.textContent = ''; }  // "ready" no more: the links are stale
            Array.prototype.forEach.call(reportList.querySelectorAll('a.report-link'), function (link) {
              var stale = el('span', 'report-stale', link.textContent + ' \u2014 ' +
                             gettext('link expired: reload the page for a new one'));
              link.parentNode.replaceChild(stale, link);
            });
          }, data.links_expire_in * 1000);
        });
    };
    reports.querySelector('.generate-report').addEventListener('click', function () {
      reportStatus.textContent = gettext('Saving…');
      post(reports.dataset.url).then(function (response) {
        if (!response.ok) {
          reportStatus.textContent = String(response.status);
          return;
        }
        return response.json().then(function (report) {
          requested = report.report_id;
          reportStatus.textContent = gettext(
            'The report is being generated. You can leave this page; it appears below when it is ready.');
          loadReports();
        });
      });
    });
    loadReports();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }
}());
