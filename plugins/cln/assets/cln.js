/* Chapter and transcript links seek the episode's player; copy buttons copy a feed address. */
(function () {
  "use strict";
  function seek(seconds, play) {
    var audio = document.getElementById("cln-audio");
    if (!audio) return false;
    audio.currentTime = seconds;
    if (play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    audio.focus();
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-cln-seek]");
    if (link) {
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
})();
