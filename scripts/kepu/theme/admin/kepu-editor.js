/* kepu's additions to the editor: the 展板 (panel) component. A panel in kepu's Markdown is a
   heading line "## 【专题】标题"; with this button a volunteer picks the topic from the list
   (topics.json, made from bulletins/topics.yml at build time) and types the title, and never
   types 【】 or ##. */
(function () {
  var topics = [];
  try {
    var request = new XMLHttpRequest();
    request.open("GET", new URL("topics.json", document.currentScript.src).href, false);
    request.send();
    if (request.status === 200) topics = JSON.parse(request.responseText);
  } catch (e) { /* no list: the topic is then typed */ }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  if (!window.CMS) return;
  window.CMS.registerEditorComponent({
    id: "kepu-panel",
    label: "展板",
    icon: "view_agenda",
    fields: [
      topics.length
        ? { name: "topic", label: "专题", widget: "select", options: topics, hint: "这块展板属于哪个专题" }
        : { name: "topic", label: "专题", widget: "string", hint: "专题的中文名，例如 健康" },
      { name: "title", label: "展板标题", widget: "string", hint: "例如 冬季流感怎么防" },
    ],
    pattern: /^## 【([^】\n]*)】([^\n]*)$/,
    fromBlock: function (match) {
      return { topic: match[1].trim(), title: match[2].trim() };
    },
    toBlock: function (data) {
      return "## 【" + (data.topic || "").trim() + "】" + (data.title || "").trim();
    },
    toPreview: function (data) {
      return "<h2>【" + escapeHtml(data.topic) + "】" + escapeHtml(data.title) + "</h2>";
    },
  });
})();
