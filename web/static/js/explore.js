// The graph explorer: cytoscape.js over /explore/data, expand on click, filters, layouts
// by administrative level and by time, a path between two documents, PNG and GraphML.
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  if (!root || typeof cytoscape === "undefined") { return; }
  if (typeof cytoscapeDagre !== "undefined") { cytoscape.use(cytoscapeDagre); }
  var vocab = JSON.parse(root.dataset.vocab || "{}");
  var LEVELS = ["central", "province", "district", "commune"];
  var COLORS = { central: "#8b1a1a", province: "#c25b12", district: "#1f6f8b", commune: "#2e7d32" };
  var relLabels = {};
  (vocab.relations || []).forEach(function (r) { relLabels[r.key] = r.label; });
  var typeLabels = {};
  (vocab.types || []).forEach(function (t) { typeLabels[t.key] = t.label; });
  var levelLabels = {};
  (vocab.levels || []).forEach(function (l) { levelLabels[l.key] = l.label; });

  // Large graphs (more elements than BIG) are drawn the fast way: straight "haystack" edges
  // without arrows or labels (but on a path), node labels cut short in the script rather
  // than measured letter by letter by cytoscape's ellipsis; the tree is our own layering.
  // Measured in the browser by `kg bench` (kg/bench/explorer.py).
  var BIG = 800;
  // Above this many nodes dagre takes seconds (30 s at 2,000): the tree layout is our own.
  var DAGRE_MAX = 500;
  function styles(big) {
    return [
      { selector: "node", style: {
        "label": big ? "data(tiny)" : "data(short)", "font-size": 11, "text-valign": "bottom",
        "text-margin-y": 3, "text-wrap": big ? "none" : "ellipsis", "text-max-width": 140,
        "min-zoomed-font-size": 7, "width": 22, "height": 22, "background-color": "data(color)",
        "border-width": 1, "border-color": "#fff", "color": "#222" } },
      { selector: "node[kind = 'body']", style: { "shape": "round-rectangle", "width": 30, "height": 16 } },
      { selector: "node[kind = 'docset']", style: { "shape": "diamond" } },
      { selector: "node.expanded", style: { "border-width": 3, "border-color": "#222" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#f5b800" } },
      { selector: "edge", style: big ?
        { "width": 1.5, "line-color": "#9aa", "curve-style": "haystack", "haystack-radius": 0 } :
        { "width": 1.5, "line-color": "#9aa", "target-arrow-color": "#9aa",
          "target-arrow-shape": "triangle", "curve-style": "straight", "arrow-scale": 0.8 } },
      { selector: big ? "edge.path" : "edge[relLabel]", style: {
        "label": "data(relLabel)", "font-size": 9, "color": "#6a4c00", "min-zoomed-font-size": 9,
        "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge[rel = 'passed_by'], edge[rel = 'sub_of']", style: {
        "line-style": "dashed", "line-color": "#ccc", "target-arrow-color": "#ccc" } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "edge.path", style: { "line-color": "#f5b800", "target-arrow-color": "#f5b800",
        "width": 4, "opacity": 1, "curve-style": "straight", "target-arrow-shape": "triangle",
        "arrow-scale": 0.8 } },
      { selector: "node.path", style: { "border-color": "#f5b800", "border-width": 5, "opacity": 1 } },
      { selector: ".hidden", style: { "display": "none" } }
    ];
  }
  var big = false;

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: [],
    minZoom: 0.05, maxZoom: 4,
    // While the user pans or zooms, a snapshot of the graph (without its edges) moves
    // instead of every element: measured the smoothest of cytoscape's options.
    textureOnViewport: true,
    hideEdgesOnViewport: true,
    pixelRatio: 1,
    style: styles(false)
  });
  window.__explorer = { cy: cy };

  var countEl = document.getElementById("ex-count");
  var info = document.getElementById("ex-info");

  var collator = new Intl.Collator(root.dataset.lang || "vi");
  function shown(eles) { return eles.filter(function (e) { return !e.hasClass("hidden"); }); }
  function shortLabel(s, n) { return s && s.length > n ? s.slice(0, n - 2) + "…" : s; }

  // Switch between the small and the large graph's drawing when the count crosses BIG;
  // the stylesheet is replaced only then (every element's style is computed again).
  function setBig(count) {
    var b = count > BIG;
    if (b === big) { return; }
    big = b;
    cy.container().classList.toggle("big", b);
    cy.style(styles(b));
  }

  function addData(data) {
    var eles = [];
    var have = {};
    (data.nodes || []).forEach(function (n) {
      if (!have[n.id] && cy.getElementById(n.id).empty()) {
        have[n.id] = true;
        n.short = shortLabel(n.label, 40);
        n.tiny = shortLabel(n.label, 24);
        n.color = COLORS[n.level] || "#777";
        eles.push({ group: "nodes", data: n });
      }
    });
    (data.edges || []).forEach(function (e) {
      var ok = function (id) { return have[id] || !cy.getElementById(id).empty(); };
      if (!have[e.id] && cy.getElementById(e.id).empty() && ok(e.source) && ok(e.target)) {
        have[e.id] = true;
        e.relLabel = relLabels[e.rel] || e.rel;
        eles.push({ group: "edges", data: e });
      }
    });
    setBig(cy.elements().length + eles.length);
    var added = cy.add(eles);
    refreshControls();
    return added;
  }

  function fetchJson(url) {
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok || !j.ok) { throw new Error(j.error || r.statusText); }
        return j;
      });
    });
  }

  function expand(id) {
    var node = cy.getElementById(id);
    return fetchJson("/explore/data?node=" + encodeURIComponent(id)).then(function (data) {
      addData(data);
      cy.getElementById(id).addClass("expanded");
      runLayout();
      if (data.more) { info.textContent = root.dataset.msgMore.replace("%d", data.more); }
      return data;
    }).catch(function (err) { info.textContent = String(err.message || err); });
  }

  function showInfo(n) {
    info.textContent = "";
    var h = document.createElement("h2");
    h.textContent = n.data("label");
    info.appendChild(h);
    var p = document.createElement("p");
    var bits = [];
    if (n.data("type")) { bits.push(typeLabels[n.data("type")] || n.data("type")); }
    if (n.data("level")) { bits.push(levelLabels[n.data("level")] || n.data("level")); }
    if (n.data("date")) { bits.push(n.data("date")); }
    p.textContent = bits.join(" · ");
    info.appendChild(p);
    var href = n.data("href");
    if (href && href.charAt(0) === "/") {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = root.dataset.msgOpen;
      a.className = "button";
      info.appendChild(a);
    }
  }

  // -- layouts ---------------------------------------------------------------------------
  function levelIndex(n) {
    var i = LEVELS.indexOf(n.data("level"));
    return i < 0 ? LEVELS.length : i;
  }
  function currentLayout() {
    var c = document.querySelector("input[name=layout]:checked");
    return c ? c.value : "level";
  }
  function byLevelPositions() {
    var rows = {};
    shown(cy.nodes()).forEach(function (n) {
      var i = levelIndex(n);
      (rows[i] = rows[i] || []).push(n);
    });
    var pos = {};
    Object.keys(rows).forEach(function (k) {
      var row = rows[k].sort(function (a, b) {
        var da = String(a.data("date") || "9999"), db = String(b.data("date") || "9999");
        return (da < db ? -1 : da > db ? 1 : 0) ||
          collator.compare(String(a.data("label")), String(b.data("label")));
      });
      var perLine = Math.max(8, Math.ceil(Math.sqrt(row.length * 6)));
      row.forEach(function (n, j) {
        var line = Math.floor(j / perLine), col = j % perLine;
        var width = Math.min(row.length, perLine);
        pos[n.id()] = { x: (col - (width - 1) / 2) * 170, y: Number(k) * 260 + line * 55 };
      });
    });
    return pos;
  }
  function timelinePositions() {
    var dated = shown(cy.nodes()).filter(function (n) { return !!n.data("date"); });
    var times = dated.map(function (n) { return Date.parse(String(n.data("date")).slice(0, 10)); });
    var min = Math.min.apply(null, times.length ? times : [0]);
    var max = Math.max.apply(null, times.length ? times : [1]);
    var span = Math.max(max - min, 86400000);
    var width = Math.max(900, dated.length * 40);
    var used = {};
    var pos = {};
    shown(cy.nodes()).forEach(function (n) {
      var t = n.data("date") ? Date.parse(String(n.data("date")).slice(0, 10)) : NaN;
      var x = isNaN(t) ? -180 : ((t - min) / span) * width;
      var y = levelIndex(n) * 200;
      var key = Math.round(x / 30) + ":" + y;
      used[key] = (used[key] || 0) + 1;
      pos[n.id()] = { x: x, y: y + (used[key] - 1) * 34 };
    });
    return pos;
  }
  // The tree of a large graph, as dagre draws it (an edge's source a layer above its target)
  // in linear time: cycles broken where a depth-first search meets them, layers by longest
  // path, then sources pulled down next to their targets; each layer ordered by the
  // barycentres of its neighbours, sweeping down and up; long layers wrap onto more lines.
  function treePositions() {
    var nodes = shown(cy.nodes()), N = nodes.length, idx = {}, i, j, u, v;
    var out = [], inn = [], dag = [], rank = [], state = [], seen = [];
    for (i = 0; i < N; i++) {
      idx[nodes[i].id()] = i;
      out.push([]); inn.push([]); dag.push([]); rank.push(0); state.push(0);
    }
    shown(cy.edges()).forEach(function (e) {
      var a = idx[e.data("source")], b = idx[e.data("target")];
      if (a !== undefined && b !== undefined && a !== b) { out[a].push(b); inn[b].push(a); }
    });
    for (i = 0; i < N; i++) {                      // depth-first: the acyclic edges, and an order
      if (state[i]) { continue; }
      var stack = [i], at = [0];
      state[i] = 1;
      while (stack.length) {
        u = stack[stack.length - 1];
        j = at[at.length - 1];
        if (j < out[u].length) {
          at[at.length - 1] = j + 1;
          v = out[u][j];
          if (state[v] === 1) { continue; }         // closes a cycle: not used for layers
          dag[u].push(v);
          if (!state[v]) { state[v] = 1; stack.push(v); at.push(0); }
        } else { state[u] = 2; seen.push(u); stack.pop(); at.pop(); }
      }
    }
    var topo = seen.slice().reverse();
    topo.forEach(function (a) {                    // layers: the longest path from a source
      dag[a].forEach(function (b) { rank[b] = Math.max(rank[b], rank[a] + 1); });
    });
    seen.forEach(function (a) {                    // a source moves down above its first target
      var hasIn = inn[a].length > 0, low = Infinity;
      if (hasIn || !dag[a].length) { return; }
      dag[a].forEach(function (b) { low = Math.min(low, rank[b] - 1); });
      rank[a] = Math.max(rank[a], low);
    });
    var linked = function (a) { return out[a].length > 0 || inn[a].length > 0; };
    var layers = [], loose = [];
    topo.forEach(function (a) {                    // unlinked nodes: a last layer of their own
      if (!linked(a)) { loose.push(a); return; }
      while (layers.length <= rank[a]) { layers.push([]); }
      layers[rank[a]].push(a);
    });
    layers = layers.filter(function (layer) { return layer.length; });
    if (loose.length) { layers.push(loose); }
    layers.forEach(function (layer, r) { layer.forEach(function (a) { rank[a] = r; }); });
    var place = [];
    function number(layer) {
      layer.forEach(function (a, k) { place[a] = (k + 0.5) / layer.length; });
    }
    layers.forEach(number);
    function sweep(layer, up) {
      var key = {};
      layer.forEach(function (a) {
        var sum = 0, n = 0;
        [out[a], inn[a]].forEach(function (list) {
          list.forEach(function (b) {
            if (up ? rank[b] > rank[a] : rank[b] < rank[a]) { sum += place[b]; n++; }
          });
        });
        key[a] = n ? sum / n : place[a];
      });
      layer.sort(function (a, b) { return key[a] - key[b] || place[a] - place[b]; });
      number(layer);
    }
    for (var pass = 0; pass < 4; pass++) {
      for (i = 1; i < layers.length; i++) { sweep(layers[i], false); }
      for (i = layers.length - 2; i >= 0; i--) { sweep(layers[i], true); }
    }
    var perLine = Math.max(8, Math.ceil(Math.sqrt(N * 2)));
    var pos = {}, y = 0;
    layers.forEach(function (layer) {
      var width = Math.min(layer.length, perLine);
      layer.forEach(function (a, k) {
        var line = Math.floor(k / perLine), col = k % perLine;
        pos[nodes[a].id()] = { x: (col - (width - 1) / 2) * 150, y: y + line * 45 };
      });
      y += Math.ceil(layer.length / perLine) * 45 + 90;
    });
    return pos;
  }
  function runLayout() {
    var name = currentLayout();
    var opts, pos;
    if (name === "dagre" && typeof cytoscapeDagre !== "undefined" &&
        shown(cy.nodes()).length <= DAGRE_MAX) {
      opts = { name: "dagre", rankDir: "TB", nodeSep: 20, rankSep: 70, animate: false };
    } else {
      pos = name === "time" ? timelinePositions() : name === "dagre" ? treePositions() :
        byLevelPositions();
      opts = { name: "preset", positions: function (n) { return pos[n.id()] || { x: 0, y: 0 }; },
               animate: cy.nodes().length < 300, animationDuration: 250 };
    }
    window.__explorer.layout = opts.name === "dagre" ? "dagre" : name === "dagre" ? "tree" : name;
    var lay = shown(cy.elements()).layout(Object.assign(opts, { fit: true, padding: 40 }));
    lay.one("layoutstop", function () {
      // A few nodes fitted to the whole canvas look enormous: cap the zoom.
      if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
    });
    lay.run();
  }
  document.querySelectorAll("input[name=layout]").forEach(function (r) {
    r.addEventListener("change", runLayout);
  });

  // -- filters ---------------------------------------------------------------------------
  var relBox = document.getElementById("ex-rels");
  var kindBox = document.getElementById("ex-kinds");
  var shownRels = {}, shownKinds = {};
  function kindKey(n) { return n.data("kind") === "document" ? (n.data("type") || "document") : n.data("kind"); }
  function kindName(k) {
    if (k === "body") { return "◼ " + (root.dataset.lang === "en" ? "Body" : "Cơ quan"); }
    if (k === "docset") { return "◆ " + (root.dataset.lang === "en" ? "Known by count" : "Chỉ biết số lượng"); }
    return typeLabels[k] || k;
  }
  var boxes = {};
  function checkbox(box, key, label, state) {
    var id = box.id + ":" + key;
    if (boxes[id]) { return; }
    boxes[id] = true;
    if (!(key in state)) { state[key] = true; }
    var l = document.createElement("label");
    var i = document.createElement("input");
    i.type = "checkbox"; i.value = key; i.checked = state[key];
    i.addEventListener("change", function () { state[key] = i.checked; applyFilters(); runLayout(); });
    l.appendChild(i);
    l.appendChild(document.createTextNode(" " + label));
    box.appendChild(l);
  }
  function refreshControls() {
    var rels = {}, kinds = {};
    cy.edges().forEach(function (e) { rels[e.data("rel")] = true; });
    cy.nodes().forEach(function (n) { kinds[kindKey(n)] = true; });
    Object.keys(rels).forEach(function (r) { checkbox(relBox, r, relLabels[r] || r, shownRels); });
    Object.keys(kinds).forEach(function (k) { checkbox(kindBox, k, kindName(k), shownKinds); });
    applyFilters();
    var docs = cy.nodes().filter(function (n) { return n.data("kind") !== "body"; })
      .sort(function (a, b) { return collator.compare(String(a.data("label")), String(b.data("label"))); });
    var options = document.createDocumentFragment();
    docs.forEach(function (n) {
      var o = document.createElement("option");
      o.value = n.id(); o.textContent = n.data("label");
      options.appendChild(o);
    });
    ["ex-from", "ex-to"].forEach(function (id) {
      var sel = document.getElementById(id);
      var keep = sel.value;
      sel.textContent = "";
      sel.appendChild(options.cloneNode(true));
      if (keep) { sel.value = keep; }
    });
    countEl.textContent = cy.nodes().length + " / " + cy.edges().length;
  }
  function applyFilters() {
    var all = Object.keys(shownRels).every(function (k) { return shownRels[k]; }) &&
      Object.keys(shownKinds).every(function (k) { return shownKinds[k]; });
    if (all && !cy.$(".hidden").length) { return; }
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.toggleClass("hidden", shownKinds[kindKey(n)] === false); });
      cy.edges().forEach(function (e) { e.toggleClass("hidden", shownRels[e.data("rel")] === false); });
    });
  }

  // -- path ------------------------------------------------------------------------------
  document.getElementById("ex-path").addEventListener("click", function () {
    var out = document.getElementById("ex-path-out");
    var a = cy.getElementById(document.getElementById("ex-from").value);
    var b = cy.getElementById(document.getElementById("ex-to").value);
    cy.elements().removeClass("path faded");
    if (a.empty() || b.empty() || a.same(b)) { out.textContent = "—"; return; }
    var d = shown(cy.elements()).dijkstra({ root: a, directed: false });
    var path = d.pathTo(b);
    if (!isFinite(d.distanceTo(b)) || path.empty()) { out.textContent = "∅"; return; }
    cy.elements().addClass("faded");
    path.removeClass("faded").addClass("path");
    out.textContent = path.nodes().map(function (n) { return n.data("label"); }).join(" — ");
  });

  // -- export ----------------------------------------------------------------------------
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function xml(s) {
    return String(s == null ? "" : s).replace(/[<>&"']/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }
  function graphml() {
    var keys = ["label", "kind", "type", "level", "date"];
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'];
    keys.forEach(function (k) { out.push('<key id="' + k + '" for="node" attr.name="' + k + '" attr.type="string"/>'); });
    out.push('<key id="rel" for="edge" attr.name="rel" attr.type="string"/>');
    out.push('<graph id="G" edgedefault="directed">');
    shown(cy.nodes()).forEach(function (n) {
      out.push('<node id="' + xml(n.id()) + '">' + keys.map(function (k) {
        return n.data(k) ? '<data key="' + k + '">' + xml(n.data(k)) + "</data>" : "";
      }).join("") + "</node>");
    });
    shown(cy.edges()).forEach(function (e) {
      out.push('<edge source="' + xml(e.data("source")) + '" target="' + xml(e.data("target")) +
        '"><data key="rel">' + xml(e.data("rel")) + "</data></edge>");
    });
    out.push("</graph>", "</graphml>");
    return out.join("\n");
  }
  window.__explorer.graphml = graphml;
  document.getElementById("ex-png").addEventListener("click", function () {
    download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), "graph.png");
  });
  document.getElementById("ex-graphml").addEventListener("click", function () {
    download(new Blob([graphml()], { type: "application/graphml+xml" }), "graph.graphml");
  });

  // -- interaction -----------------------------------------------------------------------
  cy.on("tap", "node", function (ev) {
    var n = ev.target;
    showInfo(n);
    if (!n.hasClass("expanded")) { expand(n.id()); }
  });
  var cyEl = document.getElementById("cy");
  cyEl.addEventListener("keydown", function (ev) {
    var nodes = shown(cy.nodes()).sort(function (a, b) {
      return a.position("y") - b.position("y") || a.position("x") - b.position("x");
    });
    if (!nodes.length) { return; }
    var sel = cy.nodes(":selected");
    var i = sel.length ? nodes.indexOf(sel[0]) : -1;
    if (ev.key === "ArrowRight" || ev.key === "ArrowDown") { i = (i + 1) % nodes.length; }
    else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") { i = (i - 1 + nodes.length) % nodes.length; }
    else if (ev.key === "Enter" && sel.length) { showInfo(sel[0]); expand(sel[0].id()); ev.preventDefault(); return; }
    else if (ev.key === "o" && sel.length && sel[0].data("href")) { window.location = sel[0].data("href"); return; }
    else { return; }
    ev.preventDefault();
    cy.nodes().unselect();
    nodes[i].select();
    showInfo(nodes[i]);
    cy.center(nodes[i]);
  });

  var form = document.getElementById("ex-start");
  var q = document.getElementById("ex-q");
  var suggest = document.getElementById("ex-suggest");
  var suggestTimer = null;
  q.addEventListener("input", function () {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      if (q.value.length < 2) { return; }
      fetchJson("/search.json?per_page=10&q=" + encodeURIComponent(q.value)).then(function (j) {
        suggest.textContent = "";
        j.hits.forEach(function (h) {
          var o = document.createElement("option");
          o.value = h.label;
          suggest.appendChild(o);
        });
      }).catch(function () {});
    }, 200);
  });
  function start(id) {
    cy.elements().remove();
    return expand(id).then(function () {
      var n = cy.getElementById(id);
      n.select();
      showInfo(n);
      var url = new URL(window.location.href);
      url.searchParams.set("node", id);
      url.searchParams.delete("q");
      history.replaceState(null, "", url);
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    fetchJson("/search.json?per_page=1&q=" + encodeURIComponent(q.value)).then(function (j) {
      if (j.hits.length) { start(j.hits[0].node); } else { info.textContent = "∅"; }
    }).catch(function (err) { info.textContent = String(err.message || err); });
  });
  document.getElementById("ex-all").addEventListener("click", function () {
    cy.elements().remove();
    var t0 = performance.now();
    fetchJson("/explore/data?all=1&limit=2000").then(function (data) {
      var t1 = performance.now();
      addData(data);
      var t2 = performance.now();
      runLayout();
      window.__explorer.timings = { fetch: t1 - t0, add: t2 - t1, layout: performance.now() - t2 };
      window.__explorer.lastLoadMs = performance.now() - t0;
    }).catch(function (err) { info.textContent = String(err.message || err); });
  });
  if (root.dataset.start) { start(root.dataset.start); }
})();
