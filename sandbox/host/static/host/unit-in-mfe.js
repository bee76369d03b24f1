/*
 * A unit page in the learning MFE's iframe tells the MFE its height, as the LMS's render_xblock pages do
 * ({type: 'plugin.resize', payload: {height}}, which frontend-app-learning's ContentIFrame listens for).
 */
(function () {
  'use strict';
  if (window.parent === window) { return; }
  var last = 0;
  function report() {
    var height = document.documentElement.scrollHeight;
    if (height !== last) {
      last = height;
      window.parent.postMessage({type: 'plugin.resize', payload: {width: document.documentElement.scrollWidth,
                                                                   height: height}}, '*');
    }
  }
  new ResizeObserver(report).observe(document.body);
  window.addEventListener('load', report);
}());
