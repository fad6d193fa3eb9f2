// The SPARQL editor: YASGUI (from npm, served locally) on /sparql, the examples as tabs.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof Yasgui === "undefined") { return; }
  var endpoint = new URL(el.dataset.endpoint, window.location.href).href;
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: true,
    autofocus: true,
    // Only the completers that need no outside service (LOV, prefix.cc are not reachable).
    yasqe: { autocompleters: ["variables", "prefixes"], showQueryButton: true }
  });
  window.__yasgui = yasgui;
  fetch(el.dataset.examplesUrl, { headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (j) {
      var examples = j.examples || [];
      var first = yasgui.getTab();
      examples.forEach(function (ex, i) {
        if (i === 0 && first) {
          first.setQuery(ex.query);
          first.setName(ex.title.slice(0, 40));
        } else {
          yasgui.addTab(false, { name: ex.title.slice(0, 40), yasqe: { value: ex.query } });
        }
      });
      document.querySelectorAll("button.example").forEach(function (b) {
        b.addEventListener("click", function () {
          var ex = examples[Number(b.dataset.example)];
          var tab = yasgui.getTab();
          tab.setQuery(ex.query);
          tab.query();
        });
      });
    });
})();
