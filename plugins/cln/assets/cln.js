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
  /* A page opened at #t=90 starts the player there. */
  var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (match) { document.addEventListener("DOMContentLoaded", function () { seek(parseFloat(match[1]), false); }); }
})();
