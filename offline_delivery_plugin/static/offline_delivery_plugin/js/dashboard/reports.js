/*
 * The results report: generate, follow the Pending Tasks, download through links that last 5 minutes. Links
 * shown longer than that are taken off the page (the server refuses them anyway). The status line follows the
 * report this page asked for: "being generated" until its link (or its failure) shows below.
 */
import {el} from '../shared/dom.js';
import {getJson, post} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';

/** The reports section of ``root``, if it has one. */
export function setUpReports(root) {
  var reports = root.querySelector('.reports');
  if (!reports) { return; }
  var reportList = reports.querySelector('.report-list');
  var tasks = reports.querySelector('.report-tasks');
  var reportStatus = reports.querySelector('.report-status');
  var poll = null;
  var linksExpire = null;
  var requested = null;
  var loadReports = function () {
    getJson(reports.dataset.url).then(function (data) {
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
          reportList.appendChild(el('li', {}, [
            el('a', {href: report.download_url, 'class': 'report-link', text: report.file_name})]));
        } else if (report.status === 'failed') {
          reportList.appendChild(el('li', {'class': 'csv-refused',
                                           text: gettext('A report failed; generate it again.')}));
        } else {
          running = true;
          tasks.appendChild(el('li', {'class': 'report-task', text: interpolate(gettext(
            'Proctored exam results report: %(done)s of %(total)s attempts'),
            {done: report.done, total: report.total || '?'}, true)}));
        }
      });
      if (!tasks.childNodes.length) { tasks.appendChild(el('li', {'class': 'report-task', text: gettext('None.')})); }
      if (!reportList.childNodes.length) { reportList.appendChild(el('li', {text: gettext('No report yet.')})); }
      window.clearTimeout(poll);
      if (running) { poll = window.setTimeout(loadReports, 3000); }
      window.clearTimeout(linksExpire);
      linksExpire = window.setTimeout(function () {
        if (requested === null) { reportStatus.textContent = ''; }  // "ready" no more: the links are stale
        Array.prototype.forEach.call(reportList.querySelectorAll('a.report-link'), function (link) {
          var stale = el('span', {'class': 'report-stale', text: link.textContent + ' \u2014 ' +
                                  gettext('link expired: reload the page for a new one')});
          link.parentNode.replaceChild(stale, link);
        });
      }, data.links_expire_in * 1000);
    });
  };
  reports.querySelector('.generate-report').addEventListener('click', function () {
    reportStatus.textContent = gettext('Saving…');
    post(reports.dataset.url, undefined, root).then(function (response) {
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
