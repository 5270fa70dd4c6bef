// Characters left under every field with a maxlength. No inline script: CSP-safe.
(function () {
  "use strict";
  var label = document.body.dataset.charsLeft || "characters left";
  document.querySelectorAll("input[maxlength], textarea[maxlength]").forEach(function (field) {
    if (field.type === "hidden" || field.type === "email" || field.type === "password") { return; }
    var max = parseInt(field.getAttribute("maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() { counter.textContent = (max - field.value.length) + " " + label; }
    field.addEventListener("input", update);
    update();
  });
})();
