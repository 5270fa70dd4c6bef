// Live "closes in ..." for elements with data-closes-at (ISO 8601). No inline script: CSP-safe.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-closes-at]");
  if (!nodes.length) { return; }
  function render() {
    nodes.forEach(function (node) {
      var left = Math.max(0, Date.parse(node.dataset.closesAt) - Date.now());
      var d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24,
          m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
      var units = JSON.parse(node.dataset.units);
      node.textContent = left === 0 ? node.dataset.closedText
        : (d ? d + " " + units.d + " " : "") + h + " " + units.h + " " + m + " " + units.m + " " + s + " " + units.s;
    });
  }
  render();
  setInterval(render, 1000);
})();
