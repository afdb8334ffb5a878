/* kepu serve: added to every page of the local preview only (never to the built site).
   Long-polls /__kepu/status; reloads when a new good build is published; while
   the content has errors, shows them over the last good version. All text from
   the server goes in with textContent. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  var pageBuild = Number(script && script.getAttribute("data-build")) || 0;
  var SCROLL = "kepu-preview-scroll";
  var COLLAPSED = "kepu-preview-collapsed";
  var ERROR = "错误";
  var version = null;
  var failures = 0;
  var shown = "";  // what is on screen, to redraw only on change
  var root = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function box() {
    if (root) return root;
    var host = el("kepu-preview");
    host.style.all = "initial";
    document.documentElement.appendChild(host);
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var css = el("link");
    css.rel = "stylesheet";
    css.href = "/__kepu/preview.css";
    root.appendChild(css);
    return root;
  }

  function clear() {
    if (!root) return;
    Array.prototype.slice.call(root.childNodes, 1).forEach(function (n) { root.removeChild(n); });
  }

  function item(p) {
    var warn = p.severity !== ERROR;
    var li = el("li", "kp-item" + (warn ? " kp-item--warn" : ""));
    var where = el("span", "kp-where");
    where.appendChild(el("span", "kp-kind", p.severity));
    where.appendChild(el("span", "kp-path", p.path));
    if (p.line > 0) where.appendChild(el("span", "kp-line", "第 " + p.line + " 行"));
    li.appendChild(where);
    li.appendChild(el("p", "kp-msg", p.message));
    if (p.fix) {
      var fix = el("p", "kp-fix");
      fix.appendChild(el("b", null, "怎么改："));
      fix.appendChild(document.createTextNode(p.fix));
      li.appendChild(fix);
    }
    return li;
  }

  function panel(list, errors, key) {
    var warn = !errors;
    var back = el("div", "kp kp-backdrop");
    var card = el("section", "kp-panel" + (warn ? " kp-panel--warn" : ""));
    card.setAttribute("role", "alertdialog");
    card.setAttribute("aria-live", "assertive");
    var title = warn ? "有 " + list.length + " 个警告（不影响预览）"
      : "内容有 " + errors + " 处错误，" + (pageBuild ? "这里显示的是上一次正确的版本" : "预览还没有生成");
    card.appendChild(el("h2", "kp-title", title));
    card.appendChild(el("p", "kp-sub", warn ? "最好按提示改一下。" : "请按下面的提示修改文件，保存后会自动重新生成。"));
    var ul = el("ul", "kp-list");
    list.forEach(function (p) { ul.appendChild(item(p)); });
    card.appendChild(ul);
    if (!warn) card.appendChild(el("p", "kp-foot", "改好并保存以后，这个红框会自动消失，页面会自动刷新。"));
    var hide = el("button", "kp-button", warn ? "关闭" : "先收起，看看页面");
    hide.type = "button";
    hide.onclick = function () {
      if (warn) sessionStorage.removeItem(COLLAPSED); else sessionStorage.setItem(COLLAPSED, key);
      shown = "";
      draw(last);
    };
    card.appendChild(hide);
    back.appendChild(card);
    return back;
  }

  var last = null;
  function draw(s) {
    last = s;
    var problems = (s && s.problems ? s.problems : []).slice().sort(function (a, b) {
      return (a.severity === ERROR ? 0 : 1) - (b.severity === ERROR ? 0 : 1);  // errors first, else as the server sorted
    });
    var errors = problems.filter(function (p) { return p.severity === ERROR; }).length;
    var key = JSON.stringify(problems);
    var collapsed = sessionStorage.getItem(COLLAPSED) === key;
    var warningsOpen = sessionStorage.getItem(COLLAPSED) === "open:" + key;
    var state = [key, collapsed, warningsOpen, s && s.building, failures >= 2].join("|");
    if (state === shown) return;
    shown = state;
    if (!problems.length && !(s && s.building) && failures < 2 && !root) return;
    var r = box();
    clear();
    var wrap = el("div", "kp");
    if (errors && !collapsed) {
      wrap.appendChild(panel(problems, errors, key));
    } else if (errors) {
      var bar = el("button", "kp-bar", "内容有 " + errors + " 处错误（点这里查看）");
      bar.type = "button";
      bar.onclick = function () { sessionStorage.removeItem(COLLAPSED); shown = ""; draw(last); };
      wrap.appendChild(bar);
    } else if (warningsOpen) {
      wrap.appendChild(panel(problems, 0, key));
    } else if (problems.length) {
      var pill = el("button", "kp-pill kp-pill--warn", problems.length + " 个警告（点这里查看）");
      pill.type = "button";
      pill.onclick = function () { sessionStorage.setItem(COLLAPSED, "open:" + key); shown = ""; draw(last); };
      wrap.appendChild(pill);
    }
    if (failures >= 2) {
      wrap.appendChild(el("div", "kp-pill kp-pill--stopped", "预览已停止（运行预览的窗口关掉了？）"));
    } else if (s && s.building) {
      wrap.appendChild(el("div", "kp-pill kp-pill--busy", "正在更新预览…"));
    }
    r.appendChild(wrap);
  }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({ path: location.pathname, y: window.scrollY }));
    } catch (e) { /* private mode: lose the scroll position, nothing else */ }
    location.reload();
  }

  function restoreScroll() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
      sessionStorage.removeItem(SCROLL);
      if (saved && saved.path === location.pathname) window.scrollTo(0, saved.y);
    } catch (e) { /* nothing to restore */ }
  }

  function poll() {
    var url = "/__kepu/status" + (version === null ? "" : "?version=" + version);
    fetch(url, { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (s) {
        failures = 0;
        version = s.version;
        if (s.build > pageBuild) return reload();
        draw(s);
        poll();
      })
      .catch(function () {
        failures += 1;
        draw(last);
        setTimeout(poll, Math.min(10000, 1000 * failures));
      });
  }

  restoreScroll();
  poll();
})();
