/* The lobby screen's offline copy: a service worker served from /screen/sw.js, so it
   controls /screen/ only (residents' pages never go through it).

   - The page (its slide data and QR codes are inside it): network first, with a timeout;
     when the network is down or answers an error, the kept copy.
   - Photos, posters and films (content-hashed names): the kept copy first.
   - version.json and offline.json: always the network (the screen must see the truth).
   - A new build: when a version.json answer names a build other than the kept one, the files
     of screen/offline.json are fetched into a cache of that build (files it shares with
     the kept build are copied, not downloaded again); only once all are in does it become
     the kept build, and every other build's cache is deleted.

   Plain ES5 and promises (old Chromium-based TV browsers); no build step. */
'use strict';
var PREFIX = 'kepu-screen-';
var META = PREFIX + 'meta';
var SCOPE = self.registration.scope;  // .../screen/
var PAGE = SCOPE;  // the page's key, whatever its query (?interval=, ?b=)
var INDEX = SCOPE + 'index.html';
var MANIFEST = SCOPE + 'offline.json';
var VERSION = new URL('../version.json', SCOPE).href;
var CURRENT = SCOPE + '__kepu_current__';  // in META: {screen, at} of the kept build
var PAGE_TIMEOUT = 4000;
var BUILD_RE = /<meta name="kepu-build" content="([0-9a-f]+)">/;

function noop() {}
function withTimeout(p, ms) {
  return new Promise(function (ok, no) {
    var t = setTimeout(function () { no(new Error('timeout')); }, ms);
    p.then(function (v) { clearTimeout(t); ok(v); }, function (e) { clearTimeout(t); no(e); });
  });
}
function bare(url) { return url.split('#')[0].split('?')[0]; }

function kept() {
  return caches.open(META).then(function (c) { return c.match(CURRENT); })
    .then(function (r) { return r ? r.json() : null; }).catch(function () { return null; });
}
function keptPage() {
  return kept().then(function (k) {
    if (!k) return null;
    return caches.open(PREFIX + k.screen).then(function (c) { return c.match(PAGE); });
  });
}

// ---- a new build: fetch what offline.json lists, then switch and delete the rest
var running = null;
function refresh(wanted) {
  if (running) return running;
  running = kept().then(function (k) {
    if (k && wanted && k.screen === wanted) return;
    return fetch(MANIFEST, {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error('offline.json ' + r.status);
      return r.json();
    }).then(function (m) {
      if (!m || typeof m.screen !== 'string' || !/^[0-9a-f]{8,64}$/.test(m.screen)) throw new Error('offline.json');
      if (wanted && m.screen !== wanted) throw new Error('not deployed yet');  // retried at the next poll
      if (k && k.screen === m.screen) return;
      return fill(m, k).then(function () {
        return caches.open(META).then(function (c) {
          return c.put(CURRENT, new Response(JSON.stringify({screen: m.screen, at: Date.now()}),
            {headers: {'Content-Type': 'application/json'}}));
        });
      }).then(function () { return prune(m.screen); });
    });
  }).catch(noop).then(function () { running = null; });
  return running;
}
function fill(m, k) {
  return Promise.all([caches.open(PREFIX + m.screen), k ? caches.open(PREFIX + k.screen) : null]).then(function (c) {
    var cache = c[0], old = c[1];
    // the page first: it must be this very build (a half-finished deploy is tried again later)
    return fetch(INDEX, {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error('page ' + r.status);
      return r.text().then(function (t) {
        var b = BUILD_RE.exec(t);
        if (!b || b[1] !== m.screen || t.indexOf('</html>') < 0) throw new Error('page of another build');
        return cache.put(PAGE, new Response(t, {headers: {'Content-Type': 'text/html; charset=utf-8'}}));
      });
    }).then(function () {
      var files = m.files || [], i = 0;
      function next() {  // one at a time: a TV box on Wi-Fi, and the screen keeps playing meanwhile
        if (i >= files.length) return null;
        var url = new URL(files[i++].url, SCOPE).href;
        return cache.match(url).then(function (hit) {
          if (hit) return null;
          return (old ? old.match(url) : Promise.resolve(null)).then(function (r) {
            if (r) return cache.put(url, r);
            return fetch(url).then(function (r) {  // a network error stops the refresh (tried again later)
              return r.ok && r.status === 200 ? cache.put(url, r) : null;  // a missing file is left out
            });
          });
        }).then(next);
      }
      return next();
    });
  });
}
function prune(screen) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== META && n !== PREFIX + screen;
    }).map(function (n) { return caches.delete(n); }));
  });
}

// ---- answers
function fromCache(req) {
  return caches.match(req.url).then(function (r) {
    if (!r) return null;
    var range = req.headers.get('range');
    return range ? ranged(r, range) : r;
  });
}
// a <video> asks for byte ranges: answer them from the kept file (a Blob slice: the film is
// not copied into memory for each request)
function ranged(r, range) {
  var m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === '' && m[2] === '')) return r;
  return r.blob().then(function (buf) {
    var size = buf.size;
    var start = m[1] === '' ? Math.max(0, size - +m[2]) : +m[1];
    var end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(+m[2], size - 1);
    if (start >= size || start > end) {
      return new Response('', {status: 416, headers: {'Content-Range': 'bytes */' + size}});
    }
    return new Response(buf.slice(start, end + 1), {status: 206, headers: {
      'Content-Type': r.headers.get('Content-Type') || 'application/octet-stream',
      'Content-Range': 'bytes ' + start + '-' + end + '/' + size, 'Content-Length': String(end - start + 1)}});
  });
}
function offlineCopy(r) {
  // marks the page as the kept copy (the page then keeps its last "content arrived" time)
  return r.text().then(function (t) {
    return new Response(t.replace('<html ', '<html data-offline-copy="" '),
      {headers: {'Content-Type': 'text/html; charset=utf-8'}});
  });
}
function page(e) {
  var net = withTimeout(fetch(e.request), PAGE_TIMEOUT);
  e.waitUntil(net.then(function () { return refresh(null); }, noop));  // a screen coming back online catches up
  return net.then(function (r) {
    if (r.ok) return r;
    return keptPage().then(function (c) { return c ? offlineCopy(c) : r; });  // an error page never shows
  }, function () {
    return keptPage().then(function (c) { return c ? offlineCopy(c) : Response.error(); });
  });
}
function version(e) {
  var copy = null;
  var net = fetch(e.request).then(function (r) { copy = r.ok ? r.clone() : null; return r; });
  e.waitUntil(net.then(function () { return copy ? copy.json() : null; }).then(function (v) {
    if (v && typeof v.screen === 'string') return refresh(v.screen);
  }).catch(noop));
  return net;
}

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) {
  e.waitUntil(self.clients.claim().then(function () { return refresh(null); }));
});
self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = bare(req.url);
  if (url === VERSION) return e.respondWith(version(e));
  if (url === MANIFEST || url === SCOPE + 'sw.js') return;  // the network, as without this worker
  if (url === PAGE || url === INDEX) return e.respondWith(page(e));
  if (url.indexOf(self.location.origin + '/') !== 0) return;
  e.respondWith(fromCache(req).then(function (r) { return r || fetch(req); }));
});
