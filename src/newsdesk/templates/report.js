"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("nd-texts").textContent);
  const reader = document.getElementById("reader");
  const readerText = reader.querySelector(".reader-text");
  const readerTitle = reader.querySelector("#reader-title");
  const readerMeta = reader.querySelector(".reader-meta");

  /* Offsets are code points (Python str indices): slice arrays of code points, not UTF-16 strings. */
  function pieces(chars, start, end, segments) {
    const cuts = new Set([0, chars.length]);
    if (start !== null) { cuts.add(start); cuts.add(end); }
    for (const s of segments) { cuts.add(Math.min(s[0], chars.length)); cuts.add(Math.min(s[1], chars.length)); }
    const points = Array.from(cuts).filter((n) => n >= 0 && n <= chars.length).sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      const seg = segments.find((s) => s[0] <= a && b <= s[1]);
      out.push({
        text: chars.slice(a, b).join(""),
        marked: start !== null && start <= a && b <= end,
        segment: seg ? seg[2] : null,
      });
    }
    return out;
  }

  function openArticle(id, start, end) {
    const article = texts[id];
    if (!article) return;
    const chars = Array.from(article.text);
    const hasSpan = start !== null && !Number.isNaN(start) && end > start;
    readerTitle.textContent = article.title || "(no title)";
    const meta = [article.source || "unknown outlet", article.published || "no date", article.path];
    if (hasSpan) meta.push("chars " + start + "–" + end);
    readerMeta.textContent = meta.join(" · ");
    readerText.replaceChildren();
    let first = null;
    for (const p of pieces(chars, hasSpan ? start : null, hasSpan ? end : null, article.segments)) {
      let node = document.createTextNode(p.text);
      if (p.segment) {
        const span = document.createElement("span");
        span.className = "seg";
        span.title = p.segment;
        span.appendChild(node);
        node = span;
      }
      if (p.marked) {
        const mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
        if (!first) first = mark;
      }
      readerText.appendChild(node);
    }
    if (!reader.open) reader.showModal();
    if (first) {
      first.id = "reader-mark";
      first.scrollIntoView({ block: "center" });
    } else {
      readerText.scrollTop = 0;
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest('a[href^="#"]');
    if (link) {
      /* A link to a fact that the filters hide: show all facts of that story first. */
      const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      const block = target && target.hidden ? target.closest("[data-facts]") : null;
      if (block && block.ndReset) block.ndReset();
      return;
    }
    const ref = event.target.closest("[data-article]");
    if (ref) {
      event.preventDefault();
      const start = ref.hasAttribute("data-start") ? parseInt(ref.getAttribute("data-start"), 10) : null;
      const end = ref.hasAttribute("data-end") ? parseInt(ref.getAttribute("data-end"), 10) : null;
      openArticle(ref.getAttribute("data-article"), start, end);
      return;
    }
    if (event.target.closest("[data-close]") || event.target === reader) reader.close();
  });

  /* Fact filters: one status (buttons) and one kind (select) per story. */
  for (const block of document.querySelectorAll("[data-facts]")) {
    const rows = Array.from(block.querySelectorAll("tbody tr[data-status]"));
    const buttons = Array.from(block.querySelectorAll("[data-status-filter]"));
    const kind = block.querySelector("[data-kind-filter]");
    const shown = block.querySelector("[data-shown]");
    let status = "all";
    function apply() {
      let n = 0;
      for (const row of rows) {
        const ok = (status === "all" || row.dataset.status === status) &&
          (kind.value === "all" || row.dataset.kind === kind.value);
        row.hidden = !ok;
        if (ok) n++;
      }
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.statusFilter === status));
      shown.textContent = n + " of " + rows.length + " shown";
    }
    for (const b of buttons) b.addEventListener("click", function () { status = b.dataset.statusFilter; apply(); });
    kind.addEventListener("change", apply);
    block.ndReset = function () { status = "all"; kind.value = "all"; apply(); };
  }
})();
