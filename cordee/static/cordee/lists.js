// The column chooser of a list: the ↑ and ↓ buttons move a column in the list; the form sends
// the ticked columns in the order they stand (cordee/templates/lists/_bar.html).
(function () {
  "use strict";
  if (window.cordeeColumnChooser) return;  // the bar is swapped in again by htmx
  window.cordeeColumnChooser = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-move]") : null;
    if (!button) return;
    var item = button.closest("li");
    var list = item.parentNode;
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
  });
})();
