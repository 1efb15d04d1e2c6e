/* duban status site: the 大字 / 高对比 switch in the header (适老化). The choice is kept in
   localStorage on this device only: no cookie, no request. The class is set before the page
   paints by a line in docs/overrides/main.html; this file wires the buttons. */
(function () {
  "use strict";
  var root = document.documentElement;
  function read(name) {
    try { return window.localStorage.getItem("duban-" + name) === "1"; } catch (e) { return false; }
  }
  function write(name, on) {
    try { window.localStorage.setItem("duban-" + name, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  function show(name, on) {
    root.classList.toggle("duban-" + name, on);
    var buttons = document.querySelectorAll('[data-duban-toggle="' + name + '"]');
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
  }
  function wire() {
    ["large", "contrast"].forEach(function (name) {
      show(name, read(name));
      var buttons = document.querySelectorAll('[data-duban-toggle="' + name + '"]');
      for (var i = 0; i < buttons.length; i++) {
        if (buttons[i].dataset.dubanWired) continue;
        buttons[i].dataset.dubanWired = "1";
        buttons[i].addEventListener("click", function (event) {
          var which = event.currentTarget.getAttribute("data-duban-toggle");
          var on = !root.classList.contains("duban-" + which);
          write(which, on);
          show(which, on);
        });
      }
    });
  }
  /* A table wider than its column scrolls in Material's wrapper: make the wrapper reachable by
     keyboard (WCAG 2.1.1), named for screen readers. */
  function scrollables() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "表格（可左右滚动）");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }
  function start() {
    wire();
    scrollables();
    window.addEventListener("resize", scrollables);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
