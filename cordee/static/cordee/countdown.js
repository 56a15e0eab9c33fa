// Live SLA countdowns: every <time data-countdown datetime="ISO"> shows how long is left
// (or how late it is) in the page's language, via the browser's own Intl formatting.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var fmt = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" });
  function describe(ms) {
    var minutes = Math.round(ms / 60000);
    if (Math.abs(minutes) < 60) return fmt.format(minutes, "minute");
    var hours = Math.round(minutes / 60);
    if (Math.abs(hours) < 48) return fmt.format(hours, "hour");
    return fmt.format(Math.round(hours / 24), "day");
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      if (!el.dataset.absolute) el.dataset.absolute = el.textContent.trim();
      el.textContent = describe(due - now);
      el.title = el.dataset.absolute;
      el.classList.toggle("countdown--late", due < now);
      el.classList.toggle("countdown--soon", due >= now && due - now < 2 * 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 30000);
  document.addEventListener("htmx:afterSwap", tick);
})();
