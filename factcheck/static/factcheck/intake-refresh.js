// The intake article page while its sentences are processed in the background:
// reload it every few seconds until the server stops asking (the attribute is
// only there while the article waits or runs). A file, not inline: the CSP
// allows scripts from 'self' only.
(function () {
  "use strict";
  var status = document.querySelector("[data-refresh-seconds]");
  if (!status) {
    return;
  }
  var seconds = parseInt(status.getAttribute("data-refresh-seconds"), 10) || 3;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
