/*
 * The feed, a little kinder with JavaScript on. Everything works without this file:
 * forms post and links navigate. With htmx, fragments are swapped in place, and
 * this file takes care of the people who cannot see the swap happen:
 *
 * - a polite live region reads out what changed (any swapped element with
 *   `data-announce`, e.g. "Your comment is posted." or "20 more wins loaded");
 * - focus is never dropped on the floor: htmx keeps it on an element whose id
 *   survives the swap (reaction buttons, the comment box and its button); an
 *   element the server marks `data-focus` takes it (a comment box with an error,
 *   the comments after a deletion); when the "Show more" link that had it is
 *   gone, it moves to the first new card;
 * - the card's "more actions" menu closes on Escape or a click elsewhere.
 *
 * No inline scripts, no eval: the Content Security Policy allows neither.
 */
(function () {
  "use strict";

  var region = document.createElement("div");
  region.className = "visually-hidden";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  document.body.appendChild(region);

  function announce(text) {
    // Emptied first, so the same message twice is read twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.body.contains(active);
  }

  // Where focus goes after a swap: an element the server marked (a field with an
  // error, the comments after a deletion), else the first new card when the
  // "Show more" link that had focus is gone.
  function focusTarget(element) {
    var marked = element.matches("[data-focus]") ? element : element.querySelector("[data-focus]");
    if (marked) return marked;
    if (focusLost() && element.classList.contains("feed-page")) {
      return element.querySelector(".win-card");
    }
    return null;
  }

  // htmx:load fires for each element a swap inserts (and once for the page).
  document.body.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!(element instanceof Element) || element === document.body) return;
    var message = element.getAttribute("data-announce");
    if (message) announce(message);
    var target = focusTarget(element);
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest" });
    }
  });

  function closeMenus(except) {
    document.querySelectorAll("details.win-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target instanceof Element ? event.target.closest("details.win-menu") : null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target instanceof Element ? event.target.closest("details.win-menu[open]") : null;
    if (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  });
})();
