// Live progress of a call's letters: polls the JSON endpoint every 2 s while letters
// are pending. Without JavaScript, a reload shows the same figures.
(function () {
  "use strict";
  var box = document.getElementById("letters-progress");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var failedNode = box.querySelector('[data-field="failed"]');
  var failedAtLoad = failedNode ? failedNode.textContent.trim() : "0";
  function set(name, value) {
    var node = box.querySelector('[data-field="' + name + '"]');
    if (node) node.textContent = value;
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        set("done", data.done);
        set("total", data.total);
        set("pending", data.pending);
        set("failed", data.failed);
        var bar = box.querySelector('[data-field="bar"]');
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        if (data.pending > 0) window.setTimeout(tick, 2000);
        else if (String(data.failed) !== failedAtLoad) window.location.reload();  // list the failures
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 2000);
})();
