/**
 * The UI's only script, served at `/static/live.js`: on a page marked `data-live`, it listens to
 * `/events` (server-sent events) and, on each change, fetches the page's live fragment and swaps it
 * in, so the view advances without a reload (open <details> and the focused element, by id, stay so).
 * Without the script the pages still work (reload them).
 */
export const LIVE_SCRIPT = `"use strict";
(function () {
  var root = document.getElementById("live");
  if (!root || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var url = new URL(window.location.href);
    url.searchParams.set("fragment", "live");
    fetch(url.toString(), { headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status)); })
      .then(function (text) {
        var open = Array.prototype.map.call(root.querySelectorAll("details[open][id]"), function (d) { return d.id; });
        var focused = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : "";
        root.innerHTML = text;
        open.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
        if (focused) { var f = document.getElementById(focused); if (f) f.focus(); }
        root.setAttribute("data-version", String(Number(root.getAttribute("data-version") || "0") + 1));
        if (status) status.textContent = "Live: updated " + new Date().toLocaleTimeString();
      })
      .catch(function (e) { if (status) status.textContent = "Live: update failed (" + e.message + "), retrying"; })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var source = new EventSource("/events");
  source.addEventListener("change", refresh);
  source.onopen = function () { if (status) status.textContent = "Live: connected"; };
  source.onerror = function () { if (status) status.textContent = "Live: reconnecting"; };
})();
`;
