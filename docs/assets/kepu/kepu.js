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
