// The queue's keyboard: j/k move the selection, Enter or o opens the item, / focuses search.
"use strict";
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
  var search = document.getElementById("queue-search");
  var current = -1;

  function select(index) {
    if (rows.length === 0) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) {
      rows[current].classList.remove("selected");
      rows[current].removeAttribute("aria-selected");
    }
    current = index;
    rows[current].classList.add("selected");
    rows[current].setAttribute("aria-selected", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target && target.isContentEditable);
  }

  rows.forEach(function (row, index) {
    row.addEventListener("click", function (event) {
      if (!(event.target instanceof HTMLAnchorElement)) { select(index); }
    });
    row.addEventListener("dblclick", function () { window.location.assign(row.dataset.href); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape" && event.target === search) { search.blur(); }
      return;
    }
    if (event.key === "j") {
      select(current + 1);
      event.preventDefault();
    } else if (event.key === "k") {
      select(current < 0 ? 0 : current - 1);
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === "o") && current >= 0) {
      window.location.assign(rows[current].dataset.href);
      event.preventDefault();
    } else if (event.key === "/" && search) {
      search.focus();
      search.select();
      event.preventDefault();
    }
  });

  if (rows.length > 0) { select(0); }
})();
