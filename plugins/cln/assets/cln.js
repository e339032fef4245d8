/* The episode player: chapter and transcript links seek it, the transcript follows it, its speed
   is remembered; copy buttons copy a feed address. */
(function () {
  "use strict";
  function seek(seconds, play) {
    var audio = document.getElementById("cln-audio");
    if (!audio) return false;
    audio.currentTime = seconds;
    if (play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    return true;  // the focus stays where the reader is: the player is in view (sticky)
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-cln-seek]");
    if (link) {
      // The #t= link still works without this script; with it, the page does not move.
      if (seek(parseFloat(link.getAttribute("data-cln-seek")), true)) event.preventDefault();
      return;
    }
    var button = event.target.closest && event.target.closest("[data-cln-copy]");
    if (button) {
      var input = document.getElementById(button.getAttribute("data-cln-copy"));
      var status = button.parentNode.parentNode.querySelector(".cln-copy__status");
      input.select();
      var done = function () { if (status) status.textContent = "Copied to the clipboard."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else { document.execCommand("copy"); done(); }
    }
  });
  /* Material wraps each table in a box that scrolls sideways when the table is wider than the
     screen. A box that scrolls must be reachable from the keyboard (WCAG 2.1.1): give it a tab
     stop and a name while, and only while, it overflows. */
  function fit(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent : "Table, scrolls sideways");
    } else if (!scrolls && wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }
  function fitAll(root) {
    if (root.classList && root.classList.contains("md-typeset__scrollwrap")) fit(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll(".md-typeset__scrollwrap"), fit);
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) { Array.prototype.forEach.call(record.addedNodes, fitAll); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", function () { fitAll(document); });
  fitAll(document);

  /* A page opened at #t=90 starts the player there. */
  var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (match) { document.addEventListener("DOMContentLoaded", function () { seek(parseFloat(match[1]), false); }); }

  /* #t-90 is a line of the transcript (search links a word to the moment it is said): the page
     scrolls to the line, and the player starts there when the reader presses play. */
  function startAt(seconds) {
    var audio = document.getElementById("cln-audio");
    if (!audio) return;
    var set = function () { try { audio.currentTime = seconds; } catch (e) { /* not seekable yet */ } };
    if (audio.readyState >= 1) set();
    else audio.addEventListener("loadedmetadata", set, { once: true });
  }
  function fromHash() {
    var line = /^#t-(\d+)$/.exec(window.location.hash);
    if (line) startAt(parseInt(line[1], 10));
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  /* Speed: 1x to 2x, the reader's choice kept on this device only (localStorage, never sent). */
  var audio = document.getElementById("cln-audio");
  var controls = document.querySelector(".cln-player__controls");
  if (!audio || !controls) return;
  var SPEED_KEY = "cln-playback-speed";
  var speedButtons = Array.prototype.slice.call(controls.querySelectorAll("[data-cln-speed]"));
  function stored() {
    try { return window.localStorage.getItem(SPEED_KEY); } catch (e) { return null; }
  }
  function setSpeed(value, keep) {
    var rate = parseFloat(value);
    if (!(rate > 0) || !speedButtons.some(function (b) { return b.getAttribute("data-cln-speed") === value; })) return;
    audio.defaultPlaybackRate = rate;  // kept when the audio loads again
    audio.playbackRate = rate;
    speedButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-cln-speed") === value ? "true" : "false");
    });
    if (keep) { try { window.localStorage.setItem(SPEED_KEY, value); } catch (e) { /* storage off: this page only */ } }
  }
  speedButtons.forEach(function (b) {
    b.addEventListener("click", function () { setSpeed(b.getAttribute("data-cln-speed"), true); });
  });
  if (stored()) setSpeed(stored(), false);
  audio.addEventListener("loadedmetadata", function () {
    var pressed = controls.querySelector("[data-cln-speed][aria-pressed=true]");
    if (pressed) audio.playbackRate = parseFloat(pressed.getAttribute("data-cln-speed"));
  });
  controls.hidden = false;

  /* The transcript follows the audio: the line being said carries aria-current and, while
     "Follow the audio" is ticked, is scrolled into view inside the transcript's own panel
     (its scrollTop), never by moving the page. A reader scrolling the panel pauses it a while. */
  var panel = document.querySelector(".cln-transcript");
  var follow = document.getElementById("cln-follow");
  var cues = panel ? Array.prototype.slice.call(panel.querySelectorAll("[data-cln-cue]")) : [];
  var starts = cues.map(function (c) { return parseFloat(c.getAttribute("data-cln-cue")); });
  var chapters = Array.prototype.slice.call(document.querySelectorAll("[data-cln-chapter]"));
  var chapterStarts = chapters.map(function (c) { return parseFloat(c.getAttribute("data-cln-chapter")); });
  var current = null, chapter = null, touched = 0;
  var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function at(list, time) {  // the last start at or before time: a binary search
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] <= time + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function reveal(cue) {
    var box = panel.getBoundingClientRect(), line = cue.getBoundingClientRect();
    var top = line.top - box.top - panel.clientTop + panel.scrollTop, bottom = top + line.height;
    if (top >= panel.scrollTop && bottom <= panel.scrollTop + panel.clientHeight) return;
    var to = Math.max(0, top - panel.clientHeight / 3);
    if (panel.scrollTo && !calm) panel.scrollTo({ top: to, behavior: "smooth" });
    else panel.scrollTop = to;
  }
  function update() {
    var time = audio.currentTime;
    var i = at(starts, time), cue = i >= 0 ? cues[i] : null;
    if (cue !== current) {
      if (current) current.removeAttribute("aria-current");
      if (cue) cue.setAttribute("aria-current", "true");
      current = cue;
      if (cue && follow && follow.checked && Date.now() - touched > 4000) reveal(cue);
    }
    var j = at(chapterStarts, time), now = j >= 0 ? chapters[j] : null;
    if (now !== chapter) {
      if (chapter) chapter.classList.remove("cln-chapters__now");
      if (now) now.classList.add("cln-chapters__now");
      chapter = now;
    }
  }
  if (panel && cues.length) {
    ["wheel", "touchmove", "keydown"].forEach(function (type) {
      panel.addEventListener(type, function () { touched = Date.now(); }, { passive: true });
    });
    if (follow) follow.addEventListener("change", function () { if (follow.checked && current) { touched = 0; reveal(current); } });
  }
  ["timeupdate", "seeked"].forEach(function (type) { audio.addEventListener(type, update); });  // not before the first play or seek
})();

