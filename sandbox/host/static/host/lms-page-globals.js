/*
 * The globals an LMS courseware page gives XBlock scripts, which Open edX's capa script (ProblemBlockDisplay.js
 * from xblocks-contrib) calls. Each stands in for the LMS file named beside it (openedx/edx-platform, read for
 * this at 1ad6ea0b); jQuery and underscore themselves are the real libraries (Django admin's and edx-proctoring's
 * copies), as the LMS loads them before any block script.
 */
(function ($) {
  'use strict';

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  // The LMS sends Django's CSRF token with every same-origin jQuery request (its main template's ajaxSetup).
  $.ajaxSetup({
    beforeSend: function (xhr, settings) {
      if (!/^(GET|HEAD|OPTIONS)$/i.test(settings.type) && !/^[a-z]+:\/\//i.test(settings.url)) {
        xhr.setRequestHeader('X-CSRFToken', csrfToken());
      }
    }
  });

  // common/static/coffee/src/ajax_prefix.js: requests under the site's URL prefix (the sandbox has none).
  $.postWithPrefix = function (url, data, callback, type) { return $.post(url, data, callback, type); };
  $.getWithPrefix = function (url, data, callback, type) { return $.get(url, data, callback, type); };
  $.ajaxWithPrefix = function (url, settings) { return $.ajax(url, settings); };

  // common/static/js/src/logger.js: the LMS posts browser events to /event; the sandbox keeps no browser events.
  window.Logger = {
    log: function () { return $.Deferred().resolve().promise(); },
    listen: function () {},
    bind: function () {}
  };

  // common/static/js/src/string_utils.js.
  window.edx = window.edx || {};
  window.edx.StringUtils = {
    interpolate: function (text, values) {
      return text.replace(/{\w+}/g, function (match) {
        var name = match.slice(1, -1);
        return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : match;
      });
    }
  };

  // common/static/coffee/src/javascript_loader.js: runs the <script> elements a problem's HTML carries; the
  // sandbox's problems carry none (no custom JavaScript responses), so it only calls back.
  window.JavascriptLoader = {
    executeModuleScripts: function (element, callback) { if (callback) { callback(); } },
    setCollapsibles: function () {}
  };

  // common/static/js/src/collapsible.js: the show/hide sections of hints and solutions.
  window.Collapsible = {
    setCollapsibles: function (element) {
      $(element).find('.collapsible header + section').hide();
      $(element).find('.collapsible header a').off('click.sandbox').on('click.sandbox', function (event) {
        event.preventDefault();
        $(this).closest('.collapsible').find('section').first().toggle();
      });
    },
    toggleFull: function () {}
  };

  // common/static/js/src/accessibility_tools.js: SR reads text to screen readers through a live region.
  window.SR = {
    readText: function (text) { window.SR.readTexts([text]); },
    readTexts: function (texts) {
      var region = document.getElementById('reader-feedback');
      if (!region) {
        region = document.createElement('div');
        region.id = 'reader-feedback';
        region.className = 'sr-only';
        region.setAttribute('aria-live', 'polite');
        document.body.appendChild(region);
      }
      region.textContent = (texts || []).join(' ');
    }
  };

  // common/static/js/src/tooltip_manager.js: the clarification tooltips of a problem.
  window.globalTooltipManager = {openTooltip: function () {}, hide: function () {}};
})(window.jQuery);
