/* duban: sortable tables (the units ranking). Self-contained, served from the site itself:
 * no library, no other host. A table marked data-duban-sort gets a button in each header
 * cell; a click sorts the rows by that column (again: the other way). Each cell holds an
 * element with data-value, the key to sort by (a number when it reads as one). Without
 * JavaScript the table stays as written: in rank order. */
(function () {
  "use strict";

  function key(row, index) {
    var cell = row.cells[index];
    var holder = cell ? cell.querySelector("[data-value]") : null;
    var text = holder ? holder.getAttribute("data-value") : cell ? cell.textContent : "";
    var number = Number(text);
    return text !== "" && !isNaN(number) ? number : text;
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return String(a).localeCompare(String(b), "zh-CN");
  }

  function sort(table, index, button) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = button.getAttribute("data-order") !== "ascending";
    rows = rows.map(function (row, position) {
      return { row: row, key: key(row, index), position: position };
    });
    rows.sort(function (a, b) {
      var order = compare(a.key, b.key);
      return (ascending ? order : -order) || a.position - b.position;
    });
    rows.forEach(function (item) {
      body.appendChild(item.row);
    });
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) {
      heads[i].removeAttribute("aria-sort");
      var other = heads[i].querySelector("button");
      if (other) {
        other.removeAttribute("data-order");
      }
    }
    button.setAttribute("data-order", ascending ? "ascending" : "descending");
    heads[index].setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUp(table) {
    if (!table.tHead || !table.tBodies.length) {
      return;
    }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (head, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "duban-sort";
      button.title = "按此列排序";
      while (head.firstChild) {
        button.appendChild(head.firstChild);
      }
      head.appendChild(button);
      button.addEventListener("click", function () {
        sort(table, index, button);
      });
    });
    table.setAttribute("data-duban-sortable", "");
  }

  function start() {
    var tables = document.querySelectorAll("table[data-duban-sort]");
    Array.prototype.forEach.call(tables, setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
