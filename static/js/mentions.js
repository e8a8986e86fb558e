/*
 * @mentions in a text: type "@" and the first letters of a coworker's name in
 * a win's text or in a comment, pick the person (arrow keys and Enter, or a
 * click), and their @handle is inserted at the caret.
 *
 * Works on every `textarea[data-mentions]`, also those that htmx swaps in
 * later: the listeners are on the document, and a textarea gets its list the
 * first time it has the focus. Suggestions are the `<li role="option">` items
 * of /people/autocomplete/, as for the composer's "Give credit to" field
 * (static/js/compose.js), with the same rule for team-only wins: the
 * textarea's `data-mentions-visibility`, else its form's checked `visibility`.
 *
 * The textarea keeps its role (a multi-line text box, where Enter still
 * starts a new line unless a person is highlighted); it points at the list
 * with aria-controls and at the highlighted person with aria-activedescendant,
 * and a polite status says how many people were found. Strings arrive
 * translated in this script tag's data-msg-* attributes
 * (templates/components/mentions_script.html).
 *
 * Without this file, typing the @handle by hand does the same.
 */
(function () {
  "use strict";

  // The tag may be on a page more than once: set up once.
  if (window.winsMentions) {
    return;
  }
  window.winsMentions = true;

  var config = document.currentScript ? document.currentScript.dataset : {};
  if (!config.url || !window.fetch || !window.AbortController) {
    return;
  }

  var FIELD = "textarea[data-mentions]";
  var MIN_QUERY = 2;
  var SEARCH_DELAY_MS = 150;
  // "@" and the start of a name or a handle, right before the caret. The "@"
  // begins the text or follows a space or punctuation, never a letter, a dot
  // or another "@" (as feed/text.py's MENTION_RE): "ana@example.com" is no mention.
  var TOKEN = /(?:^|[^\p{L}\p{M}\p{N}_@.])@([\p{L}\p{N}][\p{L}\p{M}\p{N}._'+-]*)$/u;
  // The rest of that word after the caret, replaced too when a person is chosen.
  var WORD_REST = /^[\p{L}\p{M}\p{N}._'+-]*/u;

  var states = new WeakMap();
  var created = 0;

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function field(target) {
    return target instanceof HTMLTextAreaElement && target.matches(FIELD) ? target : null;
  }

  // The "@word" being typed at the caret, or null.
  function tokenAt(textarea) {
    var caret = textarea.selectionStart;
    if (caret === null || caret !== textarea.selectionEnd) {
      return null;
    }
    var match = TOKEN.exec(textarea.value.slice(0, caret));
    if (!match) {
      return null;
    }
    var rest = WORD_REST.exec(textarea.value.slice(caret))[0];
    return { start: caret - match[1].length - 1, end: caret + rest.length, query: match[1] };
  }

  function visibility(textarea) {
    if (textarea.dataset.mentionsVisibility) {
      return textarea.dataset.mentionsVisibility;
    }
    var checked = textarea.form && textarea.form.querySelector("input[name='visibility']:checked");
    return checked ? checked.value : "";
  }

  // The list and the status of a textarea, made the first time it is used.
  function stateOf(textarea) {
    var state = states.get(textarea);
    if (state) {
      return state;
    }
    created += 1;
    var anchor = textarea.parentElement;
    var listbox = document.createElement("ul");
    listbox.className = "suggestions mention-suggestions";
    listbox.id = (textarea.id || "mentions-" + created) + "-suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", config.msgLabel || "");
    listbox.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    anchor.classList.add("mentions-anchor");
    anchor.append(listbox, status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", listbox.id);

    // Keep the focus in the text while a suggestion is pressed.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var item = event.target.closest("[role='option']");
      if (item) {
        choose(textarea, state, item);
      }
    });
    state = {
      listbox: listbox,
      status: status,
      active: -1,
      controller: null,
      timer: null,
    };
    states.set(textarea, state);
    return state;
  }

  function options(state) {
    return Array.prototype.slice.call(state.listbox.querySelectorAll("[role='option']"));
  }

  function close(textarea, state) {
    window.clearTimeout(state.timer);
    if (state.controller) {
      state.controller.abort();
      state.controller = null;
    }
    state.listbox.hidden = true;
    state.active = -1;
    textarea.removeAttribute("aria-activedescendant");
  }

  function highlight(textarea, state, index) {
    var items = options(state);
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    state.active = index;
    if (index >= 0) {
      textarea.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      textarea.removeAttribute("aria-activedescendant");
    }
  }

  function show(textarea, state, items, query) {
    state.listbox.replaceChildren.apply(state.listbox, items);
    items.forEach(function (item, i) {
      item.id = state.listbox.id + "-" + i;
    });
    if (!items.length) {
      close(textarea, state);
      state.status.textContent = format(config.msgNone, { query: query });
      return;
    }
    // Just under the textarea, wherever it sits in its field.
    state.listbox.style.top = textarea.offsetTop + textarea.offsetHeight + "px";
    state.listbox.hidden = false;
    highlight(textarea, state, -1);
    state.status.textContent = format(config.msgResults, { count: items.length });
  }

  function search(textarea, state) {
    var token = tokenAt(textarea);
    if (!token || Array.from(token.query).length < MIN_QUERY) {
      close(textarea, state);
      return;
    }
    if (state.controller) {
      state.controller.abort();
    }
    var controller = new AbortController();
    state.controller = controller;
    var params = new URLSearchParams({ q: token.query, visibility: visibility(textarea) });
    fetch(config.url + "?" + params.toString(), {
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
        if (state.controller !== controller || document.activeElement !== textarea) {
          return;
        }
        state.controller = null;
        var template = document.createElement("template");
        template.innerHTML = html;
        show(textarea, state, Array.prototype.slice.call(template.content.querySelectorAll("[role='option']")), token.query);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          close(textarea, state);
          state.status.textContent = config.msgUnavailable || "";
        }
      });
  }

  // Replace the "@word" at the caret with the person's handle and a space,
  // as typing would: the change can be undone and fires `input` (the
  // composer's counter follows).
  function choose(textarea, state, item) {
    var token = tokenAt(textarea);
    close(textarea, state);
    if (!token) {
      return;
    }
    var spaced = /^\s/.test(textarea.value.slice(token.end));
    var text = "@" + item.dataset.handle + (spaced ? "" : " ");
    textarea.focus();
    textarea.setSelectionRange(token.start, token.end);
    var typed = false;
    try {
      typed = document.execCommand("insertText", false, text);
    } catch (error) {
      typed = false;
    }
    if (!typed) {
      textarea.setRangeText(text, token.start, token.end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var caret = token.start + text.length + (spaced ? 1 : 0);
    textarea.setSelectionRange(caret, caret);
    state.status.textContent = format(config.msgAdded, { name: item.dataset.name });
  }

  document.addEventListener("focusin", function (event) {
    var textarea = field(event.target);
    if (textarea) {
      stateOf(textarea);
    }
  });

  document.addEventListener("input", function (event) {
    var textarea = field(event.target);
    if (!textarea) {
      return;
    }
    var state = stateOf(textarea);
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(function () {
      search(textarea, state);
    }, SEARCH_DELAY_MS);
  });

  document.addEventListener("keydown", function (event) {
    var textarea = field(event.target);
    var state = textarea && states.get(textarea);
    if (!state || state.listbox.hidden || event.isComposing) {
      return;
    }
    var items = options(state);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(textarea, state, (state.active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(textarea, state, state.active <= 0 ? items.length - 1 : state.active - 1);
    } else if (event.key === "Enter" && state.active >= 0) {
      event.preventDefault(); // choose, do not start a new line
      choose(textarea, state, items[state.active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(textarea, state);
    } else if (event.key === "Tab") {
      close(textarea, state);
    }
  });

  document.addEventListener("focusout", function (event) {
    var textarea = field(event.target);
    var state = textarea && states.get(textarea);
    if (state) {
      close(textarea, state);
    }
  });

  // Who may be mentioned depends on who can see the win.
  document.addEventListener("change", function (event) {
    if (event.target.name !== "visibility" || !event.target.form) {
      return;
    }
    event.target.form.querySelectorAll(FIELD).forEach(function (textarea) {
      var state = states.get(textarea);
      if (state) {
        close(textarea, state);
      }
    });
  });
})();
