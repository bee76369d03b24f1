/*
 * The script of the course's "Offline delivery & proctoring" tab (a classic <script src>: the tab's fragment, or
 * dashboard.html). The tab itself is native ES modules, no build step: dashboard/main.js and what it imports from
 * dashboard/ and shared/. This script only adds the <script type="module"> for main.js, resolved against its own
 * URL; like candidate.js, a module script element so that the page's load event waits for the modules.
 */
(function () {
  'use strict';

  var script = document.createElement('script');
  script.type = 'module';
  script.src = new URL('dashboard/main.js', document.currentScript.src).href;
  document.head.appendChild(script);
}());
