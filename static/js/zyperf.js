// The app's only script. Pages carry values in data- attributes and no inline script or handler,
// so the content policy can forbid inline scripts (zyperf/security.py).
(function () {
  "use strict";

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  // 我的待办 count on the menu entry (the menu itself comes from Flask-Admin).
  each("[data-worklist-count]", function (data) {
    each('a.nav-link[href="' + data.dataset.worklistHref + '"]', function (a) {
      var badge = document.createElement("span");
      badge.className = "badge badge-warning ml-1";
      badge.id = "worklist-count";
      badge.textContent = data.dataset.worklistCount;
      a.appendChild(badge);
    });
  });

  // Forms that ask before they post: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    if (!target) return;
    // Flask-Admin's bulk actions (templates/admin/actions.html): data-model-action instead of onclick.
    var action = target.closest("[data-model-action]");
    if (action) {
      event.preventDefault();
      window.modelActions.execute(action.dataset.modelAction);
      return;
    }
    // 添加一行 under an indicator table (forms/tables.py): copy the last row, emptied and renumbered.
    var add = target.closest("[data-add-row]");
    if (add) {
      var body = document.getElementById(add.dataset.addRow).tBodies[0];
      var row = body.rows[body.rows.length - 1].cloneNode(true);
      var n = body.rows.length;
      row.setAttribute("data-row", n);
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") input.checked = false;
        else input.value = "";
        input.name = input.name.replace(/-\d+-/, "-" + n + "-");
      });
      row.querySelectorAll("[data-evidence]").forEach(function (cell) {
        cell.textContent = "";
      });
      row.querySelectorAll("[data-row-figure]").forEach(function (cell) {
        cell.textContent = "";
        cell.dataset.rowFigure = cell.dataset.rowFigure.replace(/-\d+-/, "-" + n + "-");
      });
      body.appendChild(row);
      return;
    }
    if (target.closest("[data-history-back]")) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Flask-Admin's menus use href="javascript:void(0)", its filter items (templates/admin/model/
  // layout.html) href="#": never follow either (the policy would refuse the first). In the capture
  // phase, because Bootstrap's menus stop the click before it bubbles up to the document.
  document.addEventListener(
    "click",
    function (event) {
      var element = event.target.closest ? event.target : event.target.parentElement;
      if (element && element.closest('a[href^="javascript:"], a.filter[href="#"]')) event.preventDefault();
    },
    true
  );

  // Field designer: show only the options the chosen type uses (the server ignores the others).
  each("[data-type-options]", function (form) {
    var options = JSON.parse(form.dataset.typeOptions);
    var select = form.querySelector("#type");
    function sync() {
      var used = options[select.value] || [];
      form.querySelectorAll("[class*='option-']").forEach(function (div) {
        var name = Array.prototype.find
          .call(div.classList, function (c) { return c.indexOf("option-") === 0; })
          .slice(7);
        if (["key", "label", "type", "required", "help"].indexOf(name) >= 0) return;
        div.style.display = used.indexOf(name) >= 0 ? "" : "none";
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
})();
