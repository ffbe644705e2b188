// Stage forms: while the form is filled in, ask the server for the figures
// (rates, classes, scores, totals) and show them. The server decides every figure; this only shows them.
(function () {
  "use strict";

  function weightTotals(form) {
    form.querySelectorAll("[data-weight-total]").forEach(function (out) {
      var table = document.getElementById(out.getAttribute("data-weight-total"));
      if (!table) { return; }
      var total = 0;
      table.querySelectorAll('input[name$="-weight"]').forEach(function (input) {
        var v = parseFloat(input.value);
        if (!isNaN(v)) { total += v; }
      });
      total = Math.round(total * 100) / 100;
      out.textContent = total;
      // Against the total the form requires (送审 is refused otherwise): green when equal, red when not.
      var expected = parseFloat(out.getAttribute("data-weight-expected"));
      if (!isNaN(expected)) {
        out.classList.toggle("is-ok", total === expected);
        out.classList.toggle("is-off", total !== expected);
      }
    });
  }

  function show(form, answer) {
    Object.keys(answer.figures || {}).forEach(function (key) {
      form.querySelectorAll('[data-computed="' + key + '"]').forEach(function (el) { el.textContent = answer.figures[key]; });
    });
    Object.keys(answer.rows || {}).forEach(function (key) {
      answer.rows[key].forEach(function (row, i) {
        Object.keys(row).forEach(function (column) {
          var cell = form.querySelector('[data-row-figure="' + key + "-" + i + "-" + column + '"]');
          if (cell) { cell.textContent = row[column]; }
        });
      });
    });
    Object.keys(answer.funds || {}).forEach(function (key) {
      Object.keys(answer.funds[key]).forEach(function (column) {
        var cell = form.querySelector('[data-fund-total="' + key + "-" + column + '"]');
        if (cell) { cell.textContent = answer.funds[key][column]; }
      });
    });
    (answer.aspects || []).forEach(function (score, i) {
      var cell = form.querySelector('[data-aspect-score="' + i + '"]');
      if (cell) { cell.textContent = score || ""; }
    });
  }

  var asked = 0;

  function preview(form) {
    var url = form.getAttribute("data-preview");
    if (!url || !window.fetch) { return; }
    var mine = ++asked;
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": (form.querySelector('[name="csrf_token"]') || {}).value || "", "Accept": "application/json"}
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
      if (answer && mine === asked) { show(form, answer); }  // a late answer to older input is dropped
    }).catch(function () { /* the figures are computed again on save */ });
  }

  // Whatever was typed before this script ran (a fast hand, a slow network) still gets its figures.
  function typedAlready(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return "defaultValue" in el && el.type !== "hidden" && el.value !== el.defaultValue;
    });
  }

  function bind() {
    var form = document.getElementById("stage-form");
    if (!form) { return; }
    var timer = null;
    weightTotals(form);
    form.addEventListener("input", function () {
      weightTotals(form);
      clearTimeout(timer);
      timer = setTimeout(function () { preview(form); }, 350);
    });
    form.addEventListener("change", function () { preview(form); });
    if (typedAlready(form)) { preview(form); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", bind); } else { bind(); }
})();
