/*
 * The composer, enhanced (templates/feed/win_form.html#compose).
 *
 * - A live character counter under the text, and a polite status that says the
 *   count to screen readers once typing pauses.
 * - People suggestions in the "Give credit to" field: type a name, pick a
 *   person (arrow keys and Enter, or a tap), and their @handle is inserted.
 *   An ARIA 1.2 combobox over the HTML fragment of /people/autocomplete/.
 * - The photo description is shown only when there is a photo to describe.
 *
 * Everything is optional: without this file the same form posts the same
 * fields, and the server checks all of them. Strings arrive translated in the
 * form's data-msg-* attributes.
 */
(function () {
  "use strict";

  // The partial can appear more than once (and be swapped in by htmx): set up once.
  if (window.winsCompose) {
    return;
  }
  window.winsCompose = true;

  var MIN_QUERY = 2;
  var SEARCH_DELAY_MS = 200;
  var ANNOUNCE_DELAY_MS = 1000;
  var SEPARATOR = /[\s,;]/;

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  // As the server counts: code points, a line break is one character.
  function characters(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  // ---------------------------------------------------------------- counter
  function setUpCounter(form) {
    var textarea = form.querySelector("textarea[data-maxlength]");
    var counter = form.querySelector("[data-counter]");
    var status = form.querySelector("[data-counter-status]");
    if (!textarea || !counter || !status) {
      return;
    }
    var count = counter.querySelector("[data-counter-count]");
    var limit = Number(textarea.dataset.maxlength);

    function message() {
      var used = characters(textarea.value);
      if (used > limit) {
        return format(form.dataset.msgOver, { count: used, limit: limit, over: used - limit });
      }
      return format(form.dataset.msgCount, { count: used, limit: limit });
    }
    function update() {
      var used = characters(textarea.value);
      count.textContent = String(used);
      counter.classList.toggle("is-over", used > limit);
      counter.classList.toggle("is-near", used <= limit && used >= limit * 0.9);
    }
    var announce = debounce(function () {
      status.textContent = message();
    }, ANNOUNCE_DELAY_MS);

    counter.hidden = false;
    update();
    textarea.addEventListener("input", function () {
      update();
      announce();
    });
  }

  // ------------------------------------------------------------ suggestions
  function setUpSuggestions(form) {
    var wrapper = form.querySelector("[data-autocomplete]");
    if (!wrapper || !window.fetch) {
      return;
    }
    var input = wrapper.querySelector("input[type='text']");
    var listbox = wrapper.querySelector("[data-suggestions]");
    var status = wrapper.querySelector("[data-autocomplete-status]");
    var url = form.dataset.autocompleteUrl;
    var controller = null;
    var active = -1;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    // The word being typed at the caret, with or without its "@".
    function currentToken() {
      var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
      var start = caret;
      while (start > 0 && !SEPARATOR.test(input.value.charAt(start - 1))) {
        start -= 1;
      }
      var end = caret;
      while (end < input.value.length && !SEPARATOR.test(input.value.charAt(end))) {
        end += 1;
      }
      var word = input.value.slice(start, end);
      return { start: start, end: end, query: word.replace(/^@/, "") };
    }
    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[role='option']"));
    }
    function visibility() {
      var checked = form.querySelector("input[name='visibility']:checked");
      return checked ? checked.value : "";
    }
    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = options();
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function show(items, query) {
      listbox.replaceChildren.apply(listbox, items);
      items.forEach(function (item, i) {
        item.id = listbox.id + "-" + i;
      });
      if (items.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
        status.textContent = format(form.dataset.msgResults, { count: items.length });
      } else {
        close();
        status.textContent = format(form.dataset.msgNone, { query: query });
      }
    }
    var search = debounce(function () {
      var token = currentToken();
      if (controller) {
        controller.abort();
      }
      if (token.query.length < MIN_QUERY || /^[\w.+-]+@/.test(token.query)) {
        close();
        return;
      }
      controller = new AbortController();
      var query = token.query;
      var params = new URLSearchParams({ q: query, visibility: visibility() });
      fetch(url + "?" + params.toString(), {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var template = document.createElement("template");
          template.innerHTML = html;
          show(Array.prototype.slice.call(template.content.querySelectorAll("[role='option']")), query);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            close();
            status.textContent = form.dataset.msgUnavailable || "";
          }
        });
    }, SEARCH_DELAY_MS);

    function choose(item) {
      var where = currentToken();
      var before = input.value.slice(0, where.start);
      var after = input.value.slice(where.end).replace(/^[\s,;]+/, "");
      var inserted = "@" + item.dataset.handle + " ";
      input.value = before + inserted + after;
      var caret = (before + inserted).length;
      input.focus();
      input.setSelectionRange(caret, caret);
      close();
      status.textContent = format(form.dataset.msgAdded, { name: item.dataset.name });
    }

    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.isComposing || listbox.hidden || !items.length) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // choose, do not post the form
        choose(items[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", close);
    // Keep the focus in the field while a suggestion is pressed.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var item = event.target.closest("[role='option']");
      if (item) {
        choose(item);
      }
    });
    // Who may be credited depends on who can see the win: suggestions already
    // shown are dropped, and asked again for the new audience when the field
    // has the focus (a keyboard user switching with the arrow keys, or a script).
    form.addEventListener("change", function (event) {
      if (event.target.name === "visibility") {
        close();
        if (document.activeElement === input) {
          search();
        }
      }
    });
  }

  // ------------------------------------------------------------------ photo
  function setUpPhoto(form) {
    var file = form.querySelector("input[type='file'][name='image']");
    var field = form.querySelector("[data-alt-field]");
    if (!file || !field) {
      return;
    }
    var alt = field.querySelector("input");
    var remove = form.querySelector("input[name='remove_image']");
    // A photo kept from the last try (templates/wins/win_form.html, data-kept-photo).
    var removeKept = form.querySelector("input[name='remove_pending_photo']");
    var kept = form.querySelector("[data-kept-photo] img");
    function update() {
      var keeps = (remove !== null && !remove.checked) || (removeKept !== null && !removeKept.checked);
      if (kept) {
        kept.hidden = removeKept !== null && removeKept.checked;
      }
      var needed =
        file.files.length > 0 || keeps || alt.value !== "" || field.querySelector(".errorlist") !== null;
      field.hidden = !needed;
    }
    file.addEventListener("change", update);
    if (remove) {
      remove.addEventListener("change", update);
    }
    if (removeKept) {
      removeKept.addEventListener("change", update);
    }
    update();
  }

  function init(root) {
    root.querySelectorAll("form[data-compose]:not([data-compose-ready])").forEach(function (form) {
      form.setAttribute("data-compose-ready", "");
      setUpCounter(form);
      setUpSuggestions(form);
      setUpPhoto(form);
      var summary = form.querySelector("[data-error-summary]");
      if (summary) {
        summary.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function () {
    init(document);
  });
})();
