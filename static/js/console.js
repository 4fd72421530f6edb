/* Keyboard shortcuts and small helpers of the operator console and the agency workspace.
   Everything works without this file; it only saves clicks. */
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  // An element with data-shortcut="x": a link is followed, a <details> opened with its first
  // field focused, anything else focused.
  function activate(element) {
    if (element.tagName === "A" || element.tagName === "BUTTON") {
      element.click();
      return;
    }
    if (element.tagName === "SUMMARY") {
      const details = element.parentElement;
      details.open = true;
      const field = details.querySelector("input:not([type=hidden]), select, textarea, button[type=submit]");
      (field || element).focus();
      return;
    }
    element.focus();
    if (element.select) element.select();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target)) return;
    if (event.key === "?") {
      const help = document.getElementById("shortcut-help");
      if (help && help.showModal) help.showModal();
      event.preventDefault();
      return;
    }
    const element = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (element) {
      event.preventDefault();
      activate(element);
    }
  });

  // A quick answer from the FAQ goes into the reply where the cursor is, without leaving the page
  // (the link itself reloads the page with the answer in the reply, for browsers without scripts).
  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-insert-answer]");
    if (!link) return;
    const field = document.querySelector(link.dataset.insertAnswer);
    if (!field) return;
    event.preventDefault();
    const start = field.selectionStart, end = field.selectionEnd;
    const before = field.value.slice(0, start), after = field.value.slice(end);
    const gap = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    field.value = before + gap + link.dataset.text + after;
    const caret = (before + gap + link.dataset.text).length;
    field.focus();
    field.setSelectionRange(caret, caret);
  });

  // Lower case without diacritics, as the server's search folds text: "Y tế" and "y te" match.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();
  }

  // The agency directory is long (every commune has its offices): typing narrows the list.
  document.addEventListener("input", function (event) {
    const filter = event.target.closest("[data-filter-select]");
    if (!filter) return;
    const select = document.getElementById(filter.dataset.filterSelect);
    const words = fold(filter.value).split(/\s+/).filter(Boolean);
    let first = null;
    for (const option of select.options) {
      if (!option.value) continue;
      const text = fold(option.text);
      const shown = words.every(function (word) { return text.includes(word); });
      option.hidden = !shown;
      if (shown && first === null) first = option;
    }
    if (first && select.selectedOptions.length && select.selectedOptions[0].hidden) first.selected = true;
  });
})();