/* The header's search (templates/partials/cln-search.html): case studies, episodes and pages from
   the Pagefind index the build writes to pagefind/. Nothing of Pagefind (its script, WebAssembly
   or index) is fetched until the reader opens the search. Where the browser cannot run it, the
   control says so and points to the indexes. Results are built with textContent: nothing a title
   or an excerpt holds is read as HTML. */
(function () {
  "use strict";
  var root = document.querySelector("[data-cln-search]");
  if (!root) return;
  var PAGE = 10, EXCERPT = 30;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var input = root.querySelector(".cln-search__input");
  var opener = root.querySelector(".cln-search__open");
  var closer = root.querySelector(".cln-search__close");
  var output = root.querySelector(".cln-search__output");
  var status = root.querySelector(".cln-search__status");
  var list = root.querySelector(".cln-search__results");
  var more = root.querySelector(".cln-search__more");
  var unavailable = root.querySelector(".cln-search__unavailable");
  var base = new URL((root.getAttribute("data-cln-base") || ".") + "/", window.location.href);
  var engine = null, broken = false, results = [], shown = 0, term = "", seq = 0, ids = 0, quiet = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind, loaded once, on first opening: a failed import (modules blocked), no WebAssembly
     or a failed start all end in fail(). */
  function load() {
    if (!engine) {
      engine = new Promise(function (resolve, reject) {
        if (typeof WebAssembly !== "object" || !WebAssembly || typeof WebAssembly.instantiate !== "function") {
          reject(new Error("WebAssembly is not available"));
          return;
        }
        import(new URL("pagefind/pagefind.js", base).href).then(function (pagefind) {
          return pagefind.options({ baseUrl: base.pathname, excerptLength: EXCERPT })
            .then(function () { return pagefind.init(); })
            .then(function () { resolve(pagefind); });
        }).catch(reject);
      });
      engine.catch(fail);
    }
    return engine;
  }

  function fail() {
    broken = true;
    results = []; shown = 0;
    list.textContent = "";
    more.hidden = true;
    unavailable.hidden = false;
    status.textContent = "Search cannot run in this browser: use the indexes below.";
    if (root.classList.contains("cln-search--open")) output.hidden = false;
  }

  function isPhone() { return window.matchMedia("(max-width: 59.984375em)").matches; }

  function open(focus) {
    root.classList.add("cln-search--open");
    opener.setAttribute("aria-expanded", "true");
    output.hidden = !(broken || input.value.trim());
    if (focus && document.activeElement !== input) input.focus();
    load();
  }

  function close(refocus) {
    if (!root.classList.contains("cln-search--open")) return;
    root.classList.remove("cln-search--open");
    opener.setAttribute("aria-expanded", "false");
    output.hidden = true;
    if (refocus) {
      quiet = true;  // focus comes back to the box without opening it again
      (isPhone() ? opener : input).focus();
      quiet = false;
    }
  }

  function plural(n) { return n === 1 ? "1 result" : n + " results"; }

  function run() {
    var query = input.value.trim();
    var mine = ++seq;
    if (broken) return;
    if (!query) {
      results = []; shown = 0; term = "";
      list.textContent = ""; more.hidden = true; status.textContent = "";
      output.hidden = true;
      return;
    }
    output.hidden = false;
    if (!results.length && !list.childNodes.length) status.textContent = "Searching…";
    load().then(function (pagefind) {
      return pagefind.debouncedSearch(query, {}, 150);
    }).then(function (search) {
      if (search === null || mine !== seq) return null;  // a newer search has been asked for
      results = search.results; shown = 0; term = query;
      list.textContent = "";
      return page(false).then(function () {
        if (mine !== seq) return;
        status.textContent = results.length ? plural(results.length) + " for “" + term + "”"
                                            : "No results for “" + term + "”";
      });
    }).catch(fail);
  }

  /* The next PAGE results; with focus, the first of them takes the focus (after More results). */
  function page(focus) {
    var mine = seq, batch = results.slice(shown, shown + PAGE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (found) {
      if (mine !== seq) return;
      var first = null;
      found.forEach(function (data) {
        var item = render(data);
        list.appendChild(item);
        first = first || item;
      });
      shown += batch.length;
      more.hidden = shown >= results.length;
      if (focus && first) first.querySelector("a").focus();
    });
  }

  /* Where a result points, and which words its excerpt shows: a word found in a transcript
     points to its line (#t-<seconds>, which the episode's player starts from). */
  function locate(data, words) {
    var locations = (data.locations || []).slice().sort(function (a, b) { return a - b; });
    var anchors = (data.anchors || []).slice().sort(function (a, b) { return a.location - b.location; });
    var start = densest(data.weighted_locations || [], words.length);
    var hit = locations.filter(function (l) { return l >= start; })[0];
    if (hit === undefined) hit = locations[0];
    var where = { url: data.url, start: start, end: start + EXCERPT, seconds: null };
    var transcript = null, end = words.length, cue = null, next = words.length;
    anchors.forEach(function (a) {
      if (a.id === "transcript") transcript = a;
      else if (transcript && !/^t-\d+$/.test(a.id) && a.location > transcript.location && end === words.length) end = a.location;
    });
    if (!transcript || hit === undefined || hit < transcript.location || hit >= end) return where;
    anchors.forEach(function (a) {
      if (/^t-\d+$/.test(a.id) && a.location <= hit) cue = a;
      else if (cue && a.location > cue.location && a.location > hit && next === words.length) next = a.location;
    });
    if (!cue) return where;
    where.url = data.url.split("#")[0] + "#" + cue.id;
    where.seconds = parseInt(cue.id.slice(2), 10);
    where.start = hit - cue.location < EXCERPT - 8 ? cue.location : hit - 8;
    where.end = Math.min(where.start + EXCERPT, Math.max(next, hit + 1));
    return where;
  }

  /* Where Pagefind's own excerpt starts: where the matches are densest (as its excerpt.ts does). */
  function densest(weighted, length) {
    var score = [], i;
    weighted.forEach(function (w) { score[w.location] = (score[w.location] || 0) + w.balanced_score; });
    if (score.length <= EXCERPT) return 0;
    var sum = 0, best, at = [0];
    for (i = 0; i < EXCERPT; i++) sum += score[i] || 0;
    best = sum;
    for (i = 0; i < score.length; i++) {
      sum += (score[i + EXCERPT] || 0) - (score[i] || 0);
      if (sum > best) { best = sum; at = [i]; }
      else if (sum === best && at[at.length - 1] === i - 1) at.push(i);
    }
    return Math.max(0, Math.min(at[Math.floor(at.length / 2)], length - EXCERPT));
  }

  function excerpt(node, words, locations, from, to) {
    var marked = {}, text = [], i;
    locations.forEach(function (l) { marked[l] = true; });
    function flush(after) {
      if (text.length) node.appendChild(document.createTextNode(text.join(" ") + after));
      text = [];
    }
    if (from > 0) text.push("…");
    for (i = from; i < Math.min(to, words.length); i++) {
      if (marked[i]) {
        flush(" ");
        node.appendChild(el("mark", "", words[i]));
        text.push("");
      } else {
        text.push(words[i]);
      }
    }
    if (to < words.length) text.push("…");
    flush("");
  }

  function longDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1] : "";
  }

  function clock(seconds) {
    var s = seconds % 60, m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + two(m) + ":" + two(s) : two(m) + ":" + two(s);
  }

  function render(data) {
    var meta = data.meta || {};
    var words = (data.content || "").split(/[\r\n\s]+/);
    var where = locate(data, words);
    var id = "cln-search-result-" + (++ids);
    var item = el("li", "cln-search__result");
    var link = el("a", "cln-search__link", meta.title || data.url);
    link.href = where.url;
    link.setAttribute("aria-describedby", id + "-meta " + id + "-excerpt");
    item.appendChild(link);
    var facts = [meta.kind_label, longDate(meta.date), meta.region_name];
    if (where.seconds !== null) facts.push("said at " + clock(where.seconds));
    var about = el("p", "cln-search__meta");
    about.id = id + "-meta";
    if (meta.evidence === "illustrative") {  // said plainly, before any figure (the content contract)
      about.appendChild(el("strong", "cln-search__flag", "Illustrative example"));
      about.appendChild(document.createTextNode(" · "));
    }
    about.appendChild(document.createTextNode(facts.filter(Boolean).join(" · ")));
    item.appendChild(about);
    var text = el("p", "cln-search__excerpt");
    text.id = id + "-excerpt";
    excerpt(text, words, data.locations || [], where.start, where.end);
    item.appendChild(text);
    return item;
  }

  /* Keyboard: / opens the search from anywhere, arrows move between the box and the results,
     Enter opens a result (in the box: the first), Esc closes. */
  function stops() {
    return [input].concat(Array.prototype.slice.call(list.querySelectorAll(".cln-search__link")),
                          more.hidden ? [] : [more]);
  }

  function editable(node) {
    return node && (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(node.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !editable(event.target)) {
      event.preventDefault();
      open(true);
    }
  });

  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
      return;
    }
    if (event.key === "Enter" && event.target === input) {
      event.preventDefault();
      var first = list.querySelector(".cln-search__link");
      if (first) first.click();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var all = stops(), at = all.indexOf(event.target);
    if (at < 0) return;
    var to = at + (event.key === "ArrowDown" ? 1 : -1);
    if (to < 0 || to >= all.length) return;
    event.preventDefault();
    if (!root.classList.contains("cln-search--open")) open(false);
    all[to].focus();
  });

  input.addEventListener("focus", function () { if (!quiet) open(false); });
  input.addEventListener("input", function () { open(false); run(); });
  opener.addEventListener("click", function () { open(true); });
  closer.addEventListener("click", function () { close(true); });
  more.addEventListener("click", function () { page(true).catch(fail); });
  list.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".cln-search__link")) close(false);
  });
  document.addEventListener("click", function (event) {
    if (!root.contains(event.target)) close(false);
  });
  root.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !root.contains(event.relatedTarget)) close(false);
  });
})();

