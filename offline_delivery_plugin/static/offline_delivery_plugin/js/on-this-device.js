/*
 * "Exams on this device" (/offline-delivery/on-this-device/): the way back into an exam when the learning MFE
 * cannot open without the network (a reload, a crashed browser). The service worker keeps this page and every unit
 * of an attempt once the attempt starts (candidate/offline-copy.js); this page lists the attempts this browser holds
 * answers of (IndexedDB, js/candidate/store.js) and links to their units, which open from the kept copies with the
 * candidate page: its own clock, every answer, and "Save delivery as file". It reads nothing from the server.
 * A classic script of its own, with no imports, so that the kept copy of this page is all it needs.
 */
(function () {
  'use strict';

  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(([a-z_]+)\)s/g, function (match, name) { return values[name]; });
  };
  var list = document.getElementById('od-on-this-device');

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function show(states) {
    list.textContent = '';
    var open = states.filter(function (held) { return held.session && !held.deliveredReceipt && held.unitUrls; });
    if (!open.length) {
      list.appendChild(el('p', gettext('This browser holds no exam that is still to be delivered.')));
      list.setAttribute('data-ready', 'true');
      return;
    }
    open.forEach(function (held) {
      var section = el('section', '', {'class': 'od-device-attempt', 'aria-label': held.session.exam_name});
      section.appendChild(el('h2', held.session.exam_name));
      var pending = held.seq - held.anchor.seq + (held.dirty ? 1 : 0);
      section.appendChild(el('p', interpolate(gettext('Candidate: %(name)s.'), {name: held.session.candidate_label},
                                              true)));
      section.appendChild(el('p', pending > 0
        ? gettext('Some answers are only on this device: open the exam and save them as a file, or wait for the connection.')
        : gettext('Every answer on this device has reached the server.')));
      var units = el('ol', '', {'class': 'od-device-units'});
      held.unitUrls.forEach(function (url, index) {
        var item = el('li');
        item.appendChild(el('a', interpolate(gettext('Unit %(number)s of the exam'), {number: index + 1}, true),
                            {href: url}));
        units.appendChild(item);
      });
      section.appendChild(units);
      list.appendChild(section);
    });
    list.setAttribute('data-ready', 'true');
  }

  // Read again every few seconds: a unit open in another tab may still be writing.
  var READ_EVERY_MS = 2000;

  function read() {
    var request = indexedDB.open('offline-delivery', 1);
    request.onupgradeneeded = function () { request.result.createObjectStore('attempts', {keyPath: 'attemptId'}); };
    request.onerror = function () { show([]); };
    request.onsuccess = function () {
      var database = request.result;
      var all = database.transaction('attempts', 'readonly').objectStore('attempts').getAll();
      all.onsuccess = function () { show(all.result || []); database.close(); };
      all.onerror = function () { show([]); database.close(); };
    };
  }

  if (!window.indexedDB) { show([]); return; }
  read();
  window.setInterval(read, READ_EVERY_MS);
}());
