// Bulk actions on a record list: checkboxes per row, "every row on this page", then "all N
// matching"; the bar shows the count and the arguments of the chosen action. The list is
// re-drawn by htmx when its filters change, and the selection with it.
(function () {
  "use strict";
  if (window.cordeeBulk) return; // the list's fragment brings this script again on each swap
  window.cordeeBulk = true;
  var lang = document.documentElement.lang || "fr";
  var number = new Intl.NumberFormat(lang);
  function bar() { return document.getElementById("bulk-form"); }
  function checks() { return Array.prototype.slice.call(document.querySelectorAll(".bulk-check")); }
  function update() {
    var form = bar();
    if (!form) return;
    var boxes = checks();
    var ticked = boxes.filter(function (c) { return c.checked; }).length;
    var scope = form.querySelector(".bulk-scope");
    var all = scope.value === "all";
    var total = parseInt(form.dataset.total, 10) || 0;
    var count = all ? total : ticked;
    form.hidden = count === 0;
    var text = count === 1 ? form.dataset.one : form.dataset.many.replace("__N__", number.format(count));
    form.querySelector(".bulk-selected").textContent = text;
    var page = document.querySelector(".bulk-page");
    if (page) page.checked = ticked > 0 && ticked === boxes.length;
    form.querySelector(".bulk-bar__all").hidden = all || ticked === 0 || ticked < boxes.length || total <= ticked;
    form.querySelector(".bulk-bar__all-on").hidden = !all;
    var action = form.querySelector(".bulk-action").value;
    form.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for") !== action;
      // a hidden action's fields are not sent (its pickers' hidden inputs included)
      el.querySelectorAll("select, input").forEach(function (s) { s.disabled = el.hidden; });
    });
  }
  document.addEventListener("change", function (e) {
    var form = bar();
    if (!form) return;
    if (e.target.matches(".bulk-page")) {
      checks().forEach(function (c) { c.checked = e.target.checked; });
      if (!e.target.checked) form.querySelector(".bulk-scope").value = "selected";
    } else if (e.target.matches(".bulk-check") && !e.target.checked) {
      form.querySelector(".bulk-scope").value = "selected";
    } else if (!e.target.matches(".bulk-action")) {
      return;
    }
    update();
  });
  document.addEventListener("click", function (e) {
    var form = bar();
    if (!form) return;
    if (e.target.matches(".bulk-select-all")) {
      form.querySelector(".bulk-scope").value = "all";
      update();
    } else if (e.target.matches(".bulk-clear")) {
      form.querySelector(".bulk-scope").value = "selected";
      checks().forEach(function (c) { c.checked = false; });
      update();
    }
  });
  document.addEventListener("htmx:afterSwap", update);
  document.addEventListener("DOMContentLoaded", update);
})();
