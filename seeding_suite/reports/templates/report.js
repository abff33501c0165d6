// Pages the long tables: their rows are JSON (#report-data), shown PAGE at a time with a
// filter, so the DOM stays small at 10,000 integrations. Text only (textContent), never HTML.
(function () {
  "use strict";
  var PAGE = 50;
  var data = JSON.parse(document.getElementById("report-data").textContent);
  // A matrix cell [version, health, run(, rollout %)] as {t, c, title}; `runs` names the runs.
  function expand(cell, runs) {
    if (!Array.isArray(cell)) { return cell; }
    var text = (cell[0] || "-") + " " + cell[1] + (cell.length > 3 ? " " + cell[3] + "%" : "");
    return { t: text, c: "h-" + cell[1], title: runs[cell[2]] };
  }
  function text(cell) {
    return cell === null ? "" : typeof cell === "object" ? String(cell.t) : String(cell);
  }
  function td(cell) {
    var el = document.createElement("td");
    if (cell === null) { el.textContent = "-"; el.className = "empty"; return el; }
    if (typeof cell !== "object") { el.textContent = String(cell); return el; }
    if (cell.c) { el.className = cell.c; }
    if (cell.title) { el.title = cell.title; }
    if (cell.h) {
      var a = document.createElement("a");
      a.href = cell.h; a.textContent = cell.t; el.appendChild(a);
    } else { el.textContent = cell.t; }
    return el;
  }
  document.querySelectorAll("div.paged").forEach(function (box) {
    var table = data[box.dataset.key];
    if (table.runs) {
      table.rows = table.rows.map(function (row) {
        return row.map(function (cell) { return expand(cell, table.runs); });
      });
    }
    if (!table.rows.length) {
      var none = document.createElement("p");
      none.className = "empty"; none.textContent = "none"; box.appendChild(none); return;
    }
    var pager = document.createElement("div"); pager.className = "pager";
    var filter = document.createElement("input");
    filter.type = "search"; filter.placeholder = "filter"; filter.setAttribute("aria-label", "filter");
    var prev = document.createElement("button"); prev.textContent = "‹ previous"; prev.type = "button";
    var next = document.createElement("button"); next.textContent = "next ›"; next.type = "button";
    var where = document.createElement("span"); where.className = "where";
    pager.append(filter, prev, next, where);
    var el = document.createElement("table");
    var head = el.createTHead().insertRow();
    table.columns.forEach(function (name) {
      var th = document.createElement("th"); th.textContent = name; head.appendChild(th);
    });
    var body = el.createTBody();
    box.append(pager, el);
    var rows = table.rows, start = 0;
    function show() {
      body.replaceChildren();
      rows.slice(start, start + PAGE).forEach(function (row) {
        var tr = body.insertRow(); row.forEach(function (cell) { tr.appendChild(td(cell)); });
      });
      where.textContent = rows.length
        ? (start + 1) + "–" + Math.min(start + PAGE, rows.length) + " of " + rows.length
        : "no match";
      prev.disabled = start === 0; next.disabled = start + PAGE >= rows.length;
    }
    filter.addEventListener("input", function () {
      var q = filter.value.toLowerCase();
      rows = q ? table.rows.filter(function (row) {
        return row.some(function (cell) { return text(cell).toLowerCase().indexOf(q) >= 0; });
      }) : table.rows;
      start = 0; show();
    });
    prev.addEventListener("click", function () { start = Math.max(0, start - PAGE); show(); });
    next.addEventListener("click", function () { start += PAGE; show(); });
    show();
  });
})();
