"use strict";
/* newsdesk serve: live story list, upload form, fact table tools, "story changed" notice.
   Data from the server is only ever put into the page with textContent / DOM nodes, never innerHTML. */
(function () {
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const PAGE_SIZE = 50;

  function day(value) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
    if (!m) return value ? value : "date unknown";
    return Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1];
  }

  function count(n, one, many) {
    return n + " " + (n === 1 ? one : (many || one + "s"));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  const note = document.querySelector("[data-live-note]");
  function say(text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = false;
  }

  let source = null;
  function events() {
    if (!source && window.EventSource) source = new EventSource("/events");
    return source;
  }

  /* ---------------------------------------------------------------- story list */

  const list = document.querySelector("[data-story-list]");
  if (list) {
    const params = new URLSearchParams(list.dataset.query || "");
    const api = new URLSearchParams();
    for (const key of ["q", "outlet", "since"]) if (params.get(key)) api.set(key, params.get(key));
    if (params.get("conflicts")) api.set("has_conflicts", "true");
    const page = Math.max(1, Number(list.dataset.page || "1"));
    api.set("limit", String(PAGE_SIZE));
    api.set("offset", String((page - 1) * PAGE_SIZE));
    const empty = document.querySelector("[data-empty]");
    let timer = null;
    const fresh = new Set();

    function card(s) {
      const href = "/story/" + encodeURIComponent(s.id);
      const outlets = s.outlets.slice(0, 6).join(" · ") + (s.outlets.length > 6 ? " and " + (s.outlets.length - 6) + " more" : "");
      const badge = s.conflicts
        ? el("a", { className: "pill hot", href: href + "#conflicts", text: count(s.conflicts, "conflict") })
        : el("span", { className: "pill calm", text: "no conflicts" });
      const li = el("li", { className: "story-card" + (fresh.has(s.id) ? " fresh" : ""), "data-story-id": s.id }, [
        el("h2", { className: "story-title" }, [el("a", { href: href, text: s.title })]),
        el("p", { className: "story-outlets", text: outlets }),
        el("p", { className: "story-facts" }, [
          el("span", { text: count(s.articles, "article") }),
          el("span", { text: "first seen " + day(s.first_seen) }),
          el("span", { text: "last seen " + day(s.last_seen) }),
          badge,
        ]),
      ]);
      return li;
    }

    async function reload() {
      const response = await fetch("/stories?" + api.toString(), { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(...data.stories.map(card));
      if (empty) empty.hidden = data.stories.length > 0;
      const counter = document.querySelector("[data-count]");
      if (counter) counter.textContent = count(data.total, "story", "stories") + " · most recently updated first";
      setTimeout(function () {
        for (const li of list.querySelectorAll(".fresh")) li.classList.remove("fresh");
        fresh.clear();
      }, 4000);
    }

    const stream = events();
    if (stream) {
      stream.addEventListener("story", function (event) {
        const data = JSON.parse(event.data);
        fresh.add(data.story.id);
        const verb = { created: "New story", updated: "Updated", merged: "Stories merged", split: "Story split" }[data.kind] || "Changed";
        say(verb + ": " + data.story.title);
        clearTimeout(timer);
        timer = setTimeout(function () { reload().catch(function () {}); }, 250);
      });
      stream.addEventListener("conflict", function (event) {
        const data = JSON.parse(event.data);
        say("New conflict in " + data.story_title + ": " + data.conflict.description);
      });
    }
  }

  /* ---------------------------------------------------------------- upload */

  const form = document.querySelector("[data-upload]");
  const jobs = document.querySelector("[data-jobs]");
  if (document.location.hash === "#add") {
    const add = document.getElementById("add");
    if (add) add.open = true;
  }
  if (form && jobs) {
    const tokenInput = form.querySelector("[data-token]");
    const fileInput = form.querySelector("[data-file]");
    if (tokenInput && window.sessionStorage) tokenInput.value = sessionStorage.getItem("newsdesk-token") || "";

    function show(item, job) {
      item.className = job.status;
      const c = job.counts || {};
      let text = job.label + ": " + job.status;
      if (job.status === "done") text += " · " + count(c.new || 0, "new article") + ", " + count(c.stories || 0, "story", "stories") + " updated";
      if (job.message) text += " · " + job.message;
      const parts = [el("span", { text: text })];
      if (job.errors && job.errors.length) {
        parts.push(el("ul", { className: "errors" }, job.errors.slice(0, 10).map(function (e) {
          return el("li", { text: e.path + " (" + e.stage + "): " + e.message });
        })));
      }
      for (const id of job.story_ids || []) {
        parts.push(el("a", { href: "/story/" + encodeURIComponent(id), text: " open story" }));
      }
      item.replaceChildren(...parts);
    }

    async function follow(item, job, headers) {
      const deadline = Date.now() + 15 * 60 * 1000;
      while (job.status === "queued" || job.status === "running") {
        if (Date.now() > deadline) return;
        await new Promise(function (resolve) { setTimeout(resolve, 500); });
        const response = await fetch("/jobs/" + encodeURIComponent(job.id), { headers: headers });
        if (!response.ok) return;
        job = await response.json();
        show(item, job);
      }
    }

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const body = new FormData();
      for (const file of fileInput.files) body.append("file", file, file.name);
      const headers = {};
      if (tokenInput) {
        headers.Authorization = "Bearer " + tokenInput.value.trim();
        if (window.sessionStorage) sessionStorage.setItem("newsdesk-token", tokenInput.value.trim());
      }
      const item = el("li", { className: "queued", text: "uploading…" });
      jobs.prepend(item);
      try {
        const response = await fetch("/articles", { method: "POST", body: body, headers: headers });
        const data = await response.json().catch(function () { return {}; });
        if (response.status !== 202) {
          item.className = "failed";
          item.textContent = "Not accepted (" + response.status + "): " + (data.detail || response.statusText);
          return;
        }
        form.reset();
        if (tokenInput && window.sessionStorage) tokenInput.value = sessionStorage.getItem("newsdesk-token") || "";
        show(item, data);
        await follow(item, data, tokenInput ? { Authorization: headers.Authorization } : {});
      } catch (err) {
        item.className = "failed";
        item.textContent = "Upload failed: " + err;
      }
    });
  }

  /* ---------------------------------------------------------------- story page */

  const story = document.querySelector("[data-story]");
  if (story) {
    const stale = document.querySelector("[data-stale]");
    const stream = events();
    if (stream && stale) {
      const id = story.dataset.story;
      stream.addEventListener("story", function (event) {
        const data = JSON.parse(event.data);
        if (data.story.id === id || data.absorbed === id || data.from === id) stale.hidden = false;
      });
      stream.addEventListener("conflict", function (event) {
        if (JSON.parse(event.data).story_id === id) stale.hidden = false;
      });
    }
  }

  /* ---------------------------------------------------------------- fact table */

  for (const block of document.querySelectorAll("[data-facts]")) {
    const body = block.querySelector("tbody");
    if (!body) continue;
    const rows = Array.from(body.querySelectorAll("tr"));
    const search = block.querySelector("[data-fact-search]");
    const status = block.querySelector("[data-status-filter]");
    const kind = block.querySelector("[data-kind-filter]");
    const sort = block.querySelector("[data-sort]");
    const shown = block.querySelector("[data-shown]");
    const LIMIT = 25;
    let expanded = rows.length <= LIMIT + 5;
    const more = el("button", { type: "button", className: "more", "data-more-facts": "" });
    block.appendChild(more);
    more.addEventListener("click", function () { expanded = true; apply(); });
    const keys = {
      n: function (r) { return Number(r.dataset.n); },
      status: function (r) { return Number(r.dataset.rank) * 10000 + Number(r.dataset.n); },
      sources: function (r) { return -Number(r.dataset.sources) * 10000 + Number(r.dataset.n); },
      mentions: function (r) { return -Number(r.dataset.mentions) * 10000 + Number(r.dataset.n); },
      text: null,
    };

    function apply() {
      const words = (search.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      let n = 0, visible = 0;
      for (const row of body.querySelectorAll("tr")) {
        const hay = (row.dataset.search || "").toLowerCase();
        const ok = (status.value === "all" || row.dataset.status === status.value) &&
          (kind.value === "all" || row.dataset.kind === kind.value) &&
          words.every(function (w) { return hay.includes(w); });
        if (ok) n++;
        row.hidden = !ok || (!expanded && n > LIMIT);
        if (!row.hidden) visible++;
      }
      shown.textContent = visible + " of " + rows.length + " shown";
      more.hidden = visible >= n;
      more.textContent = "Show " + (n - visible) + " more fact" + (n - visible === 1 ? "" : "s");
    }

    function order() {
      const key = sort.value;
      const sorted = rows.slice();
      if (key === "text") {
        sorted.sort(function (a, b) {
          return a.querySelector(".fact-text").textContent.localeCompare(b.querySelector(".fact-text").textContent);
        });
      } else {
        sorted.sort(function (a, b) { return keys[key](a) - keys[key](b); });
      }
      body.replaceChildren(...sorted);
      apply();
      for (const button of block.querySelectorAll("[data-sort-key]")) {
        const th = button.parentElement;
        if (button.dataset.sortKey === key) th.setAttribute("aria-sort", key === "text" || key === "n" ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      }
    }

    search.addEventListener("input", apply);
    status.addEventListener("change", apply);
    kind.addEventListener("change", apply);
    sort.addEventListener("change", order);
    for (const button of block.querySelectorAll("[data-sort-key]")) {
      button.addEventListener("click", function () { sort.value = button.dataset.sortKey; order(); });
    }
    if (document.location.hash.startsWith("#fact-")) expanded = true;
    apply();
    /* A link to a fact the filters hide shows every fact first. */
    document.addEventListener("click", function (event) {
      const link = event.target.closest('a[href^="#fact-"]');
      if (!link) return;
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.hidden) {
        search.value = ""; status.value = "all"; kind.value = "all"; expanded = true;
        apply();
      }
    });
  }

  /* ---------------------------------------------------------------- article page */

  const mark = document.getElementById("hl");
  if (mark && document.location.hash !== "#hl") mark.scrollIntoView({ block: "center" });
})();
