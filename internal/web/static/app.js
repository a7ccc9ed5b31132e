// ferry dashboard: live refresh of marked regions, select-all boxes and
// confirmations. Works without it; it only saves reloads.
(function () {
  "use strict";

  // Regions with data-live are replaced by a fresh rendering every
  // data-every milliseconds (default 5000), unless the person is typing in them.
  document.querySelectorAll("[data-live]").forEach(function (el) {
    var every = parseInt(el.getAttribute("data-every") || "5000", 10);
    var url = el.getAttribute("data-live");
    function busy() {
      var a = document.activeElement;
      return a && el.contains(a) && (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA");
    }
    function openDetails() {
      var open = [];
      el.querySelectorAll("details[open]").forEach(function (d, i) { open.push(d.closest("[data-route],[data-connection]")); });
      return open;
    }
    setInterval(function () {
      if (document.hidden || busy() || openDetails().length > 0) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) {
          if (r.redirected || r.status === 401) { window.location.reload(); return null; }
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html !== null && html !== undefined) { el.innerHTML = html; el.setAttribute("data-updated", String(Date.now())); }
        })
        .catch(function () { /* the next tick tries again */ });
    }, every);
  });

  // A checkbox with data-select-all="NAME" ticks every box called NAME.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      box.form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (b) { b.checked = box.checked; });
    });
  });

  // Forms with data-confirm ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
