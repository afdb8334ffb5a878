/* 科普橱窗: keep "upcoming" honest on the day the page is read, not the day
   it was built. Activities whose date has passed move to the past list;
   upcoming ones get a countdown (今天 / 明天 / 还有 N 天). No dependencies. */
(function () {
  "use strict";
  function today() {
    // The community's calendar day in its time zone (extra.timezone), not the phone's.
    var meta = document.querySelector('meta[name="kepu-timezone"]');
    var tz = (meta && meta.content) || "Asia/Shanghai";
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    } catch (e) {
      return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);  // UTC+8 fallback
    }
  }
  function days(from, to) {
    return Math.round((Date.parse(to) - Date.parse(from)) / 86400000);
  }
  function label(n) {
    return n === 0 ? "今天" : n === 1 ? "明天" : n === 2 ? "后天" : "还有 " + n + " 天";
  }
  function run() {
    var t = today();
    document.querySelectorAll(".kp-act--upcoming").forEach(function (li) {
      var d = li.getAttribute("data-date");
      if (d < t) {
        li.hidden = true;
      } else {
        var b = li.querySelector("[data-kp-countdown]");
        if (b) b.textContent = label(days(t, d));
      }
    });
    document.querySelectorAll(".kp-acts--later > li").forEach(function (li) {
      if (li.getAttribute("data-date") < t) li.hidden = false;
    });
    document.querySelectorAll("[data-kp-countdown-text]").forEach(function (p) {
      var n = days(t, p.getAttribute("data-date"));
      p.textContent = n >= 0 ? "距离活动" + (n === 0 ? "：就在今天" : n === 1 ? "：明天" : "还有 " + n + " 天") : "这场活动已经结束。";
    });
    var list = document.querySelector(".kp-acts--upcoming");
    var empty = document.querySelector("[data-kp-empty]");
    if (empty && list) {
      var visible = list.querySelectorAll("li:not([hidden])").length;
      empty.hidden = visible > 0;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
/* Names for Material's controls that have none (residents first, issue 14): the search dialog.
   The phone menu button is a label, named by its visually hidden text (overrides/partials/header.html):
   ARIA forbids aria-label on a label. */
(function () {
  "use strict";
  function name() {
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.getAttribute("aria-label")) search.setAttribute("aria-label", "搜索本站");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", name);
  else name();
})();
/* Urgent notices (kepu/notices.py): each banner shows only between data-start and data-end
   (epoch ms) by the reader's clock, so it appears and disappears with no rebuild. */
(function () {
  "use strict";
  var timer = null;
  function update() {
    var now = Date.now(), next = Infinity;
    clearTimeout(timer);
    document.querySelectorAll(".kp-notice[data-start]").forEach(function (b) {
      var start = Number(b.getAttribute("data-start")), end = Number(b.getAttribute("data-end"));
      b.hidden = !(now >= start && now < end);
      if (start > now) next = Math.min(next, start);
      if (end > now) next = Math.min(next, end);
    });
    // wake at the next start or end (checked at least every minute: timers sleep in background tabs)
    if (next < Infinity) timer = setTimeout(update, Math.max(200, Math.min(next - now + 100, 60000)));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
  document.addEventListener("visibilitychange", function () { if (!document.hidden) update(); });
})();
/* 听一听 (issue 25): read a panel or an activity aloud with the browser's own Chinese voice
   (speechSynthesis: no network, nothing sent anywhere). The buttons are in the page, hidden;
   they are shown only where a Chinese voice exists. One button speaks at a time:
   听一听 → 暂停 → 继续; at the end it says 听一听 again. */
(function () {
  "use strict";
  var synth = window.speechSynthesis, Utterance = window.SpeechSynthesisUtterance;
  if (!synth || !Utterance) return;
  var voice = null, current = null, pieces = [], index = 0, paused = false, token = 0;
  function chinese() {
    var best = null;
    (synth.getVoices() || []).forEach(function (v) {
      var lang = (v.lang || "").replace("_", "-").toLowerCase();
      if (!/^(zh|cmn)/.test(lang)) return;
      var rank = /cn|hans/.test(lang) ? 3 : /tw|hk|hant|yue/.test(lang) ? 1 : 2;  // Mandarin of the mainland first
      if (v.localService) rank += 0.5;  // works offline
      if (!best || rank > best.rank) best = { v: v, rank: rank };
    });
    return best && best.v;
  }
  function text(button) {
    // the panel's or the activity's text as shown, without the buttons, the topic line and the links below
    var panel = button.closest(".kp-panel"), root = panel || document.querySelector(".md-content__inner");
    if (!root) return "";
    var parts = [], below = false;
    Array.prototype.forEach.call(root.children, function (el) {
      if (!panel && el.matches("h2") && /同专题/.test(el.textContent)) below = true;
      if (below || el.matches(".kp-listen-row, .kp-panel__topic, .kp-kicker, .kp-panel-cards, .kp-prevnext, .kp-meta, nav, script, style, [hidden]")) return;
      parts.push(el.innerText || el.textContent || "");
    });
    return parts.join("\n");
  }
  function chunks(s) {
    // short pieces, one sentence each: some voices stop after about 15 s of one utterance
    var out = [];
    s.replace(/\s*\n+\s*/g, "。").replace(/([。！？；!?;])/g, "$1\u0001").split("\u0001").forEach(function (piece) {
      piece = piece.trim();
      while (piece.length > 120) { out.push(piece.slice(0, 120)); piece = piece.slice(120); }
      if (piece && /[\u4e00-\u9fff0-9A-Za-z]/.test(piece)) out.push(piece);
    });
    return out;
  }
  function show(button, state) {
    button.textContent = state === "speaking" ? "暂停" : state === "paused" ? "继续" : "听一听";
    button.setAttribute("aria-pressed", state === "idle" ? "false" : "true");
    button.classList.toggle("kp-listen--on", state !== "idle");
  }
  function stop() {
    token++;
    paused = false;
    synth.cancel();
    if (current) show(current, "idle");
    current = null;
  }
  function speak() {
    // one sentence; the next when it ends. Pausing cancels and starts the sentence again on 继续
    // (speechSynthesis.pause() does nothing on Android).
    if (!current || paused) return;
    if (index >= pieces.length) { stop(); return; }
    var mine = ++token, u = new Utterance(pieces[index]);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;  // a little slower than the default: many listeners are elderly
    u.onend = function () { if (mine === token) { index++; speak(); } };
    u.onerror = function () { if (mine === token) stop(); };
    synth.speak(u);
  }
  function press(button) {
    if (current === button && !paused) { paused = true; token++; synth.cancel(); show(button, "paused"); return; }
    if (current === button && paused) { paused = false; show(button, "speaking"); speak(); return; }
    stop();
    current = button;
    pieces = chunks(text(button));
    index = 0;
    show(button, "speaking");
    speak();
  }
  function setup() {
    voice = chinese();
    document.querySelectorAll(".kp-listen-row").forEach(function (row) {
      row.hidden = !voice;
      var button = row.querySelector(".kp-listen");
      if (button && !button.kpListen) {
        button.kpListen = true;
        button.addEventListener("click", function () { press(button); });
      }
    });
  }
  function start() {
    setup();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", setup);  // voices arrive late in Chrome
    window.addEventListener("pagehide", stop);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
