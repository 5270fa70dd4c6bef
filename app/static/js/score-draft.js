// The score page (templates/jury/score.html): the review is saved as a draft while the
// juror types (1.5 s after the last change), and Ctrl+Enter (Cmd+Enter on a Mac) is
// "Save and next". Without JavaScript the page works the same through its buttons.
// Each save carries the review's version and gets the new one back: a save from another
// tab in the meantime is refused (409) and autosaving stops, asking for a reload.
// No inline script anywhere: CSP-safe.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !form.hasAttribute("data-draft-url") || !window.fetch || !window.FormData) return;
  var url = form.getAttribute("data-draft-url");
  var status = document.getElementById("draft-status");
  var state = document.getElementById("review-state");
  var version = form.elements.namedItem("version");
  var next = form.querySelector('button[name="action"][value="next"]');
  var DELAY = 1500;
  var timer = null;
  var inFlight = null;
  var saved = snapshot();
  var stopped = false;
  var leaving = false;
  var released = false;

  function snapshot() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "version" && name !== "csrf_token") parts.push(name + "=" + value);
    });
    return parts.join("&");
  }

  function say(text, isError) {
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("draft-status--error", !!isError);
  }

  function answer(response) {
    return response.json().then(
      function (data) { return { code: response.status, data: data || {} }; },
      function () { return { code: response.status, data: {} }; }
    );
  }

  function save() {
    timer = null;
    if (stopped || leaving) return Promise.resolve();
    if (inFlight) return inFlight.then(save);
    var current = snapshot();
    if (current === saved) return Promise.resolve();
    say(form.getAttribute("data-saving"));
    inFlight = fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(answer)
      .then(function (result) {
        if (result.code === 200) {
          version.value = result.data.version;
          saved = current;
          say(result.data.message);
          if (state) state.textContent = form.getAttribute("data-draft");
        } else if (result.code === 409 || result.code === 404) {
          stopped = true;  // changed elsewhere, or no longer assigned: the page must reload
          say(form.getAttribute(result.code === 409 ? "data-conflict" : "data-failed"), true);
        } else {
          say(result.data.message || form.getAttribute("data-failed"), true);
        }
      }, function () { say(form.getAttribute("data-failed"), true); })
      .then(function () { inFlight = null; });
    return inFlight;
  }

  function schedule() {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  function press(button) {
    if (form.requestSubmit) form.requestSubmit(button);
    else button.click();
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  // A button pressed while a draft is on its way waits for it, so that the form posts
  // the version that draft got (the one before would be refused as a race).
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    timer = null;
    if (released || !inFlight) {
      leaving = true;
      return;
    }
    event.preventDefault();
    var button = event.submitter;
    inFlight.then(function () {
      released = true;
      if (button) press(button);
      else form.submit();
    });
  });

  // Ctrl+Enter, or Cmd+Enter: "Save and next", from anywhere but another form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.altKey) return;
    var other = event.target && event.target.closest && event.target.closest("form");
    if (!next || (other && other !== form)) return;
    event.preventDefault();
    press(next);
  });
  document.querySelectorAll("[data-shortcut]").forEach(function (node) { node.hidden = false; });

  // Leaving by a link with changes not yet saved: they are sent on the way out.
  window.addEventListener("pagehide", function () {
    if (leaving || stopped || snapshot() === saved) return;
    leaving = true;
    try {
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true });
    } catch (error) { /* the last keystrokes are lost; the page said when it last saved */ }
  });
  // Back to this page from the browser's history: its version may be old, reload it.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
