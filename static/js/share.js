/*
 * "Copy link" on a public story: copies the story's address instead of opening it,
 * and says so in the status line below the links. Without JavaScript, or where the
 * browser offers no clipboard (a page not served over HTTPS), the link is just the
 * story's permanent address, to copy as any other.
 *
 * No inline scripts, no third-party code: the Content Security Policy allows neither.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) {
      return;
    }
    event.preventDefault();
    var status = document.querySelector("[data-copy-status]");
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    navigator.clipboard.writeText(link.href).then(
      function () { say(link.dataset.copied); },
      function () { say(link.dataset.copyFailed); }
    );
  });
})();
