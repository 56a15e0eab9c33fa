// Search-as-you-type fields (a record form's contact, account, owner…): the proposals come
// from the server as you type (htmx); choosing one sets the hidden input the form sends.
(function () {
  "use strict";
  function picker(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  function close(box) {
    var options = box.querySelector(".picker__options");
    if (options) options.innerHTML = "";
    var input = box.querySelector(".picker__input");
    if (input) input.setAttribute("aria-expanded", "false");
  }
  document.addEventListener("click", function (event) {
    var option = event.target.closest ? event.target.closest("[data-pick-id]") : null;
    var box = picker(option);
    if (!box) return;
    var chosen = box.querySelector("[data-picker-value]");
    chosen.value = option.dataset.pickId;
    var input = box.querySelector(".picker__input");
    input.value = option.dataset.pickLabel;
    close(box);
    input.focus();
    changed(chosen);
  });
  // the hidden input changes without an event of its own: say so (a list's filters re-read)
  function changed(chosen) { chosen.dispatchEvent(new Event("change", { bubbles: true })); }
  document.addEventListener("input", function (event) {
    var box = picker(event.target);
    if (box && event.target.classList.contains("picker__input")) {
      var chosen = box.querySelector("[data-picker-value]");
      var had = chosen.value;
      chosen.value = "";  // nothing chosen until a click
      if (had && !event.target.value) changed(chosen);  // emptied: no filter, every row
    }
  });
  document.addEventListener("keydown", function (event) {
    var box = picker(event.target);
    if (!box) return;
    if (event.key === "Escape") close(box);
    if (event.key === "ArrowDown") {
      var options = box.querySelectorAll("[data-pick-id]");
      var i = Array.prototype.indexOf.call(options, document.activeElement);
      if (options.length) { options[Math.min(i + 1, options.length - 1)].focus(); event.preventDefault(); }
    }
    if (event.key === "ArrowUp" && event.target.dataset.pickId) {
      var all = box.querySelectorAll("[data-pick-id]");
      var j = Array.prototype.indexOf.call(all, event.target);
      (j > 0 ? all[j - 1] : box.querySelector(".picker__input")).focus();
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = picker(event.target);
    if (box) {
      box.querySelector(".picker__input").setAttribute(
        "aria-expanded", event.target.children.length ? "true" : "false");
    }
  });
})();
