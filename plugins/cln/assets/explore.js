/* Explore (/explore/): full-text search over case studies and episodes with facets, on the
   Pagefind index the build writes into pagefind/. Loaded by the Explore page alone.

   The page holds the facets as JSON (#cln-explore-facets, from the taxonomy and the catalogue)
   and the form's frame; this script builds the checkboxes, asks Pagefind, and shows the results.
   The whole view lives in the address (q, kind, topic, region, profession, competency, year, and
   sort=newest when words are typed): a copied link opens the same view, and Back and Forward step
   through the reader's changes. Every text from the index is put in with textContent. */
(function () {
  "use strict";

  var PAGE_SIZE = 12;          // results shown at first, and added by each "Show more"
  var SEARCH_DELAY = 250;      // ms after a keystroke before searching
  var COMMIT_DELAY = 1000;     // ms of pause after which the words typed are one step of history
  var SHOWN_KINDS = ["case-study", "episode"];  // hand-written pages are for the header's search
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];

  var form = document.getElementById("cln-explore");
  var dataBlock = document.getElementById("cln-explore-facets");
  if (!form || !dataBlock) return;
  var data = JSON.parse(dataBlock.textContent);
  var FACETS = data.facets;
  var byKey = {};
  FACETS.forEach(function (facet) {
    facet.names = {};
    facet.values.forEach(function (v) { facet.names[v.value] = v.name; });
    byKey[facet.key] = facet;
  });

  var el = {
    q: document.getElementById("cln-explore-q"),
    filters: document.getElementById("cln-explore-filters"),
    facetList: document.getElementById("cln-explore-facet-list"),
    chosen: document.getElementById("cln-explore-chosen"),
    status: document.getElementById("cln-explore-status"),
    sort: document.getElementById("cln-explore-sort"),
    active: document.getElementById("cln-explore-active"),
    chips: document.getElementById("cln-explore-chips"),
    clear: document.getElementById("cln-explore-clear"),
    empty: document.getElementById("cln-explore-empty"),
    list: document.getElementById("cln-explore-list"),
    shown: document.getElementById("cln-explore-shown"),
    more: document.getElementById("cln-explore-more"),
    apply: document.getElementById("cln-explore-apply")
  };

  /* ---- helpers ------------------------------------------------------------------------------ */

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // Pagefind's excerpts are HTML-escaped text with <mark> around the words found: turn the
  // escapes back into characters, to be put in with textContent.
  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
  function decode(text) {
    return String(text).replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (whole, name) {
      if (name.charAt(0) === "#") {
        var code = name.charAt(1).toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
      }
      var known = ENTITIES[name.toLowerCase()];
      return known === undefined ? whole : known;
    });
  }

  function excerptInto(node, excerpt) {
    var parts = String(excerpt || "").split(/(<mark>|<\/mark>)/);
    var marked = false;
    parts.forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) return;
      var text = decode(part.replace(/<[^>]*>/g, ""));
      node.appendChild(marked ? make("mark", "", text) : document.createTextNode(text));
    });
  }

  function longDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return "";
    return parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  /* ---- state and the address ---------------------------------------------------------------- */

  function emptyState() {
    var state = { q: "", sort: "", facets: {} };
    FACETS.forEach(function (facet) { state.facets[facet.key] = []; });
    return state;
  }

  // The state an address holds; values not in the facets are left out, each kept once, in the
  // facets' own order, so one view has one address.
  function stateFromAddress() {
    var params = new URLSearchParams(window.location.search);
    var state = emptyState();
    state.q = (params.get("q") || "").trim();
    FACETS.forEach(function (facet) {
      var asked = params.getAll(facet.key);
      state.facets[facet.key] = facet.values.map(function (v) { return v.value; })
        .filter(function (value) { return asked.indexOf(value) !== -1; });
    });
    state.sort = state.q && params.get("sort") === "newest" ? "newest" : "";
    return state;
  }

  function address(state) {
    var params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    FACETS.forEach(function (facet) {
      state.facets[facet.key].forEach(function (value) { params.append(facet.key, value); });
    });
    if (state.q && state.sort === "newest") params.append("sort", "newest");
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function currentAddress() { return window.location.pathname + window.location.search; }

  function record(state, how) {
    var target = address(state);
    if (target === currentAddress()) return;
    if (how === "push") window.history.pushState(null, "", target);
    else window.history.replaceState(null, "", target);
  }

  function chosenCount(state) {
    return FACETS.reduce(function (n, facet) { return n + state.facets[facet.key].length; }, 0);
  }

  var state = emptyState();

  /* ---- the form ----------------------------------------------------------------------------- */

  var boxes = {};   // facet key -> value -> {input, label, count}

  function buildFacets() {
    FACETS.forEach(function (facet) {
      if (!facet.values.length) return;
      var fieldset = make("fieldset", "cln-facet");
      fieldset.appendChild(make("legend", "cln-facet__legend", facet.legend));
      var list = make("ul", "cln-facet__values");
      boxes[facet.key] = {};
      facet.values.forEach(function (v) {
        var id = "cln-f-" + facet.key + "-" + v.value;
        var item = make("li", "cln-facet__value");
        var input = make("input");
        input.type = "checkbox";
        input.id = id;
        input.name = facet.key;
        input.value = v.value;
        var label = make("label");
        label.htmlFor = id;
        label.appendChild(make("span", "cln-facet__name", v.name));
        var count = make("span", "cln-facet__count");
        label.appendChild(count);
        item.appendChild(input);
        item.appendChild(label);
        list.appendChild(item);
        boxes[facet.key][v.value] = { input: input, item: item, count: count };
      });
      fieldset.appendChild(list);
      el.facetList.appendChild(fieldset);
    });
  }

  function showState() {
    if (el.q.value.trim() !== state.q) el.q.value = state.q;
    FACETS.forEach(function (facet) {
      var chosen = state.facets[facet.key];
      Object.keys(boxes[facet.key] || {}).forEach(function (value) {
        boxes[facet.key][value].input.checked = chosen.indexOf(value) !== -1;
      });
    });
    el.sort.hidden = !state.q;
    Array.prototype.forEach.call(el.sort.querySelectorAll("input"), function (radio) {
      radio.checked = radio.value === state.sort;
    });
    var n = chosenCount(state);
    el.chosen.textContent = n ? " (" + n + " chosen)" : "";
    el.active.hidden = !(n || state.q);
    el.chips.textContent = "";
    FACETS.forEach(function (facet) {
      state.facets[facet.key].forEach(function (value) {
        var item = make("li");
        var chip = make("button", "cln-explore__chip");
        chip.type = "button";
        chip.setAttribute("data-facet", facet.key);
        chip.setAttribute("data-value", value);
        chip.appendChild(make("span", "cln-explore__chip-facet", facet.legend + ": "));
        chip.appendChild(document.createTextNode(facet.names[value]));
        chip.setAttribute("aria-label", "Remove " + facet.legend + ": " + facet.names[value]);
        item.appendChild(chip);
        el.chips.appendChild(item);
      });
    });
    el.chips.hidden = !n;
  }

  function stateFromForm() {
    var next = emptyState();
    next.q = el.q.value.trim();
    FACETS.forEach(function (facet) {
      next.facets[facet.key] = facet.values.map(function (v) { return v.value; }).filter(function (value) {
        var box = boxes[facet.key] && boxes[facet.key][value];
        return box && box.input.checked;
      });
    });
    var sort = el.sort.querySelector("input:checked");
    next.sort = next.q && sort && sort.value === "newest" ? "newest" : "";
    return next;
  }

  /* ---- searching ---------------------------------------------------------------------------- */

  var pagefind = null;
  var generation = 0;
  var current = null;   // {results, shown} of the last search shown

  // Across facets every one must hold; within a facet any chosen value may ("any").
  function filtersWithout(st, except) {
    var filters = {};
    FACETS.forEach(function (facet) {
      var chosen = st.facets[facet.key];
      if (facet.key !== except && chosen.length) filters[facet.key] = { any: chosen.slice() };
    });
    if (!filters.kind) filters.kind = { any: SHOWN_KINDS.slice() };
    return filters;
  }

  function ask(term, filters, newest) {
    var options = { filters: filters };
    if (newest) options.sort = { date: "desc" };
    return pagefind.search(term, options);
  }

  /* ---- the view without words: the core's listing (listing.py), not Pagefind ---------------
     Pagefind fetches its whole word index for a search with no words; the listing is a few
     bytes a record, and only the shards holding the results shown are fetched. */

  var listing = null;   // a promise of {shard, records: [[date, kind, region, topics, professions, competencies]]}
  var shards = {};      // shard number → promise of its results' data

  function loadListing() {
    if (!listing) {
      listing = fetch(new URL("records.json", listingBase).href).then(function (response) {
        if (!response.ok) throw new Error("records.json: " + response.status);
        return response.json();
      });
    }
    return listing;
  }

  function recordValues(rec) {
    return { kind: [rec[1]], region: rec[2] ? [rec[2]] : [], topic: rec[3], profession: rec[4],
             competency: rec[5], year: [rec[0].slice(0, 4)] };
  }

  function holds(values, filters) {
    return Object.keys(filters).every(function (key) {
      var wanted = filters[key].any;
      return values[key].some(function (v) { return wanted.indexOf(v) >= 0; });
    });
  }

  function countsOf(list, key) {
    var counts = {};
    list.forEach(function (values) {
      values[key].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
    });
    return counts;
  }

  function shownData(data, index) {
    var k = Math.floor(index / data.shard);
    if (!shards[k]) {
      shards[k] = fetch(new URL("records-" + k + ".json", listingBase).href).then(function (r) {
        if (!r.ok) throw new Error("records-" + k + ".json: " + r.status);
        return r.json();
      });
    }
    return shards[k].then(function (shard) {
      var found = shard[index % data.shard];
      var text = String(found.summary).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      return { url: new URL(found.url, siteBase).pathname, meta: found.meta, excerpt: text,
               filters: { kind: [found.meta.kind_label === "Episode" ? "episode" : "case-study"] } };
    });
  }

  function runListing(st, mine) {
    return loadListing().then(function (data) {
      if (mine !== generation) return null;
      var all = data.records.map(function (rec, index) { return { index: index, values: recordValues(rec) }; });
      var main = all.filter(function (r) { return holds(r.values, filtersWithout(st, null)); });
      var counts = {}, without = {};
      FACETS.forEach(function (facet) {
        var base = main;
        if (st.facets[facet.key].length) {
          base = all.filter(function (r) { return holds(r.values, filtersWithout(st, facet.key)); });
          without[facet.key] = base.length;
        }
        counts[facet.key] = countsOf(base.map(function (r) { return r.values; }), facet.key);
      });
      showCounts(st, counts);
      var results = main.map(function (r) { return { data: function () { return shownData(data, r.index); } }; });
      return showResults(st, mine, results, without, null);
    });
  }

  function run() {
    var st = state;
    var mine = ++generation;
    var term = st.q || null;
    var newest = !term || st.sort === "newest";
    el.list.setAttribute("aria-busy", "true");
    if (!term) {
      return runListing(st, mine).catch(function (error) {
        if (mine === generation) failed(error);
      });
    }
    var asks = [ask(term, filtersWithout(st, null), newest)];
    // For each facet with choices: the same search without that facet, for its values' counts
    // (choosing another value of a facet widens it) and to know what removing it would give.
    var withChoices = FACETS.filter(function (facet) { return st.facets[facet.key].length; });
    withChoices.forEach(function (facet) { asks.push(ask(term, filtersWithout(st, facet.key), false)); });
    if (term) asks.push(ask(null, filtersWithout(st, null), false));  // what the facets give without the words
    return Promise.all(asks).then(function (found) {
      if (mine !== generation) return null;
      var main = found[0];
      var counts = {}, without = {};
      FACETS.forEach(function (facet) { counts[facet.key] = (main.filters || {})[facet.key] || {}; });
      withChoices.forEach(function (facet, i) {
        var search = found[i + 1];
        counts[facet.key] = (search.filters || {})[facet.key] || {};
        without[facet.key] = search.results.length;
      });
      var withoutWords = term ? found[found.length - 1].results.length : null;
      showCounts(st, counts);
      return showResults(st, mine, main.results, without, withoutWords);
    }).catch(function (error) {
      if (mine === generation) failed(error);
    });
  }

  function showCounts(st, counts) {
    FACETS.forEach(function (facet) {
      var chosen = st.facets[facet.key];
      Object.keys(boxes[facet.key] || {}).forEach(function (value) {
        var box = boxes[facet.key][value];
        var n = counts[facet.key][value] || 0;
        var isChosen = chosen.indexOf(value) !== -1;
        box.count.textContent = "";
        box.count.appendChild(make("span", "cln-explore__vh", " ("));
        box.count.appendChild(document.createTextNode(String(n)));
        box.count.appendChild(make("span", "cln-explore__vh", n === 1 ? " result)" : " results)"));
        // A value that would give nothing cannot be chosen (one already chosen can always be
        // taken off again); it stays on the list, greyed, with its 0.
        box.input.disabled = n === 0 && !isChosen;
        box.item.classList.toggle("cln-facet__value--none", n === 0 && !isChosen);
      });
    });
  }

  function statusText(st, total) {
    var text = plural(total, "result", "results");
    if (st.q) text += " for \u201c" + st.q + "\u201d";
    if (total > 1) text += st.q && st.sort !== "newest" ? ", best match first" : ", newest first";
    return text;
  }

  function showResults(st, mine, results, without, withoutWords) {
    current = { results: results, shown: 0 };
    el.list.textContent = "";
    el.status.textContent = statusText(st, results.length);
    el.apply.textContent = results.length ? "Show " + plural(results.length, "result", "results") : "Show results";
    showEmpty(st, results.length, without, withoutWords);
    return more(mine, false);
  }

  // The next page of results: Pagefind loads each result's page data only when it is shown.
  function more(mine, focusFirst) {
    var batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      if (mine !== generation) return;
      var first = null;
      pages.forEach(function (page) {
        var item = resultItem(page);
        if (!first) first = item.querySelector("a");
        el.list.appendChild(item);
      });
      current.shown += pages.length;
      var total = current.results.length;
      var left = total - current.shown;
      el.shown.textContent = total > PAGE_SIZE ? "Showing " + current.shown + " of " + total : "";
      el.more.hidden = left <= 0;
      el.more.textContent = "Show " + Math.min(left, PAGE_SIZE) + " more";
      el.list.removeAttribute("aria-busy");
      if (focusFirst && first) first.focus();
    });
  }

  function resultItem(page) {
    var meta = page.meta || {};
    var kind = (page.filters && page.filters.kind && page.filters.kind[0]) || "";
    var item = make("li", "cln-card cln-explore__result");
    if (kind) item.setAttribute("data-kind", kind);
    var title = make("h2", "cln-card__title");
    var link = make("a", "", meta.title || page.url);
    link.href = page.url;
    title.appendChild(link);
    item.appendChild(title);
    var line = make("p", "cln-card__meta");
    if (meta.kind_label) line.appendChild(make("span", "cln-explore__kind", meta.kind_label));
    if (meta.evidence === "illustrative") {  // said plainly, before any figure (the content contract)
      line.appendChild(make("span", "cln-flag", "Illustrative example"));
      line.appendChild(document.createTextNode(" "));
    }
    var bits = [];
    if (meta.date) {
      var time = make("time", "", longDate(meta.date));
      time.setAttribute("datetime", meta.date);
      bits.push(time);
    }
    if (meta.region_name) bits.push(document.createTextNode(meta.region_name));
    bits.forEach(function (bit, i) {
      if (i) line.appendChild(document.createTextNode(" \u00b7 "));
      line.appendChild(bit);
    });
    item.appendChild(line);
    if (page.excerpt) {
      var excerpt = make("p", "cln-card__summary cln-explore__excerpt");
      excerptInto(excerpt, page.excerpt);
      // Without words, the excerpt is the page's opening, which repeats the title: leave that out.
      var lead = excerpt.firstChild;
      if (meta.title && lead && lead.nodeType === 3 && lead.textContent.indexOf(meta.title) === 0) {
        lead.textContent = lead.textContent.slice(meta.title.length).replace(/^[\s.:]+/, "");
      }
      // An excerpt is a window on the page: say so where it stops inside a sentence.
      if (excerpt.textContent.trim() && !/[.!?:]\s*$/.test(excerpt.textContent)) {
        excerpt.appendChild(document.createTextNode("\u2026"));
      }
      if (excerpt.textContent.trim()) item.appendChild(excerpt);
    }
    return item;
  }

  // No results: say which choice to loosen, naming each facet (or the words) whose removal
  // would give results, as a button that removes it.
  function showEmpty(st, total, without, withoutWords) {
    el.empty.textContent = "";
    el.empty.hidden = total > 0;
    if (total > 0) return;
    var options = [];
    FACETS.forEach(function (facet) {
      var n = without[facet.key];
      if (n) {
        var names = st.facets[facet.key].map(function (v) { return facet.names[v]; }).join(" or ");
        options.push({ label: "Remove the " + facet.legend + " filter (" + names + ")", n: n, facet: facet.key });
      }
    });
    if (withoutWords) {
      options.push({ label: "Search without the words \u201c" + st.q + "\u201d", n: withoutWords, facet: "q" });
    }
    var nothingChosen = !chosenCount(st);
    var lead = nothingChosen ? "Nothing matches these words. Try other or fewer words."
      : "Nothing matches all of your choices.";
    el.empty.appendChild(make("p", "cln-explore__empty-lead", lead));
    if (options.length) {
      el.empty.appendChild(make("p", "", options.length === 1 ? "To see results:" : "To see results, do one of these:"));
      var list = make("ul", "cln-explore__loosen");
      options.sort(function (a, b) { return b.n - a.n; }).forEach(function (option) {
        var item = make("li");
        var button = make("button", "md-button cln-explore__loosen-button");
        button.type = "button";
        button.setAttribute("data-loosen", option.facet);
        button.textContent = option.label;
        item.appendChild(button);
        item.appendChild(document.createTextNode(" " + plural(option.n, "result", "results")));
        list.appendChild(item);
      });
      el.empty.appendChild(list);
    } else if (!nothingChosen) {
      el.empty.appendChild(make("p", "", "Clear all choices to start again."));
    }
  }

  function failed(error) {
    if (window.console) window.console.error("Explore could not search:", error);
    el.list.removeAttribute("aria-busy");
    el.status.textContent = "Search could not be loaded.";
    el.empty.textContent = "";
    el.empty.hidden = false;
    el.empty.appendChild(make("p", "", "Search could not be loaded. Every case study and episode can still be found "
      + "through the indexes:"));
    var list = make("ul");
    data.indexes.forEach(function (index) {
      var item = make("li");
      var link = make("a", "", index.name);
      link.href = index.href;
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + index.about));
      list.appendChild(item);
    });
    el.empty.appendChild(list);
  }

  /* ---- the reader's changes ----------------------------------------------------------------- */

  var typing = false;          // words typed since the last step of history
  var searchTimer = 0, commitTimer = 0;

  function change(next, how) {
    state = next;
    record(state, how);
    showState();
    if (pagefind) run();
  }

  function endTyping() {
    typing = false;
    window.clearTimeout(commitTimer);
  }

  // Typing: the first keystroke makes a new step of history, the next ones only rewrite it;
  // a pause (or Enter) ends the step, so Back undoes one burst of typing, not one letter.
  el.q.addEventListener("input", function () {
    var next = stateFromForm();
    var how = typing ? "replace" : "push";
    typing = true;
    window.clearTimeout(commitTimer);
    commitTimer = window.setTimeout(endTyping, COMMIT_DELAY);
    window.clearTimeout(searchTimer);
    if (next.q === state.q && next.sort === state.sort) return;
    state = next;
    record(state, how);
    searchTimer = window.setTimeout(function () { showState(); if (pagefind) run(); }, SEARCH_DELAY);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var wasTyping = typing;
    endTyping();
    window.clearTimeout(searchTimer);
    change(stateFromForm(), wasTyping ? "replace" : "push");
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target === el.q) return;  // Enter and typing are handled above
    endTyping();
    change(stateFromForm(), "push");
  });

  el.active.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-facet]");
    if (chip) {
      var next = stateFromForm();
      var key = chip.getAttribute("data-facet");
      next.facets[key] = next.facets[key].filter(function (v) { return v !== chip.getAttribute("data-value"); });
      var chips = Array.prototype.slice.call(el.chips.querySelectorAll("button"));
      var at = chips.indexOf(chip);
      endTyping();
      change(next, "push");
      var left = el.chips.querySelectorAll("button");
      (left[Math.min(at, left.length - 1)] || el.q).focus();
    }
  });

  el.clear.addEventListener("click", function () {
    endTyping();
    change(emptyState(), "push");
    el.q.focus();
  });

  el.empty.addEventListener("click", function (event) {
    var button = event.target.closest("[data-loosen]");
    if (!button) return;
    var next = stateFromForm();
    var key = button.getAttribute("data-loosen");
    if (key === "q") { next.q = ""; next.sort = ""; } else { next.facets[key] = []; }
    endTyping();
    change(next, "push");
    el.status.focus();
  });

  // On a phone the open filters push the results down: this closes them and goes to the results.
  el.apply.addEventListener("click", function () {
    el.filters.open = false;
    el.status.focus();
  });

  el.more.addEventListener("click", function () {
    if (current) more(generation, true);
  });

  window.addEventListener("popstate", function () {
    endTyping();
    window.clearTimeout(searchTimer);
    state = stateFromAddress();
    showState();
    if (pagefind) run();
  });

  // Filters open beside the results on wide screens; folded under their heading on phones.
  var narrow = window.matchMedia("(max-width: 59.984375em)");
  function fold() { el.filters.open = !narrow.matches; }
  if (narrow.addEventListener) narrow.addEventListener("change", fold);

  /* ---- start -------------------------------------------------------------------------------- */

  buildFacets();
  state = stateFromAddress();
  record(state, "replace");  // the address in its one written form
  showState();
  fold();
  el.status.setAttribute("tabindex", "-1");
  form.hidden = false;

  var bundle = new URL(data.bundle, document.baseURI);
  var listingBase = new URL(data.listing, document.baseURI);
  var siteBase = new URL("../", bundle);
  import(new URL("pagefind.js", bundle).href).then(function (module) {
    pagefind = module;
    // The header's search (cln.js) shares this module on this page: same options as it sets.
    return Promise.resolve(pagefind.options({ baseUrl: new URL("../", bundle).pathname, excerptLength: 30 }))
      .then(function () { return pagefind.init && pagefind.init(); })
      // A search counts only the filters whose data is loaded: load them all, once, first.
      .then(function () { return pagefind.filters(); });
  }).then(function () { return run(); }, failed);
})();
