/*
 * The course's "Offline delivery & proctoring" tab (its own page, or a section of the legacy Instructor
 * Dashboard): invigilator passwords, Safe Exam Browser, the hall roles, learners' requests, allowances from a CSV file, and the
 * results report, each through the REST API. dashboard.js (the tab's script) imports this module; it starts the tab.
 */
import {setUpAllowancesCsv} from './allowances.js';
import {setUpHallRoles} from './hall-roles.js';
import {setUpPasswordForms} from './passwords.js';
import {setUpReports} from './reports.js';
import {setUpRequestDecisions} from './requests.js';
import {setUpSafeExamBrowser} from './safe-exam-browser.js';

var root = document.getElementById('offline-delivery-dashboard');
if (root) {
  setUpPasswordForms(root);
  setUpHallRoles(root);
  setUpSafeExamBrowser(root);
  setUpRequestDecisions(root);
  setUpAllowancesCsv(root);
  setUpReports(root);
  // Rendered disabled (and the forms as POST), so that nothing is sent, and no password lands in a URL, before
  // the handlers above are attached: a module runs after the page has shown.
  Array.prototype.forEach.call(root.querySelectorAll('[data-needs-script]'), function (control) {
    control.disabled = false;
  });
  root.setAttribute('data-ready', 'true');
}
