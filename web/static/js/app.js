// Small behaviours shared by every page (CSP: script-src 'self', so no inline handlers).
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-action=print]") : null;
    if (t) { ev.preventDefault(); window.print(); }
  });
  // Bring the highlighted sentence of a source into view and give it focus for readers.
  var hl = document.querySelector("mark.hl");
  if (hl) {
    hl.setAttribute("tabindex", "-1");
    hl.scrollIntoView({ block: "center" });
    hl.focus({ preventScroll: true });
  }
})();
