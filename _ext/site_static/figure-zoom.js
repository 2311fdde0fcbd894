/* A figure, full size, without leaving the page.

   Every figure on a chapter page links to its sharp copy (twice the pixels: Sphinx's
   image-reference link, or site_assets.zoomable_figures). A click or tap opens that copy
   in a modal <dialog> at the size the figure has on a wide screen, inside a box that
   scrolls both ways: on a phone the reader pans across a figure whose text is readable,
   instead of leaving the chapter for the bare PNG. Escape, the Close button or a click on
   the backdrop closes it; the browser's <dialog> keeps the keyboard focus inside and
   gives it back to the link. Without JavaScript the link still opens the PNG. */
(() => {
  "use strict";
  let dialog = null;
  const build = () => {
    dialog = document.createElement("dialog");
    dialog.className = "dk-figzoom";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "dk-figzoom-close";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    const box = document.createElement("div");
    box.className = "dk-figzoom-box";
    box.tabIndex = 0;  // a keyboard user scrolls the box with the arrow keys
    box.append(document.createElement("img"));
    dialog.append(close, box);
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();  // the backdrop
    });
    dialog.addEventListener("close", () => { dialog.querySelector("img").removeAttribute("src"); });
    document.body.append(dialog);
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".bd-article a.image-reference, .bd-article a.dk-zoom");
    const shown = link && link.querySelector("img");
    if (!shown || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    event.preventDefault();
    if (!dialog) build();
    const img = dialog.querySelector("img");
    img.alt = shown.alt;
    // the width the figure has on a wide screen: the page's copy at its own pixel width
    img.style.width = `${shown.naturalWidth || shown.width}px`;
    img.src = link.href;
    const caption = link.closest("figure")?.querySelector(".caption-number");
    dialog.setAttribute("aria-label", `${caption ? caption.textContent.trim() : "Figure"}, full size`);
    dialog.showModal();
  });
})();