/* The local preview (`make serve`) only: pages it makes carry <meta name="cln-preview">. The page
   reloads itself when the preview has made a new build, and shows the problems of a bad edit in
   a banner, while the last good page stays readable. Published pages have no such tag. */
(function () {
  "use strict";
  var tag = document.querySelector('meta[name="cln-preview"]');
  if (!tag || !window.fetch) return;
  var address = tag.getAttribute("content"), seen = null, banner = null;
  function show(problems) {
    if (!problems.length) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "cln-preview-problems";
      banner.setAttribute("role", "alert");
      document.body.insertBefore(banner, document.body.firstChild);
    }
    banner.textContent = "";
    var head = document.createElement("p");
    head.textContent = "The last edit has problems, so the preview still shows the last good pages. " +
      "Fix each line below and save:";
    var list = document.createElement("ul");
    problems.forEach(function (line) {
      var item = document.createElement("li"), code = document.createElement("code");
      code.textContent = line; item.appendChild(code); list.appendChild(item);
    });
    banner.appendChild(head); banner.appendChild(list);
  }
  function poll() {
    fetch(address, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (state) {
      if (seen !== null && state.build !== seen && !(state.problems || []).length) { location.reload(); return; }
      seen = state.build;
      show(state.problems || []);
      setTimeout(poll, 500);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
