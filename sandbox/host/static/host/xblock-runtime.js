/*
 * The sandbox's client-side XBlock runtime: constructs every rendered block's init function as the LMS's XBlock
 * runtime does (``constructBlock`` in common/static/js/xblock/core.js, openedx/edx-platform at 1ad6ea0b): with
 * ``new``, the arguments (runtime, element, init args), the block's element, name and type set on the result.
 */
(function () {
  'use strict';
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }
  var runtime = {
    handlerUrl: function (element, handlerName) { return element.dataset.handlerPrefix + handlerName + '/'; },
    csrfToken: csrfToken,
    gettext: function (text) { return window.gettext ? window.gettext(text) : text; }
  };
  window.SandboxRuntime = runtime;

  function initArgs(element) {
    var args = element.querySelector(':scope > .xblock-json-init-args, :scope > .xblock_json_init_args');
    if (!args) { return {}; }
    args.remove();
    return JSON.parse(args.textContent || '{}');
  }

  document.querySelectorAll('[data-usage][data-init]').forEach(function (element) {
    var init = window[element.dataset.init];
    if (typeof init !== 'function') { return; }
    var args = [runtime, element, initArgs(element)];
    function Block() { return init.apply(this, args); }
    Block.prototype = init.prototype;
    try {
      var block = new Block();
      block.element = element;
      block.type = element.dataset.blockType;
      element.classList.add('xblock-initialized');
    } catch (error) {
      // One block's script failing must not stop the others (the LMS's runtime starts each on its own).
      window.console.error('The script of', element.dataset.usage, 'failed:', error);
    }
  });
})();
