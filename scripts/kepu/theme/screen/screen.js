(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('kepu-screen-data').textContent);
  var ORIGINAL = '<!doctype html>\n' + document.documentElement.outerHTML;  // to come back to (see swap)
  var BUILD = D.screen;
  var root = document.documentElement;
  var q = new URLSearchParams(location.search);
  var IS_FILE = location.protocol === 'file:';
  var FADE = 600, POLL_TIMEOUT = 10000, PAUSE_MS = 120000, MINUTE = 60000;
  var WEEK = '日一二三四五六';
  var CAPTION = {issue: '扫码看本期', panel: '扫码看全文', upcoming: '扫码看详情', recent: '扫码看详情', closing: '微信扫一扫'};
  var $ = function (s) { return document.querySelector(s); };

  // ---- options: mkdocs.yml extra.screen, overridden per screen by URL parameters
  var forced = q.get('orientation');
  function orient() {
    var p = forced === 'portrait' || (forced !== 'landscape' && innerHeight > innerWidth);
    root.classList.toggle('portrait', p);
    root.classList.toggle('landscape', !p);
  }
  orient();
  addEventListener('resize', orient);
  var interval = parseInt(q.get('interval'), 10);
  if (!(interval >= 5 && interval <= 600)) interval = 0;
  var night = q.get('night') === 'off' ? null : D.night;
  var topic = q.get('topic') || '';
  Object.keys(D.topics).forEach(function (id) { if (D.topics[id] === topic) topic = id; });
  var ALWAYS = {issue: 1, closing: 1, notice: 1, slogan: 1};  // kept on a screen that shows one topic
  var slides = D.slides.filter(function (s) {
    return !topic || ALWAYS[s.kind] || s.topics.indexOf(topic) >= 0;
  });
  if (!slides.some(function (s) { return !ALWAYS[s.kind]; })) slides = D.slides;

  // ---- time in the community's time zone (CI and some TV boxes run in UTC)
  var fmt = null;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {timeZone: D.tz, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short'});
  } catch (e) { fmt = null; }
  var WD = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  function parts(t) {
    if (fmt) {
      var o = {};
      fmt.formatToParts(new Date(t)).forEach(function (p) { o[p.type] = p.value; });
      return {y: +o.year, m: +o.month, d: +o.day, h: (+o.hour) % 24, mi: +o.minute, wd: WD.indexOf(o.weekday)};
    }
    var x = new Date(t);
    return {y: x.getFullYear(), m: x.getMonth() + 1, d: x.getDate(), h: x.getHours(), mi: x.getMinutes(), wd: x.getDay()};
  }
  function dayNum(y, m, d) { return Math.round(Date.UTC(y, m - 1, d) / 864e5); }
  function today() { var p = parts(Date.now()); return dayNum(p.y, p.m, p.d); }
  function isoDay(s) { var a = s.split('-'); return dayNum(+a[0], +a[1], +a[2]); }
  function isNight(p) {
    if (!night) return false;
    var m = p.h * 60 + p.mi;
    return night[0] < night[1] ? (m >= night[0] && m < night[1]) : (m >= night[0] || m < night[1]);
  }
  // notices: shown from start until end by this screen's clock, with no rebuild or reload
  function active(n, t) { return t >= n.start && t < n.end; }
  // everything that depends on the day is decided here, by this screen's clock (it may run
  // for days on its offline copy): 还有 N 天, 预告 hidden after the day, 纪实 from the day after
  function dated(s) {
    if (s.kind === 'notice') return active(s, Date.now());
    if (s.kind === 'upcoming' && isoDay(s.date) < today()) return false;
    return !s.from || isoDay(s.from) <= today();
  }
  var CAPS = D.caps || {}, capDay = null, capped = {}, byKey = {};
  D.slides.forEach(function (s) { byKey[s.key] = s; });
  function visible(s) {
    if (s.parents) return s.parents.some(function (k) { return byKey[k] && visible(byKey[k]); });
    if (!dated(s)) return false;
    if (!CAPS[s.kind]) return true;
    var t = today();
    if (capDay !== t) {  // the newest CAPS[kind] slides of a kind that may show today (once a day)
      var n = {};
      capDay = t;
      capped = {};
      slides.forEach(function (x) {
        if (!CAPS[x.kind] || x.parents || !dated(x)) return;
        n[x.kind] = (n[x.kind] || 0) + 1;
        if (n[x.kind] > CAPS[x.kind]) capped[x.key] = true;
      });
    }
    return !capped[s.key];
  }

  // ---- one timer chain: every job has a due time; one setTimeout for the earliest
  var due = {}, jobs = {}, timer = null, gone = false;  // gone: replaced by a new page (see swap)
  function at(name, t) { if (!gone) due[name] = t; }
  function schedule() {
    if (gone) return;
    var next = Infinity;
    for (var k in due) if (due[k] < next) next = due[k];
    if (timer !== null) clearTimeout(timer);
    timer = next === Infinity ? null : setTimeout(loop, Math.max(0, Math.min(next - Date.now(), 2147483000)));
  }
  function loop() {
    timer = null;
    var now = Date.now();
    Object.keys(due).sort(function (a, b) { return due[a] - due[b]; }).forEach(function (k) {
      if (due[k] <= now) {
        delete due[k];
        try { jobs[k](now); } catch (e) { if (window.console) console.error(e); }
      }
    });
    schedule();
  }

  // ---- rendering: two slots, cross-faded; the hidden one holds the next slide
  var esc = function (s) {
    return String(s).replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; });
  };
  var slots = [$('#a'), $('#b')], front = 0, cur = -1, paused = false, nightOn = false, pending = null;
  function countdown(s) {
    var n = isoDay(s.date) - today();
    return n <= 0 ? '就在今天' : n === 1 ? '明天举行' : n === 2 ? '后天举行' : '还有 ' + n + ' 天';
  }
  var sloganTurn = 0;  // slogans take turns in the slogan places of the rotation
  function renderSlogan(slot, i) {
    var n = D.slogans.length, text = n ? D.slogans[sloganTurn % n] : slides[i].title;
    slot.className = 'slide off slogan';
    slot.style.removeProperty('--c');
    slot.innerHTML = '<p class="big">' + esc(text) + '</p>';
    slot.setAttribute('data-turn', sloganTurn);
  }
  // a short film: the <video> gets its file only when its slide shows (one decoder at a time)
  function renderFilm(slot, s) {
    slot.className = 'slide off film';
    slot.innerHTML = '<video muted playsinline preload="none"' + (s.poster ? ' poster="' + esc(s.poster) + '"' : '') +
      '></video><p class="cap"><b>' + esc(s.kicker) + '</b> ' + esc(s.title) + '</p>';
  }
  function stopFilm(slot) {
    var v = slot.querySelector('video');
    if (!v) return;
    v.onended = v.onerror = null;
    v.pause();
    v.removeAttribute('src');
    try { v.load(); } catch (e) { /* releases the decoder */ }
  }
  function playFilm(slot, i) {
    var v = slot.querySelector('video');
    if (!v) return;
    var done = function () {  // ended, or could not play (404, corrupt): the next slide, never a blank screen
      v.onended = v.onerror = null;
      if (gone || cur !== i || slots[front] !== slot || nightOn) return;
      if (paused) return;
      jobs.advance(Date.now());
      schedule();
    };
    v.onended = done;
    v.onerror = done;
    v.src = slides[i].video;
    var p = v.play();
    if (p && p.catch) p.catch(function () { if (v.error) done(); });
  }
  function render(slot, i) {
    var s = slides[i], h = '';
    stopFilm(slot);
    slot.setAttribute('data-index', i);
    slot.setAttribute('data-day', today());
    if (s.kind === 'slogan') return renderSlogan(slot, i);
    if (s.kind === 'film') return renderFilm(slot, s);
    h += '<div class="main"><p class="kicker">' + esc(s.kicker) + '</p><h1 class="title">' + esc(s.title) + '</h1>';
    if (s.text) h += '<p class="text">' + esc(s.text) + '</p>';
    if (s.facts.length) {
      h += '<dl class="facts">' + s.facts.map(function (f) {
        return '<div><dt>' + esc(f[0]) + '</dt><dd>' + esc(f[1]) + '</dd></div>';
      }).join('') + '</dl>';
    }
    if (s.kind === 'upcoming') h += '<p class="count">' + countdown(s) + '</p>';
    h += '</div><div class="aside">';
    if (s.img) h += '<img class="pic' + (s.kind === 'panel' ? ' fig' : '') + '" src="' + esc(s.img) + '" alt="">';
    if (s.qr) h += '<figure class="qr" data-url="' + esc(s.url) + '"><div class="code">' + s.qr + '</div><figcaption>' +
      CAPTION[s.kind] + '</figcaption></figure>';
    h += '</div>';
    slot.className = 'slide off ' + s.kind + (s.img ? ' has-img' : '') + (s.img || s.qr ? '' : ' solo');
    slot.style.setProperty('--c', s.color || '#ffd66b');
    slot.innerHTML = h;
  }
  function step(from, dir) {
    for (var k = 1; k <= slides.length; k++) {
      var i = ((from + dir * k) % slides.length + slides.length) % slides.length;
      if (visible(slides[i])) return i;
    }
    return from;
  }
  var dotCount = -1;
  function dots() {
    var vis = [], pos = 0;
    slides.forEach(function (s, i) { if (visible(s)) { if (i === cur) pos = vis.length; vis.push(i); } });
    var box = $('#progress');
    if (vis.length !== dotCount) { dotCount = vis.length; box.innerHTML = new Array(vis.length + 1).join('<i></i>'); }
    for (var k = 0; k < box.children.length; k++) box.children[k].className = k === pos ? 'on' : '';
  }
  function show(i, now) {
    var back = slots[1 - front];
    if (+back.getAttribute('data-index') !== i || +back.getAttribute('data-day') !== today() || back.innerHTML === '' ||
        (slides[i].kind === 'slogan' && +back.getAttribute('data-turn') !== sloganTurn)) render(back, i);
    if (slides[i].kind === 'slogan') sloganTurn++;
    back.classList.remove('off');
    void back.offsetWidth;  // start the fade from the hidden state
    back.classList.add('on');
    slots[front].classList.remove('on');
    stopFilm(slots[front]);
    front = 1 - front;
    cur = i;
    if (slides[i].kind === 'film') playFilm(back, i);
    root.setAttribute('data-slide', slides[i].key);
    dots();
    at('fadeEnd', now + FADE + 50);
    if (!paused) at('advance', now + seconds(i) * 1000);
  }
  // a film stays for its length (its end moves on earlier; 3 s of grace for a slow start)
  function seconds(i) { return slides[i].kind === 'film' ? slides[i].seconds + 3 : interval || slides[i].seconds; }
  jobs.fadeEnd = function () {
    var old = slots[1 - front];
    stopFilm(old);
    old.innerHTML = '';
    render(old, step(cur, 1));  // preload the next slide (and its image) while hidden
  };
  jobs.advance = function (now) {
    if (pending) return go(pending);
    show(step(cur, 1), now);
  };

  // ---- chrome: clock each minute, night schedule, anti-burn-in shift
  var SHIFT = [[0, 0], [2, 0], [2, 2], [0, 2], [-2, 2], [-2, 0], [-2, -2], [0, -2], [2, -2]];
  jobs.minute = function (now) {
    var p = parts(now);
    var hm = (p.h < 10 ? '0' : '') + p.h + ':' + (p.mi < 10 ? '0' : '') + p.mi;
    var day = p.m + '月' + p.d + '日 星期' + WEEK[p.wd];
    $('#chrome .clock').textContent = hm;
    $('#chrome .date').textContent = day;
    var sh = SHIFT[Math.floor(now / 600000) % SHIFT.length];
    var tf = 'translate(' + sh[0] + 'px,' + sh[1] + 'px)';
    if ($('#chrome').style.transform !== tf) {
      $('#chrome').style.transform = tf; $('#progress').style.transform = tf; $('#urgent').style.transform = tf;
      $('#stale').style.transform = tf;
    }
    stale(now);
    var n = isNight(p);
    if (n !== nightOn) {
      nightOn = n;
      root.classList.toggle('night', n);
      if (n) {
        delete due.advance;
        slots.forEach(function (s) { stopFilm(s); s.innerHTML = ''; s.removeAttribute('data-index'); });
        if (pending) go(pending);
      } else {
        show(step(cur, 1), now);
      }
    }
    if (n) {  // after the switch: the clock is laid out only at night
      $('#night .nclock').innerHTML = hm + '<small>' + day + '</small>';
      placeNightClock(now);
    }
    at('minute', now - now % MINUTE + MINUTE);
  };

  // the dim night clock moves every minute (burn-in), inside the safe area and below a 紧急 band
  // (which stays at night); one layout read a minute, only at night
  function placeNightClock(now) {
    var nc = $('#night .nclock'), k = Math.floor(now / MINUTE);
    var W = innerWidth / 100, H = innerHeight / 100, top = 6, band = $('#urgent');
    if (!band.hidden) top = band.getBoundingClientRect().bottom / H + 3;
    var r = nc.getBoundingClientRect(), spanX = 94 - 6 - r.width / W, spanY = 94 - top - r.height / H;
    nc.style.left = (6 + (k * 7) % Math.max(1, Math.floor(spanX))) + 'vw';
    nc.style.top = (top + (k * 11) % Math.max(1, Math.floor(spanY))) + 'vh';
  }

  // ---- notices: 紧急 as a band on top of every slide, the others as slides of their own;
  // each appears at its start and goes at its end (one timer at the next boundary)
  var bandKeys = null, wasActive = {}, PHONE = /\d[\d-]{5,18}\d/g;  // a phone number is not split over two lines
  jobs.notices = function (now) {
    var on = D.urgent.filter(function (n) { return active(n, now); });
    var keys = on.map(function (n) { return n.key; }).join(' ');
    if (keys !== bandKeys) {
      bandKeys = keys;
      var band = $('#urgent');
      band.innerHTML = on.map(function (n) {
        var sep = /[。！？；：，.!?;:,]$/.test(n.title) ? ' ' : '：';  // where the title ends and the text begins
        return '<p><b>紧急通知</b> <span class="ut">' + esc(n.title) + sep + '</span>' + esc(n.text).replace(PHONE, '<span class="nb">$&</span>') + '</p>';
      }).join('');
      band.hidden = !on.length;
      root.classList.toggle('urgent', on.length > 0);
      if (nightOn) placeNightClock(now);
    }
    var jump = -1, leave = false;
    slides.forEach(function (s, i) {
      if (s.kind !== 'notice') return;
      var a = active(s, now);
      if (a && !wasActive[s.key] && jump < 0) jump = i;
      if (!a && i === cur) leave = true;
      wasActive[s.key] = a;
    });
    if (cur >= 0 && !nightOn && !paused) {
      if (jump >= 0) show(jump, now);
      else if (leave) show(step(cur, 1), now);
    }
    var next = Infinity;
    D.urgent.concat(slides).forEach(function (n) {
      if (n.start > now && n.start < next) next = n.start;
      if (n.end > now && n.end < next) next = n.end;
    });
    if (next < Infinity) at('notices', next);
  };

  // ---- keyboard, for a person standing at the screen
  var mark = function (sel, on) { $(sel).hidden = !on; };
  jobs.resume = function (now) { paused = false; mark('#paused', false); if (!nightOn) at('advance', now + seconds(cur) * 1000); };
  function onKey(ev) {
    if (nightOn) return;
    var now = Date.now();
    if (ev.key === 'ArrowRight' || ev.key === 'PageDown') show(step(cur, 1), now);
    else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') show(step(cur, -1), now);
    else if (ev.key === ' ' || ev.key === 'Enter') {
      paused = !paused;
      mark('#paused', paused);
      if (paused) { delete due.advance; at('resume', now + PAUSE_MS); } else { delete due.resume; jobs.resume(now); }
    } else return;
    ev.preventDefault();
    schedule();
  }
  addEventListener('keydown', onKey);

  // ---- staying fresh: poll version.json; reload only into a page known to load
  var ctrl = null, polling = false, tried = '';
  try { tried = sessionStorage.getItem('kepu-screen-tried') || ''; } catch (e) { tried = ''; }
  function setOffline(on) { mark('#offline', on); root.classList.toggle('offline', on); }

  // ---- the offline copy (theme/screen/sw.js): where a service worker can run, it keeps this
  // page and its pictures, so a reload without the network shows the slides again. Elsewhere
  // (file://, plain http, older browsers) nothing changes.
  var SW = !IS_FILE && 'serviceWorker' in navigator && window.isSecureContext !== false;
  if (SW) {
    try { navigator.serviceWorker.register('sw.js', {scope: './'}).then(null, function () { /* no copy kept */ }); } catch (e) { /* idem */ }
    // ask the browser not to clear the copy when the disk fills up (it may say no: then it is kept as long as it can)
    try { if (navigator.storage && navigator.storage.persist) navigator.storage.persist().then(null, function () {}); } catch (e) { /* idem */ }
  }
  // For the staff: 「内容更新于 12月3日」 once this screen has not reached the site for more than
  // STALE_MS (its last answered version.json, or its last page from the network). Kept across
  // reloads (localStorage): a page the service worker served from its copy keeps the old time.
  var STALE_MS = 24 * 60 * MINUTE, FRESH = 'kepu-screen-fresh', freshAt = 0, staleShown = null;
  function stale(now) {
    var on = SW && freshAt > 0 && now - freshAt > STALE_MS;
    if (on === staleShown) return;
    staleShown = on;
    var p = parts(freshAt);
    $('#stale').textContent = on ? '内容更新于 ' + p.m + '月' + p.d + '日' : '';
    mark('#stale', on);
  }
  function fresh(now) {
    freshAt = now;
    try { localStorage.setItem(FRESH, String(now)); } catch (e) { /* private mode */ }
    stale(now);
  }
  try { freshAt = +localStorage.getItem(FRESH) || 0; } catch (e) { freshAt = 0; }
  if (!root.hasAttribute('data-offline-copy') || !freshAt) fresh(Date.now());
  function go(p) {
    pending = null;
    try { sessionStorage.setItem('kepu-screen-tried', p.id); } catch (e) { /* private mode */ }
    swap(p.html, p.url, p.id);
  }
  // A new version is never loaded by a navigation (a second request that could answer
  // 500 and leave the server's error page on the TV): the page already fetched and
  // checked replaces this one in place; if it did not render, this page comes back.
  function ready(t, id) {
    return t.indexOf('<meta name="kepu-build" content="' + id + '">') >= 0 && t.indexOf('</html>') >= 0;
  }
  function swap(html, url, id) {
    var here = location.href;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    due = {};
    gone = true;
    removeEventListener('resize', orient);
    removeEventListener('keydown', onKey);
    document.removeEventListener('error', onError, true);
    replaceWith(html, url);
    var m = document.querySelector('meta[name="kepu-build"]'), r = document.documentElement;
    if (!(m && m.content === id && (r.hasAttribute('data-slide') || r.classList.contains('night')))) replaceWith(ORIGINAL, here);
  }
  function replaceWith(html, url) {
    try { history.replaceState(null, '', url); } catch (e) { /* keeps the old address */ }
    document.open();
    document.write(html);
    document.close();
  }
  function get(url) {
    ctrl = typeof AbortController !== 'undefined' ? new AbortController() : null;
    at('pollAbort', Date.now() + POLL_TIMEOUT);
    schedule();
    return fetch(url, {cache: 'no-store', signal: ctrl ? ctrl.signal : undefined});
  }
  function pageUrl(id) {
    var u = new URL(location.href);
    u.searchParams.set('b', id);
    u.hash = '';
    return u.href;
  }
  jobs.pollAbort = function () { if (ctrl) ctrl.abort(); };
  jobs.poll = function (now) {
    at('poll', now + D.pollMinutes * MINUTE);
    if (polling || pending) return;
    polling = true;
    get('../version.json?t=' + now).then(function (r) {
      setOffline(false);
      if (r.ok) fresh(Date.now());
      if (!r.ok) return null;
      return r.json().catch(function () { return null; });
    }, function () { setOffline(true); return null; }).then(function (v) {
      var id = v && typeof v.screen === 'string' && /^[0-9a-f]{8,64}$/.test(v.screen) ? v.screen : '';
      if (!id || id === BUILD || id === tried) return;
      var url = pageUrl(id);
      return get(url).then(function (r) { return r.ok ? r.text() : ''; }).then(function (t) {
        if (ready(t, id)) {
          pending = {url: url, id: id, html: t};  // taken at the next slide boundary
          if (nightOn) go(pending);
        }
      });
    }).catch(function () { /* a failed check never reloads */ }).then(function () {
      polling = false;
      ctrl = null;
      delete due.pollAbort;
      schedule();
    });
  };
  // a full reload each night resets the browser's memory (only into a page that loads)
  function nextReload(now) {
    var p = parts(now), m = p.h * 60 + p.mi;
    var wait = ((D.reloadAt - m) % 1440 + 1440) % 1440 || 1440;
    return now - now % MINUTE + wait * MINUTE;
  }
  jobs.reload = function (now) {
    if (IS_FILE) return location.reload();
    var url = location.href.split('#')[0];
    get(url).then(function (r) { return r.ok ? r.text() : ''; }).then(function (t) {
      var m = /<meta name="kepu-build" content="([0-9a-f]+)">/.exec(t);
      if (!m || !ready(t, m[1])) throw 0;
      ctrl = null;
      swap(t, url, m[1]);
    }).catch(function () {
      at('reload', Date.now() + 10 * MINUTE);
      ctrl = null;
      delete due.pollAbort;
      schedule();
    });
  };

  function onError(ev) {
    if (ev.target && ev.target.tagName === 'IMG') ev.target.style.display = 'none';
  }
  document.addEventListener('error', onError, true);
  var now = Date.now();
  jobs.notices(now);  // the band, and which notices are already showing
  jobs.minute(now);
  if (!nightOn) {
    cur = step(-1, 1);
    render(slots[front], cur);
    slots[front].classList.remove('off');
    slots[front].classList.add('on');
    if (slides[cur].kind === 'film') playFilm(slots[front], cur);
    root.setAttribute('data-slide', slides[cur].key);
    dots();
    at('advance', now + seconds(cur) * 1000);
    at('fadeEnd', now + 100);
  }
  if (!IS_FILE) at('poll', now + D.pollMinutes * MINUTE);
  if (D.reloadAt !== null) at('reload', nextReload(now));
  schedule();
})();
