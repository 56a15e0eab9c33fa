/* Small behaviours the pages declare with data- attributes, so that no page needs an inline
   handler (onchange=, onclick=, hx-on:…): the Content-Security-Policy forbids them.
   One listener per event on the document: content swapped in by htmx is covered too.

   any field of a form, changed             fires "fieldchange" on its form (hx-trigger="fieldchange":
                                            a trigger filter like change[…] would need eval)
   <input data-quiet-change>                … except this one (a search box has its own triggers)
   <select data-autosubmit>                 submits its form when changed
   <form data-confirm="Sure?">              asks before submitting
   <button data-remove-closest="[data-x]">  removes the closest matching ancestor
   <select data-toggles="id" data-shows-for="value">  shows #id only while value is chosen
   .mentions <button data-token="@[Name](1)">  puts the mention in its form's textarea */
(function () {
  "use strict";
  if (window.cordeeBehaviours) return;
  window.cordeeBehaviours = true;

  function toggle(select) {
    var target = document.getElementById(select.dataset.toggles);
    if (target) target.hidden = select.value !== select.dataset.showsFor;
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLElement)) return;
    if (el.matches("select[data-autosubmit]") && el.form) el.form.submit();
    if (el.matches("select[data-toggles]")) toggle(el);
    var form = el.form;
    if (form && !el.hasAttribute("data-quiet-change")) form.dispatchEvent(new CustomEvent("fieldchange"));
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var remover = target.closest("[data-remove-closest]");
    if (remover) {
      var gone = remover.closest(remover.dataset.removeClosest);
      if (gone) gone.remove();
      return;
    }
    var mention = target.closest(".mentions button[data-token]");
    if (mention) {
      var form = mention.closest("form");
      var area = form ? form.querySelector("textarea") : null;
      if (area) {
        area.value = area.value.replace(/@[^\s@\[\]()]*$/, mention.dataset.token + " ");
        area.focus();
      }
      var list = mention.closest(".mentions");
      if (list) list.replaceChildren();
    }
  });
})();
