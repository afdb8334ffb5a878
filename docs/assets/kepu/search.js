/* Site search (kepu). Loaded only when a reader opens or types in the search box,
 * or on the search page. Fetches search/meta.json, then only the posting shards
 * of the query's keys and the documents it shows (20 on the search page, 8 in the
 * header drop-down; more on demand). The index format is described in
 * scripts/kepu/search_index.py. */
(function () {
  'use strict';
  if (window.kepuSearch) return;

  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+/g;
  var BATCH = 20; // documents the search page shows (and fetches) per round: search_index.BATCH
  var DROPDOWN = 8; // documents the header drop-down shows (and fetches): search_index.DROPDOWN
  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT[DIGITS.charCodeAt(d)] = d;

  var form = document.getElementById('kp-search-form');
  var base = new URL((form && form.getAttribute('data-base')) || './', location.href);
  var searchPage = new URL('search/', base);

  /* One character for one (offsets into the shown text hold): full-width letters and digits
   * as ASCII, lower case. search_index.normalize() in Python is the same. */
  function norm(s) {
    s = String(s);
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s[i], code = s.charCodeAt(i);
      if (code < 128) { out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c; continue; }
      if (code >= 0xd800 && code <= 0xdfff) { out += c; continue; }
      var n = c.normalize('NFKC').toLowerCase();
      out += n.length === 1 ? n : c;
    }
    return out;
  }

  function wordsOf(q) {
    var seen = {}, out = [];
    norm(q).split(/[\s\u3000]+/).forEach(function (w) {
      if (w && !seen[w]) { seen[w] = 1; out.push(w); }
    });
    return out;
  }

  function keysOf(word) {
    var out = [];
    (word.match(RUN) || []).forEach(function (run) {
      if (run.length === 1) { out.push(run); return; }
      for (var i = 0; i + 1 < run.length; i++) out.push(run.substr(i, 2));
    });
    return out;
  }

  function shardOf(key, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  // ------------------------------------------------------------------ fetching
  var metaP = null, files = {}, fetched = { files: 0, bytes: 0 };

  function getJSON(url, opts) {
    if (!files[url]) {
      files[url] = fetch(url, opts).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      }).then(function (t) {
        fetched.files += 1; fetched.bytes += t.length;
        return JSON.parse(t);
      });
      files[url].catch(function () { delete files[url]; });
    }
    return files[url];
  }

  function meta() {
    if (!metaP) {
      metaP = getJSON(new URL('search/meta.json', base).href, { cache: 'no-cache' });
      metaP.catch(function () { metaP = null; });
    }
    return metaP;
  }

  function part(m, name) { return getJSON(new URL('search/' + m.v + '/' + name, base).href); }

  /* Postings: delta-coded little-endian base-32 varints (search_index.encode). */
  function decode(text) {
    var out = [], v = 0, acc = 0, mul = 1;
    for (var i = 0; i < text.length; i++) {
      var c = DIGIT[text.charCodeAt(i)];
      if (c >= 32) { acc += (c - 32) * mul; mul *= 32; }
      else { v += acc + c * mul; out.push(v); acc = 0; mul = 1; }
    }
    return out;
  }

  // ------------------------------------------------------------------ ranking
  function count(hay, needle) {
    var n = 0, i = hay.indexOf(needle);
    while (i >= 0 && n < 5) { n++; i = hay.indexOf(needle, i + needle.length); }
    return n;
  }

  /* Score of one document for the query's words: every word must be a substring
   * (of the title or the text), else null. Title matches count far above body
   * matches, the whole query as a phrase above its words apart. */
  function score(doc, words, phrase) {
    var title = norm(doc.t), body = norm(doc.x), s = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], inTitle = title.indexOf(w) >= 0, n = count(body, w);
      if (!inTitle && !n) return null;
      s += (inTitle ? 100 : 0) + (title === w ? 50 : 0) + n * 2;
    }
    if (words.length > 1 && (title + ' ' + body).indexOf(phrase) >= 0) s += 30;
    if (doc.k === '展板' || doc.k === '活动') s += 5;
    return s;
  }

  /* Filters {kind, year, topic} are keys of the index too (search_index.FILTERS). */
  function filterKeys(filters) {
    var out = [];
    if (filters && filters.kind) out.push('k:' + filters.kind);
    if (filters && filters.year) out.push('y:' + filters.year);
    if (filters && filters.topic) out.push('p:' + filters.topic);
    return out;
  }

  /* Search: resolves to {words, results: [{doc, id, score, exact}], candidates, more(): Promise|null}.
   * Only the first `limit` candidates' documents are fetched; more() fetches the next BATCH and
   * appends them (results already shown keep their place). */
  function search(query, limit, filters) {
    var words = wordsOf(query), phrase = norm(query).trim();
    limit = limit || BATCH;
    return meta().then(function (m) {
      var all = [];
      words.forEach(function (w) { keysOf(w).forEach(function (k) { if (all.indexOf(k) < 0) all.push(k); }); });
      if (!all.length) return { words: words, results: [], candidates: 0, more: null };
      var fkeys = filterKeys(filters), keys = all.concat(fkeys), shardIds = [];
      keys.forEach(function (k) { var s = shardOf(k, m.shards); if (shardIds.indexOf(s) < 0) shardIds.push(s); });
      return Promise.all(shardIds.map(function (s) { return part(m, 's' + s + '.json'); })).then(function (shards) {
        var byShard = {};
        shardIds.forEach(function (s, i) { byShard[s] = shards[i]; });
        var cand = null; // id -> 1 when every key is in the title
        for (var i = 0; i < keys.length; i++) {
          var list = byShard[shardOf(keys[i], m.shards)][keys[i]], isFilter = i >= all.length;
          if (!list) { cand = {}; break; }
          var next = {};
          decode(list).forEach(function (v) {
            var id = v >> 1, t = v & 1;
            if (cand === null) next[id] = t;
            else if (id in cand) next[id] = isFilter ? cand[id] : cand[id] & t;
          });
          cand = next;
        }
        var ids = Object.keys(cand).map(Number);
        ids.sort(function (a, b) { return (cand[b] - cand[a]) || (a - b); }); // title hits first, then newest
        var results = [], done = 0;
        function round(upto) {
          var batch = ids.slice(done, upto);
          return Promise.all(batch.map(function (id) { return part(m, 'd' + id + '.json'); })).then(function (docs) {
            var fresh = batch.map(function (id, j) {
              var s = score(docs[j], words, phrase);
              return { doc: docs[j], id: id, score: s === null ? -1 : s, exact: s !== null };
            });
            fresh.sort(function (a, b) { return (b.score - a.score) || (a.id - b.id); });
            results = results.concat(fresh);
            done = Math.max(done, Math.min(upto, ids.length));
            var exact = results.filter(function (r) { return r.exact; });
            return {
              words: words,
              results: exact.length ? exact : results, // scattered characters only when nothing matches exactly
              candidates: ids.length,
              more: done < ids.length ? function () { return round(done + BATCH); } : null
            };
          });
        }
        return round(limit);
      });
    });
  }

  // ------------------------------------------------------------------ rendering
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /* Text with the query's words marked; built from text nodes only (volunteer text is never HTML here). */
  function marked(text, words) {
    var frag = document.createDocumentFragment(), low = norm(text), i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      words.forEach(function (w) {
        var j = low.indexOf(w, i);
        if (j >= 0 && (best < 0 || j < best)) { best = j; len = w.length; }
      });
      if (best < 0) { frag.appendChild(document.createTextNode(text.slice(i))); break; }
      if (best > i) frag.appendChild(document.createTextNode(text.slice(i, best)));
      frag.appendChild(el('mark', null, text.slice(best, best + len)));
      i = best + len;
    }
    return frag;
  }

  function snippet(text, words, size) {
    var low = norm(text), at = -1;
    words.forEach(function (w) { var j = low.indexOf(w); if (j >= 0 && (at < 0 || j < at)) at = j; });
    if (at < 0) return text.slice(0, size) + (text.length > size ? '…' : '');
    var start = Math.max(0, at - Math.floor(size / 3));
    return (start ? '…' : '') + text.slice(start, start + size) + (start + size < text.length ? '…' : '');
  }

  function resultItem(r, words, cls, size) {
    var d = r.doc, li = el('li', cls + '__item');
    var a = el('a', cls + '__link');
    a.href = new URL(d.u, base).href;
    var h = el('span', cls + '__title');
    h.appendChild(marked(d.t, words));
    a.appendChild(h);
    var meta = [d.k, d.m].concat(d.p || []).filter(function (x, i, all) { return x && all.indexOf(x) === i; }).join(' · ');
    a.appendChild(el('span', cls + '__meta', meta));
    var p = el('span', cls + '__text');
    p.appendChild(marked(snippet(d.x, words, size), words));
    a.appendChild(p);
    li.appendChild(a);
    return li;
  }

  function searchUrl(q) { return searchPage.href + '?q=' + encodeURIComponent(q); }

  /* Arrow keys from `field` through the `items` (result links, then the more button):
   * down to the next, up to the previous, up from the first back to the field. */
  function arrows(e, field, items) {
    var i = items.indexOf(document.activeElement);
    if (i < 0 && document.activeElement !== field) return false;
    if (e.key === 'ArrowDown' && items.length) { items[Math.min(i + 1, items.length - 1)].focus(); return true; }
    if (e.key === 'ArrowUp' && i >= 0) { (i === 0 ? field : items[i - 1]).focus(); return true; }
    return false;
  }

  function found(res, shown, q) {
    var what = q ? '包含「' + q + '」的' : '';
    return res.more
      ? '找到约 ' + res.candidates + ' 条' + what + '结果，' + (shown > BATCH ? '已显示 ' + shown + ' 条' : '先显示前 ' + shown + ' 条')
      : '找到 ' + shown + ' 条' + what + '结果';
  }

  // ------------------------------------------------------------------ header box
  var toggle = document.getElementById('__search');
  var input = document.getElementById('kp-search-input');
  var box = document.getElementById('kp-search-dropdown');
  var seq = 0, timer = 0;

  function links() { return box ? Array.prototype.slice.call(box.querySelectorAll('a')) : []; }

  function showDropdown(q) {
    var my = ++seq, status = box.querySelector('.kp-search-drop__status'), list = box.querySelector('ol');
    if (!q.trim()) { status.textContent = '输入要找的字词，例如 一氧化碳、疫苗、119'; list.textContent = ''; return; }
    status.textContent = '正在搜索…';
    search(q, DROPDOWN).then(function (res) {
      if (my !== seq) return;
      list.textContent = '';
      if (!res.results.length) { status.textContent = '没有找到包含「' + q.trim() + '」的内容'; return; }
      var shown = res.results.slice(0, DROPDOWN);
      status.textContent = res.results[0].exact ? found(res, shown.length, '')
        : '没有完全相同的字句，以下包含这些字：';
      shown.forEach(function (r) { list.appendChild(resultItem(r, res.words, 'kp-search-drop', 60)); });
      var li = el('li', 'kp-search-drop__item kp-search-drop__all'), a = el('a', 'kp-search-drop__link', '查看全部结果 →');
      a.href = searchUrl(q);
      li.appendChild(a);
      list.appendChild(li);
    }, function () {
      if (my === seq) status.textContent = '搜索暂时无法使用，请刷新页面后再试';
    });
  }

  function close() {
    if (toggle) toggle.checked = false;
    if (input) input.blur();
  }

  if (input && box) {
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { showDropdown(input.value); }, 120);
    });
    input.addEventListener('focus', function () { if (toggle) toggle.checked = true; });
    if (toggle) toggle.addEventListener('change', function () { if (toggle.checked) input.focus(); });
    var reset = document.getElementById('kp-search-reset');
    if (reset) reset.addEventListener('click', function () { setTimeout(function () { showDropdown(''); input.focus(); }, 0); });
    document.addEventListener('keydown', function (e) {
      if (!toggle || !toggle.checked) return;
      if (e.key === 'Escape') { e.preventDefault(); close(); }
      else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && arrows(e, input, links())) e.preventDefault();
    }, true);
    showDropdown(input.value);
  }

  // ------------------------------------------------------------------ search page
  function runPage() {
    var page = document.getElementById('kp-search-page');
    if (!page) return;
    var params = new URLSearchParams(location.search), q = params.get('q') || '';
    var filters = { kind: params.get('kind') || '', year: params.get('year') || '', topic: params.get('topic') || '' };
    ['kind', 'year', 'topic'].forEach(function (name) {
      var sel = document.getElementById('kp-search-' + name);
      if (sel) { sel.value = filters[name]; if (sel.value !== filters[name]) filters[name] = ''; }
    });
    var field = document.getElementById('kp-search-q');
    var status = document.getElementById('kp-search-status');
    var list = document.getElementById('kp-search-results');
    var moreBtn = document.getElementById('kp-search-more');
    page.classList.add('kp-search-page--js');
    field.value = q;
    if (input && !input.value) input.value = q;
    function items() {
      var l = Array.prototype.slice.call(list.querySelectorAll('a'));
      return moreBtn.hidden ? l : l.concat([moreBtn]);
    }
    document.addEventListener('keydown', function (e) {
      if (toggle && toggle.checked) return; // the header drop-down is open: its keys
      if (e.key === 'Escape' && items().indexOf(document.activeElement) >= 0) { e.preventDefault(); field.focus(); }
      else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && arrows(e, field, items())) e.preventDefault();
    });
    if (!q.trim()) { status.textContent = '请输入要找的字词。多个词用空格隔开，结果要同时包含它们。'; field.focus(); return; }
    document.title = '搜索：' + q.trim() + ' - ' + document.title;
    status.textContent = '正在搜索…';
    var shown = 0;
    function show(res) {
      var first = null;
      if (!res.results.length) {
        status.textContent = '没有找到包含「' + q.trim() + '」的内容。可以换个说法，或少写几个字再试。';
      } else {
        var exact = res.results[0].exact;
        if (!exact || res.results.length < shown) { list.textContent = ''; shown = 0; }
        res.results.slice(shown).forEach(function (r) {
          var li = resultItem(r, res.words, 'kp-search-results', 120);
          first = first || li.querySelector('a');
          list.appendChild(li);
        });
        shown = res.results.length;
        status.textContent = exact ? found(res, shown, q.trim())
          : '没有完全相同的字句。下面的结果包含这些字，但不连在一起：';
      }
      moreBtn.hidden = !res.more;
      moreBtn.onclick = res.more ? function () {
        moreBtn.disabled = true;
        status.textContent = '正在加载更多结果…';
        res.more().then(function (r) {
          moreBtn.disabled = false;
          var f = show(r);
          if (f) f.focus(); // keyboard and screen-reader users continue at the first new result
          else if (!moreBtn.hidden) moreBtn.focus();
        }, function () { moreBtn.disabled = false; status.textContent = '没有加载成功，请再点一次「显示更多结果」。'; });
      } : null;
      return first;
    }
    search(q, BATCH, filters).then(show, function () {
      status.textContent = '搜索暂时无法使用（索引没有加载成功），请刷新页面后再试。';
    });
  }

  window.kepuSearch = { search: search, wordsOf: wordsOf, keysOf: keysOf, shardOf: shardOf, fetched: fetched };
  runPage();
})();
