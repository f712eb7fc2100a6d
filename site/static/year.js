// The guide's fee and batch tables, brought up to date: the page is built
// with the figures of site/data/, and staff may have entered a newer year
// since. Without this script (or if the API does not answer) the built
// figures stay; with it, /api/years/current replaces them.
(function () {
  "use strict";
  var fees = document.querySelector("[data-year-fees]");
  var batches = document.querySelector("[data-year-batches]");
  if (!fees && !batches) return;
  var zh = document.documentElement.lang.indexOf("zh") === 0;

  // Integer fen as yuan: 1500 → "15", 1550 → "15.50".
  function yuan(fen) {
    var cents = fen % 100;
    return Math.floor(fen / 100) + (cents ? "." + (cents < 10 ? "0" : "") + cents : "");
  }

  function setAll(root, selector, value) {
    root.querySelectorAll(selector).forEach(function (node) { node.textContent = value; });
  }

  function showFees(year) {
    var fen = year.price_per_hour_fen;
    setAll(fees, "[data-year]", year.year);
    fees.querySelectorAll("[data-fen]").forEach(function (cell) {
      var hours = Number(cell.getAttribute("data-fen"));
      // R12: returning holders get the 10 mandatory hours free when the year grants it.
      if (cell.hasAttribute("data-returning") && year.returning_learner_free_mandatory) hours -= 10;
      cell.textContent = yuan(fen * hours);
    });
  }

  function showBatches(year) {
    setAll(batches, "[data-year]", year.year);
    setAll(batches, "[data-working-days]", year.certificate_available_after_working_days);
    var rows = batches.querySelector("[data-batch-rows]");
    if (!rows) return;
    var fresh = document.createDocumentFragment();
    year.batches.forEach(function (batch) {
      var row = document.createElement("tr");
      var date = document.createElement("th");
      date.scope = "row";
      date.textContent = batch.batch_date;
      var day = document.createElement("td");
      day.textContent = batch.available_from || (zh ? batch.message : batch.message_en) || "";
      row.appendChild(date);
      row.appendChild(day);
      fresh.appendChild(row);
    });
    rows.replaceChildren(fresh);
  }

  fetch("/api/years/current", { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (year) {
      if (!year) return;
      if (fees) showFees(year);
      if (batches) showBatches(year);
    })
    .catch(function () { /* offline or no API: the built figures stay */ });
})();
