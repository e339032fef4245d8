/* The web editor's additions to Decap CMS: a preview pane that looks like the site's pages.
   Loaded after decap-cms.js, which defines window.CMS and window.h (React's createElement). */
(function () {
  "use strict";
  var CMS = window.CMS;
  var h = window.h;
  if (!CMS || !h) return;

  CMS.registerPreviewStyle(new URL("preview.css", document.baseURI).href);

  function plain(value) {
    return value && typeof value.toJS === "function" ? value.toJS() : value;
  }
  function data(entry, name) {
    return plain(entry.getIn(["data", name]));
  }
  function present(value) {
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length);
  }
  // A taxonomy value's name, from the select's options in the configuration: what the site shows.
  function names(collection, field, values) {
    var wanted = Array.isArray(values) ? values : [values];
    var found = (plain(collection.get("fields")) || []).filter(function (f) { return f.name === field; })[0];
    var options = (found && found.options) || [];
    return wanted.filter(present).map(function (slug) {
      var option = options.filter(function (o) { return o.value === slug; })[0];
      return option ? option.label : slug;
    }).join(", ");
  }
  function row(label, value) {
    return present(value) ? h("div", { key: label }, h("dt", null, label), h("dd", null, value)) : null;
  }
  function meta(rows) {
    var shown = rows.filter(Boolean);
    return shown.length ? h("dl", { className: "cln-meta" }, shown) : null;
  }
  function people(list) {
    return (list || []).filter(function (p) { return p && p.name; }).map(function (p) {
      return [p.name, p.role, p.organisation].filter(present).join(", ");
    }).join("; ");
  }

  function CaseStudyPreview(props) {
    var entry = props.entry;
    var c = props.collection;
    var evidence = data(entry, "evidence") || "reported";
    var points = (data(entry, "key_points") || []).filter(present);
    var outcomes = (data(entry, "outcomes") || []).filter(function (o) { return o && o.measure; });
    return h("article", { className: "md-typeset" },
      data(entry, "draft") ? h("p", { className: "cln-draft" }, "Draft: not published") : null,
      evidence === "illustrative" ? h("p", { className: "cln-illustrative" },
        "Illustrative example: invented to show the format, not a real service, people or results.") : null,
      h("h1", null, data(entry, "title") || "Untitled case study"),
      h("p", { className: "cln-lead" }, data(entry, "summary")),
      meta([
        row("Published", data(entry, "date")),
        row("Updated", data(entry, "updated")),
        row("Region", names(c, "region", data(entry, "region"))),
        row("Topics", names(c, "topics", data(entry, "topics"))),
        row("Professions", names(c, "professions", data(entry, "professions"))),
        row("Competencies", names(c, "competencies", data(entry, "competencies"))),
        row("Authors", people(data(entry, "authors"))),
        row("Evidence", evidence)]),
      points.length ? h("section", { className: "cln-key-points" }, h("h2", null, "Key points"),
        h("ul", null, points.map(function (p, i) { return h("li", { key: i }, p); }))) : null,
      outcomes.length ? h("div", { className: "cln-outcomes" }, h("table", null,
        h("caption", null, "Outcomes"),
        h("thead", null, h("tr", null, ["Measure", "Before", "After", "Period", "Source"].map(function (t) {
          return h("th", { key: t, scope: "col" }, t);
        }))),
        h("tbody", null, outcomes.map(function (o, i) {
          return h("tr", { key: i }, h("td", null, o.measure), h("td", null, o.before), h("td", null, o.after),
            h("td", null, o.period || ""), h("td", null, [o.source, o.sample].filter(present).join("; ")));
        })))) : null,
      props.widgetFor("body"));
  }

  function EpisodePreview(props) {
    var entry = props.entry;
    var chapters = (data(entry, "chapters") || []).filter(function (ch) { return ch && ch.title; });
    return h("article", { className: "md-typeset" },
      data(entry, "draft") ? h("p", { className: "cln-draft" }, "Draft: not published") : null,
      h("h1", null, data(entry, "title") || "Untitled episode"),
      h("p", { className: "cln-lead" }, data(entry, "summary")),
      meta([
        row("Published", data(entry, "date")),
        row("Episode", [data(entry, "season") && "Season " + data(entry, "season"),
          data(entry, "episode") && "Episode " + data(entry, "episode")].filter(present).join(", ")),
        row("Topics", names(props.collection, "topics", data(entry, "topics"))),
        row("Guests", people(data(entry, "guests"))),
        row("Audio", data(entry, "audio")),
        row("Transcript", data(entry, "transcript"))]),
      chapters.length ? h("section", { className: "cln-chapters" }, h("h2", null, "Chapters"),
        h("ol", null, chapters.map(function (ch, i) {
          return h("li", { key: i }, h("span", { className: "cln-seek__time" }, ch.start), " ", ch.title);
        }))) : null,
      props.widgetFor("body"));
  }

  CMS.registerPreviewTemplate("case_studies", CaseStudyPreview);
  CMS.registerPreviewTemplate("episodes", EpisodePreview);
})();
