/*
 * The invigilator Monitor's script (a classic <script src> in monitor.html). The page itself is native ES modules,
 * no build step: monitor/main.js and what it imports from monitor/ and shared/. This script only adds the
 * <script type="module"> for main.js, resolved against its own URL; like candidate.js, a module script element so
 * that the page's load event waits for the modules.
 */
(function () {
  'use strict';

  var script = document.createElement('script');
  script.type = 'module';
  script.src = new URL('monitor/main.js', document.currentScript.src).href;
  document.head.appendChild(script);
}());
