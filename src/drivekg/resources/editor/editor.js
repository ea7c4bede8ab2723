// The SPARQL query editor of `drivekg serve` (/sparql in a browser): YASGUI on this endpoint,
// the project prefixes preloaded, the bundled queries as examples. Nothing is fetched from
// elsewhere: the autocompleters that ask Linked Open Vocabularies over the network are off.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("drivekg-editor").textContent);
  var root = document.getElementById("yasgui");
  if (typeof Yasgui === "undefined") {
    return;
  }
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    persistenceId: null,
    autofocus: false,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    yasqe: { value: config.start, autocompleters: ["variables", "prefixes"] },
  });
  var tab = yasgui.getTab();
  if (tab) {
    tab.setQuery(config.start);  // the project prefixes, declared
  }
  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var current = yasgui.getTab();
      current.setQuery(config.examples[button.getAttribute("data-example")]);
      current.show();
      root.scrollIntoView();
    });
  });
})();
