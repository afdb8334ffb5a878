/* Site search (kepu). Loaded only when a reader opens or types in the search box,
 * or on the search page. Fetches search/meta.json, then only the posting shards
 * of the query's keys and the documents it shows (20 on the search page, 8 in the
 * header drop-down; more on demand). Each word also searches its synonyms
 * (meta.json's table, see expand()); exact matches come first. The index format is
 * described in scripts/kepu/views/search_index.py. */
(function () {
  'use strict';
  if (window.kepuSearch) return;

  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+/g;
  var BATCH = 20; // documents the search page shows (and fetches) per round: search_index.BATCH
  var DROPDOWN = 8; // documents the header drop-down shows (and fetches): search_index.DROPDOWN
  var MAX_ALTS = 8; // alternatives of one query word at most: search_index.MAX_ALTS
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

  /* What else a normalized query word searches for: search_index.expand() in Python (the
   * docstring there says how). `table` is meta.json's syn: [[words], [also]], as written
   * (normalized here, search_index.normalized_table; `spelt` keeps how to show them). */
  var groupsOf = null, groupsTable = null, longest = 0, spelt = {};
  function expand(word, table) {
    if (groupsTable !== table) {
      groupsOf = Object.create(null); longest = 0; groupsTable = table;
      (table || []).forEach(function (raw) {
        var row = raw.map(function (part) {
          return part.map(function (w) { var n = norm(w); spelt[n] = spelt[n] || w; return n; });
        });
        row[0].forEach(function (t) {
          (groupsOf[t] = groupsOf[t] || []).push(row);
          longest = Math.max(longest, t.length);
        });
      });
    }
    var alts = [], i = 0;
    while (i < word.length) {
      var t = null;
      for (var n = Math.min(longest, word.length - i); n > 1 && !t; n--) {
        if (groupsOf[word.substr(i, n)]) t = word.substr(i, n);
      }
      if (!t) { i++; continue; }
      groupsOf[t].forEach(function (row) {
        row[0].forEach(function (x) { if (x !== t) alts.push(word.slice(0, i) + x + word.slice(i + t.length)); });
        if (t === word && row.length > 1) alts = alts.concat(row[1]);
      });
      i += t.length;
    }
    var seen = {};
    alts = alts.filter(function (a) {
      if (seen[a] || a.indexOf(word) >= 0 || !keysOf(a).length) return false;
      seen[a] = 1;
      return true;
    });
    return alts.filter(function (a) {
      return !alts.some(function (b) { return b !== a && a.indexOf(b) >= 0; });
    }).slice(0, MAX_ALTS);
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

  /* Score of one document for the query's words: every word (or one of its synonyms,
   * variants[i][1..]) must be a substring of the title or the text, else null. Title
   * matches count far above body matches, the whole query as a phrase above its words
   * apart. `via`: the synonyms the document was found by (none for an exact match). */
  function score(doc, words, variants, phrase) {
    var title = norm(doc.t), body = norm(doc.x), s = 0, via = [];
    for (var i = 0; i < words.length; i++) {
      var hit = null;
      for (var j = 0; j < variants[i].length && !hit; j++) {
        var w = variants[i][j], inTitle = title.indexOf(w) >= 0, n = count(body, w);
        if (inTitle || n) hit = { w: w, s: (inTitle ? 100 : 0) + (title === w ? 50 : 0) + n * 2, syn: j > 0 };
      }
      if (!hit) return null;
      s += hit.s;
      if (hit.syn) via.push(hit.w);
    }
    if (words.length > 1 && (title + ' ' + body).indexOf(phrase) >= 0) s += 30;
    if (doc.k === '展板' || doc.k === '活动') s += 5;
    if (doc.k === '指南') s -= 10; // the volunteers' guide quotes residents' words as examples: after what residents look for
    return { score: s, via: via };
  }

  /* Filters {kind, year, topic} are keys of the index too (search_index.FILTERS). */
  function filterKeys(filters) {
    var out = [];
    if (filters && filters.kind) out.push('k:' + filters.kind);
    if (filters && filters.year) out.push('y:' + filters.year);
    if (filters && filters.topic) out.push('p:' + filters.topic);
    return out;
  }

  /* Candidates of one set of keys: id -> 1 when every key is in the title (null: a key is missing). */
  function matches(keys, post) {
    var out = null;
    for (var i = 0; i < keys.length; i++) {
      var list = post(keys[i]);
      if (!list) return {};
      var next = {};
      decode(list).forEach(function (v) {
        var id = v >> 1, t = v & 1;
        if (out === null) next[id] = t;
        else if (id in out) next[id] = out[id] & t;
      });
      out = next;
    }
    return out || {};
  }

  /* Search: resolves to {words, also, results: [{doc, id, score, exact, via}], candidates, more(): Promise|null}.
   * Each word also matches its synonyms (expand); `also` lists those that found something.
   * Candidates are fetched exact matches first, then all keys in the title, then newest; only
   * the first `limit` candidates' documents are fetched; more() fetches the next BATCH and
   * appends them (results already shown keep their place). search_index.candidates() is the
   * same in Python. */
  function search(query, limit, filters) {
    var words = wordsOf(query), phrase = norm(query).trim();
    limit = limit || BATCH;
    return meta().then(function (m) {
      var variants = words.map(function (w) { return [w].concat(expand(w, m.syn)); });
      if (!words.some(function (w) { return keysOf(w).length; })) return { words: words, also: [], results: [], candidates: 0, more: null };
      var fkeys = filterKeys(filters), keys = [], shardIds = [];
      variants.forEach(function (vs) { vs.forEach(function (v) { keys = keys.concat(keysOf(v)); }); });
      keys.concat(fkeys).forEach(function (k) { var s = shardOf(k, m.shards); if (shardIds.indexOf(s) < 0) shardIds.push(s); });
      return Promise.all(shardIds.map(function (s) { return part(m, 's' + s + '.json'); })).then(function (shards) {
        var byShard = {};
        shardIds.forEach(function (s, i) { byShard[s] = shards[i]; });
        function post(k) { return byShard[shardOf(k, m.shards)][k]; }
        var cand = null, sets = []; // cand: id -> [every word exact, every word in the title]
        variants.forEach(function (vs) {
          if (!keysOf(vs[0]).length) { sets.push([]); return; } // no key (punctuation only): checked on the text
          var own = vs.map(function (v) { return matches(keysOf(v), post); }), word = {};
          sets.push(own);
          own.forEach(function (ms, j) {
            Object.keys(ms).forEach(function (id) {
              if (!(id in word)) word[id] = [j ? 0 : 1, ms[id]];
              else if (!word[id][0]) word[id][1] |= ms[id];
            });
          });
          if (cand === null) cand = word;
          else {
            var next = {};
            Object.keys(word).forEach(function (id) {
              if (id in cand) next[id] = [cand[id][0] & word[id][0], cand[id][1] & word[id][1]];
            });
            cand = next;
          }
        });
        fkeys.forEach(function (k) {
          var has = {}, next = {};
          decode(post(k) || '').forEach(function (v) { has[v >> 1] = 1; });
          Object.keys(cand).forEach(function (id) { if (has[id]) next[id] = cand[id]; });
          cand = next;
        });
        var also = [];
        variants.forEach(function (vs, i) {
          vs.forEach(function (v, j) {
            if (j && sets[i].length && also.indexOf(v) < 0 && Object.keys(sets[i][j]).some(function (id) { return id in cand && !(id in sets[i][0]); })) also.push(v);
          });
        });
        var ids = Object.keys(cand).map(Number);
        ids.sort(function (a, b) { return (cand[b][0] - cand[a][0]) || (cand[b][1] - cand[a][1]) || (a - b); });
        var results = [], done = 0;
        function round(upto) {
          var batch = ids.slice(done, upto);
          return Promise.all(batch.map(function (id) { return part(m, 'd' + id + '.json'); })).then(function (docs) {
            var fresh = batch.map(function (id, j) {
              var s = score(docs[j], words, variants, phrase);
              return { doc: docs[j], id: id, score: s ? s.score : -1, exact: !!s, via: s ? s.via : [] };
            });
            // exact matches, then synonyms' (a synonym never outranks the word typed), then scattered characters
            function rank(r) { return r.exact ? (r.via.length ? 1 : 0) : 2; }
            fresh.sort(function (a, b) { return (rank(a) - rank(b)) || (b.score - a.score) || (a.id - b.id); });
            results = results.concat(fresh);
            done = Math.max(done, Math.min(upto, ids.length));
            var exact = results.filter(function (r) { return r.exact; });
            return {
              words: words,
              also: also,
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
    words = words.concat(r.via || []); // a synonym it was found by is marked too
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

  /* "也搜索了：反诈、诈骗" (the synonyms that found something), each a link to search it alone. */
  function alsoLine(res, cls) {
    if (!res.also.length) return null;
    var p = el('span', cls, '也搜索了：');
    res.also.forEach(function (w, i) {
      if (i) p.appendChild(document.createTextNode('、'));
      var a = el('a', null, spelt[w] || w);
      a.href = searchUrl(spelt[w] || w);
      p.appendChild(a);
    });
    return p;
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

  /* "找到 N 条结果"; with synonyms the results do not all contain q, and when none does, it says so first. */
  function found(res, shown, q) {
    var what = q && !res.also.length ? '包含「' + q + '」的' : '';
    if (res.results[0].via.length) return (q ? '没有找到「' + q + '」，' : '') + '找到' + (res.more ? '约 ' + res.candidates : ' ' + shown) + ' 条相近的结果';
    return res.more
      ? '找到约 ' + res.candidates + ' 条' + what + '结果，' + (shown > BATCH ? '已显示 ' + shown + ' 条' : '先显示前 ' + shown + ' 条')
      : '找到 ' + shown + ' 条' + what + '结果';
  }

  // ------------------------------------------------------------------ header box
  var toggle = document.getElementById('__search');
  var input = document.getElementById('kp-search-input');
  var box = document.getElementById('kp-search-dropdown');
  var seq = 0, timer = 0;

  function links() { return box ? Array.prototype.slice.call(box.querySelectorAll('ol a')) : []; }

  function showDropdown(q) {
    var my = ++seq, status = box.querySelector('.kp-search-drop__status'), list = box.querySelector('ol');
    if (!q.trim()) { status.textContent = '输入要找的字词，例如 一氧化碳、疫苗、119'; list.textContent = ''; return; }
    status.textContent = '正在搜索…';
    search(q, DROPDOWN).then(function (res) {
      if (my !== seq) return;
      list.textContent = '';
      if (!res.results.length) { status.textContent = '没有找到包含「' + q.trim() + '」的内容'; return; }
      var shown = res.results.slice(0, DROPDOWN);
      status.textContent = res.results[0].exact ? found(res, shown.length, res.results[0].via.length ? q.trim() : '')
        : '没有完全相同的字句，以下包含这些字：';
      var also = alsoLine(res, 'kp-search-also');
      if (also && res.results[0].exact) status.appendChild(also);
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
    if (!q.trim()) { status.textContent = '请输入要找的字词。展板、活动、月刊、专题和指南都能搜到；多个词用空格隔开，结果要同时包含它们。'; field.focus(); return; }
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
        var also = alsoLine(res, 'kp-search-also');
        if (also && exact) status.appendChild(also);
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

  window.kepuSearch = { search: search, expand: expand, wordsOf: wordsOf, keysOf: keysOf, shardOf: shardOf, fetched: fetched };
  runPage();
})();
