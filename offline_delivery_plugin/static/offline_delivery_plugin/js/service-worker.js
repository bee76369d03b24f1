/*
 * The offline_delivery_plugin service worker: lets an exam page open again while the network is down (a reload,
 * a crashed browser). The candidate page asks it to keep a copy of the exam page and its scripts and styles;
 * for those, and only those, it answers from that copy when the network fails. Everything else passes through
 * untouched. The answers themselves are not here: they are in IndexedDB (js/candidate/store.js).
 */
'use strict';

var CACHE = 'offline-delivery-pages-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
        if (response.ok) { return cache.put(url, response); }
        return undefined;
      }).catch(function () { return undefined; });
    }));
  });
}

function forget(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) { return cache.delete(url); }));
  });
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var urls = (data.urls || []).filter(function (url) { return new URL(url).origin === self.location.origin; });
  var work = data.type === 'keep' ? keep(urls) : data.type === 'forget' ? forget(urls) : Promise.resolve();
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
