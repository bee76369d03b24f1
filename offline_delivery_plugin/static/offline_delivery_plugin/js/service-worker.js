/*
 * The offline_delivery_plugin service worker: lets an exam page open again while the network is down (a reload,
 * a crashed browser, another unit of the exam in the learning MFE). The candidate page asks it to keep a copy of
 * the exam page and its scripts and styles, and of the exam's other pages (its units, the exam-file page) with the
 * scripts and styles each of them loads; for those, and only those, it answers from that copy when the network
 * fails. Everything else passes through untouched. The answers themselves are not here: they are in IndexedDB
 * (js/candidate/store.js).
 */
'use strict';

var CACHE = 'offline-delivery-pages-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function sameOrigin(url) { return new URL(url).origin === self.location.origin; }

// The scripts, styles and images an HTML page loads (<script src>, <link rel="stylesheet" href>, <img src>), on
// this site.
var TAG = /<(script|link|img)\b[^>]*>/gi;
var ATTRIBUTE = /\s(src|href|rel)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

function assetsOf(html, base) {
  var found = [];
  var tag;
  TAG.lastIndex = 0;
  while ((tag = TAG.exec(html)) !== null) {
    var attributes = {};
    var attribute;
    ATTRIBUTE.lastIndex = 0;
    while ((attribute = ATTRIBUTE.exec(tag[0])) !== null) {
      attributes[attribute[1].toLowerCase()] = (attribute[2] || attribute[3] || attribute[4] || '').replace(/&amp;/g, '&');
    }
    var url = tag[1].toLowerCase() !== 'link' ? attributes.src
      : (attributes.rel || '').toLowerCase().split(/\s+/).indexOf('stylesheet') >= 0 ? attributes.href : null;
    if (url) {
      try { found.push(new URL(url, base).href); } catch (error) { /* not a URL: nothing to keep */ }
    }
  }
  return found.filter(sameOrigin);
}

// One fetch per URL and keep call, however many pages load it.
function keepEach(cache, urls, seen, withAssets) {
  return Promise.all(urls.filter(function (url) {
    if (seen[url]) { return false; }
    seen[url] = true;
    return true;
  }).map(function (url) {
    return fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
      if (!response.ok) { return undefined; }
      var html = withAssets && (response.headers.get('Content-Type') || '').indexOf('text/html') === 0;
      var copy = html ? response.clone() : null;
      return cache.put(url, response).then(function () {
        if (!copy) { return undefined; }
        return copy.text().then(function (text) { return keepEach(cache, assetsOf(text, url), seen, false); });
      });
    }).catch(function () { return undefined; });
  }));
}

function keep(urls, pages) {
  return caches.open(CACHE).then(function (cache) {
    var seen = {};
    return keepEach(cache, urls, seen, false).then(function () { return keepEach(cache, pages, seen, true); });
  });
}

function forget(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) { return cache.delete(url); }));
  });
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var urls = (data.urls || []).filter(sameOrigin);
  var pages = (data.pages || []).filter(sameOrigin);
  var work = data.type === 'keep' ? keep(urls, pages)
    : data.type === 'forget' ? forget(urls.concat(pages)) : Promise.resolve();
  event.waitUntil(work.then(function () {
    if (event.ports && event.ports[0]) { event.ports[0].postMessage({done: data.type}); }
  }));
});

function kept(request) {
  return caches.open(CACHE).then(function (cache) { return cache.match(request.url, {ignoreVary: true}); });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) { return; }
  // Network first. The kept copy only when the network fails or the server answers with an error of its own
  // (a 502 while the app server restarts), and only for what an exam page asked to keep.
  event.respondWith(fetch(request).then(function (response) {
    if (response.status < 500) { return response; }
    return kept(request).then(function (copy) { return copy || response; });
  }, function (error) {
    return kept(request).then(function (copy) {
      if (copy) { return copy; }
      throw error;
    });
  }));
});
