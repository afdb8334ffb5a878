/* Before the CMS loads: where its own files are (the vendored bundle was rewritten to
   load its strings and fonts from here, never from a CDN), Chinese as the UI language,
   and the UI strings put into the CMS's locale cache from the same-origin copy, so the
   UI is Chinese at once even on an English Windows. Synchronous on purpose: it must run
   before vendor/sveltia-cms.js. */
(function () {
  var script = document.currentScript;
  var version = script.getAttribute("data-version");
  self.KEPU_CMS_BASE = new URL("vendor/", script.src).href;
  try {
    var prefs = JSON.parse(localStorage.getItem("sveltia-cms.prefs") || "{}") || {};
    if (!prefs.locale) {
      prefs.locale = "zh-CN";
      localStorage.setItem("sveltia-cms.prefs", JSON.stringify(prefs));
    }
    var cached = JSON.parse(localStorage.getItem("sveltia-cms.locale") || "{}") || {};
    if (cached._locale !== "zh-CN" || cached._version !== version) {
      var request = new XMLHttpRequest();
      request.open("GET", self.KEPU_CMS_BASE + "locales/zh-CN.json", false);
      request.send();
      if (request.status === 200) {
        var strings = JSON.parse(request.responseText);
        strings._locale = "zh-CN";
        strings._version = version;
        localStorage.setItem("sveltia-cms.locale", JSON.stringify(strings));
      }
    }
  } catch (e) {
    /* private mode or storage full: the CMS then fetches the same file itself */
  }
})();
