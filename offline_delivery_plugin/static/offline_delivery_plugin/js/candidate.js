/*
 * The candidate page of offline_delivery_plugin, as the LMS adds it to an exam's unit (a classic <script src>).
 * The page itself is native ES modules, no build step: candidate/main.js and what it imports from candidate/ and
 * shared/. This script only adds the <script type="module"> for main.js, resolved against its own URL so that it
 * comes from wherever the static files are served. A module script element, unlike import(), delays the page's
 * load event until the modules have run, as the one classic script did.
 */
(function () {
  'use strict';

  var script = document.createElement('script');
  script.type = 'module';
  script.src = new URL('candidate/main.js', document.currentScript.src).href;
  document.head.appendChild(script);
}());
