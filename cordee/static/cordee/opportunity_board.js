// The opportunity board: drag a card onto another stage's column (native HTML5 drag and drop).
// The card's own form is sent with the new stage; the server answers with the whole board, so a
// refused move puts the card back where it was, with the reason above the columns. Without
// drag (a phone, a keyboard, no JavaScript), each card's stage select does the same.
(function () {
  "use strict";
  var dragged = null;

  function board() {
    return document.getElementById("opportunity-board");
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".oppboard__card[draggable]");
    if (!card) return;
    dragged = card;
    card.classList.add("oppboard__card--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("oppboard__card--dragging");
    dragged = null;
    document.querySelectorAll(".oppboard__col--over").forEach(function (col) {
      col.classList.remove("oppboard__col--over");
    });
  });

  document.addEventListener("dragover", function (event) {
    var col = dragged && event.target.closest && event.target.closest(".oppboard__col");
    if (!col) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    col.classList.add("oppboard__col--over");
  });

  document.addEventListener("dragleave", function (event) {
    var col = event.target.closest && event.target.closest(".oppboard__col");
    if (col && !col.contains(event.relatedTarget)) col.classList.remove("oppboard__col--over");
  });

  document.addEventListener("drop", function (event) {
    var col = dragged && event.target.closest && event.target.closest(".oppboard__col");
    if (!col) return;
    event.preventDefault();
    var card = dragged;
    var form = card.querySelector("form.oppboard__move");
    var from = card.closest(".oppboard__col");
    if (!form || from === col) return;
    col.querySelector(".oppboard__cards").prepend(card); // at once; the answer redraws the board
    form.elements.stage.value = col.dataset.stage;
    if (board()) board().setAttribute("aria-busy", "true");
    form.requestSubmit();
  });
})();
