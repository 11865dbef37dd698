// The item page: a to accept, / to search invoices, j/k to move between the lines, invoice
// search for pick and split, and the split's running total against the payment (in cents:
// no binary floats on money). No inline scripts (the CSP forbids them).
"use strict";
(function () {
  var decisions = document.querySelector(".decisions");
  var search = document.getElementById("invoice-search");
  var results = document.getElementById("search-results");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.line-row"));
  var current = rows.findIndex(function (r) { return r.classList.contains("this-line"); });

  // "1,234.56" -> 123456; null when it is not an amount with at most two decimals.
  function cents(text) {
    var t = String(text || "").replace(/[,\s]/g, "");
    var m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
    if (!m) { return null; }
    var value = parseInt(m[2], 10) * 100 + parseInt(((m[3] || "") + "00").slice(0, 2), 10);
    return m[1] ? -value : value;
  }

  function show(value) {
    var sign = value < 0 ? "-" : "";
    var abs = Math.abs(value);
    var whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + String(abs % 100).padStart(2, "0");
  }

  function updateTotal() {
    if (!decisions) { return; }
    var payment = cents(decisions.dataset.lineAmount);
    var total = 0;
    var bad = false;
    document.querySelectorAll("#split-rows .split-amount").forEach(function (input) {
      if (input.value.trim() === "") { return; }
      var c = cents(input.value);
      input.classList.toggle("invalid", c === null);
      if (c === null) { bad = true; } else { total += c; }
    });
    var box = document.getElementById("running-total");
    document.getElementById("total-selected").textContent = show(total);
    var left = payment === null ? 0 : payment - total;
    document.getElementById("total-left").textContent =
      bad ? "an amount is not valid" : left === 0 ? "adds up" : left > 0 ? "left " + show(left) : "over by " + show(-left);
    box.classList.toggle("balanced", !bad && left === 0);
    box.classList.toggle("unbalanced", bad || left !== 0);
  }

  function addSplitRow(number, amount) {
    var body = document.getElementById("split-rows");
    if (!body) { return; }
    var empty = Array.prototype.find.call(body.querySelectorAll("tr.split-row"), function (row) {
      return row.querySelector(".split-invoice").value.trim() === "";
    });
    if (!empty) {
      empty = body.querySelector("tr.split-row").cloneNode(true);
      empty.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      body.appendChild(empty);
    }
    if (number !== undefined) { empty.querySelector(".split-invoice").value = number; }
    if (amount !== undefined) { empty.querySelector(".split-amount").value = amount; }
    updateTotal();
    return empty;
  }

  function runSearch(event) {
    if (event) { event.preventDefault(); }
    var form = document.getElementById("search-form");
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { results.innerHTML = html; })  // server-rendered and escaped
      .catch(function (status) { results.textContent = "search failed (" + status + ")"; });
  }

  function left() {
    var payment = cents(decisions.dataset.lineAmount) || 0;
    var used = 0;
    document.querySelectorAll("#split-rows .split-amount").forEach(function (i) {
      var c = cents(i.value); if (c !== null) { used += c; }
    });
    return payment - used;
  }

  if (decisions) {
    document.getElementById("search-form").addEventListener("submit", runSearch);
    document.getElementById("split-add").addEventListener("click", function () { addSplitRow(); });
    document.getElementById("split-rows").addEventListener("input", updateTotal);
    results.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("pick-hit")) {
        var pick = document.getElementById("pick-invoice");
        pick.value = button.dataset.number;
        pick.focus();
      } else if (button.classList.contains("split-hit")) {
        var balance = cents(button.dataset.balance);
        var rest = left();
        var amount = balance === null ? undefined : show(Math.max(0, Math.min(balance, rest))).replace(/,/g, "");
        addSplitRow(button.dataset.number, amount);
      }
    });
    updateTotal();
  }

  function selectLine(index) {
    if (rows.length === 0) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) { rows[current].classList.remove("selected"); }
    current = index;
    rows[current].classList.add("selected");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (event.key === "a") {
      var accept = document.getElementById("accept-form");
      if (accept) { event.preventDefault(); accept.requestSubmit(); }
    } else if (event.key === "/" && search) {
      event.preventDefault();
      search.focus();
    } else if (event.key === "j") {
      event.preventDefault();
      selectLine(current + 1);
    } else if (event.key === "k") {
      event.preventDefault();
      selectLine(current < 0 ? 0 : current - 1);
    }
  });

  if (current >= 0) { selectLine(current); }
})();
