/* The sandbox's client-side XBlock runtime: starts every rendered block's init function. */
(function () {
  'use strict';
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }
  var runtime = {
    handlerUrl: function (element, handlerName) { return element.dataset.handlerPrefix + handlerName + '/'; },
    csrfToken: csrfToken,
    gettext: function (text) { return text; }
  };
  window.SandboxRuntime = runtime;
  document.querySelectorAll('[data-usage][data-init]').forEach(function (element) {
    var init = window[element.dataset.init];
    if (typeof init === 'function') { init(runtime, element); }
  });
})();
