// Refreshes each dashboard panel every few seconds from its HTML fragment, without a full reload.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;

  // An admin typing into a panel (a note, a filter) must not lose it to a refresh.
  function busy(panel) {
    var active = document.activeElement;
    if (active && active !== document.body && panel.contains(active) && active.tagName !== "BUTTON") return true;
    return Array.prototype.some.call(panel.querySelectorAll("input[type=text], textarea"), function (field) {
      return field.value !== "";
    });
  }

  function refresh(panel) {
    if (busy(panel)) return Promise.resolve();
    return fetch(panel.getAttribute("data-panel"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (response.status === 401 || response.redirected) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html !== null && html !== undefined && !busy(panel)) panel.innerHTML = html; })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }

  function tick() {
    var panels = document.querySelectorAll("[data-panel]");
    if (!panels.length) return;
    Promise.all(Array.prototype.map.call(panels, refresh)).then(function () {
      var stamp = document.getElementById("refreshed");
      if (stamp) stamp.textContent = "refreshed " + new Date().toLocaleTimeString();
    });
  }

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  if (document.querySelector("[data-panel]")) window.setInterval(tick, INTERVAL_MS);
})();
