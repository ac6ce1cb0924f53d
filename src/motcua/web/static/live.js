// motcua web kit: live updates by server-sent events, without inline scripts.
// <body data-live="/url/of/stream"> opens an EventSource. A "patch" message carries
// {"html": {"element-id": "<escaped fragment rendered by the server>"},
//  "text": {"element-id": "plain text"}} and replaces those elements' contents.
// The server renders every fragment with autoescaping, so no user text becomes markup.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-live");
  if (!url || !window.EventSource) { return; }
  var dot = document.getElementById("live-dot");
  var source = new EventSource(url);
  source.addEventListener("ready", function () {
    document.body.dataset.liveState = "open";
    if (dot) { dot.classList.add("on"); }
  });
  source.addEventListener("error", function () {
    document.body.dataset.liveState = "closed";
    if (dot) { dot.classList.remove("on"); }
  });
  source.addEventListener("patch", function (ev) {
    var msg = JSON.parse(ev.data);
    var id;
    for (id in (msg.html || {})) {
      var el = document.getElementById(id);
      if (el) { el.innerHTML = msg.html[id]; }
    }
    for (id in (msg.text || {})) {
      var t = document.getElementById(id);
      if (t) { t.textContent = msg.text[id]; }
    }
    document.body.setAttribute("data-live-version", String(msg.version || ""));
  });
})();
