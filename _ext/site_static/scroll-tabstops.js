/* Keyboard access to scrollable code and outputs, without laying out the whole page at load.

   pydata-sphinx-theme makes every <pre>, cell output and wide table focusable when it
   scrolls (tabIndex 0) and unfocusable when it does not (-1). It decides by reading the
   scroll size of all of them as soon as the page is parsed, and again after every change
   inside the page: on a chapter with some 30,000 elements that forces a layout of the whole
   page, the longest task of the load. _ext/site_assets.py switches that scan off, and this
   script does the same job lazily: every candidate starts focusable (a keyboard user can
   always reach it) and is decided when it comes into view, and again on resize. */
(() => {
  "use strict";
  const SELECTOR = [
    "pre",
    ".nboutput > .output_area",
    ".cell_output > .output",
    ".jp-RenderedHTMLCommon",
    ".pst-scrollable-table-container",
  ].join(", ");
  const inView = new Set();
  const decide = (el) => {
    const scrolls = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
    el.tabIndex = scrolls ? 0 : -1;
  };
  const start = () => {
    const main = document.getElementById("main-content");
    if (!main) return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          inView.add(entry.target);
          decide(entry.target);
        } else {
          inView.delete(entry.target);
        }
      }
    });
    main.querySelectorAll(SELECTOR).forEach((el) => {
      if (!el.hasAttribute("tabindex")) el.tabIndex = 0;
      observer.observe(el);
    });
    let timer = null;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(() => inView.forEach(decide), 300);
    });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
