"""report.html: one self-contained page for a reader, conflicts first.

The page has no external assets and makes no request: CSS and JS are inline,
article texts travel as JSON inside `<script type="application/json">` with
`<`, `>` and `&` escaped so no article can close the script element, and the
reader panel inserts text with `textContent` only. Jinja2 autoescapes every
other string. Offsets are code points (records.py); the page slices texts
with `Array.from` so astral characters do not shift highlights.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..records import Article, ArticleReport, Report, Span, Story, content_id, to_dict
from .json import article_to_dict, report_to_dict
from .words import (
    conflict_sides_words,
    format_value,
    human_date,
    human_kind,
    human_source,
    human_status,
    outlet,
    readings_view,
    story_date_words,
    ties_words,
    web_link,
)

STATUSES = ("conflicting", "corroborated", "single_source")
KINDS = ("quote", "quantity", "event", "statement")
CONTEXT_CHARS = 220
MARK_LIMIT = 320
_BOUNDARY = re.compile(r"([.!?][\"'”’)]?)\s+|\n")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsdesk", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["value"] = format_value
    env.filters["label"] = lambda s: str(s).replace("_", " ")
    env.filters["hdate"] = human_date
    env.filters["hstatus"] = human_status
    env.filters["hkind"] = human_kind
    env.filters["hsource"] = human_source
    env.filters["weblink"] = web_link
    return env


def script_json(data: Any) -> Markup:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, code)
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _boundaries(text: str, start: int, end: int) -> tuple[int, int, bool, bool]:
    """The sentence around [start, end): cut at sentence ends or line breaks, at most CONTEXT_CHARS a side.

    The flags say whether a side was cut short by the limit (shown as an ellipsis).
    """
    lo = max(0, start - CONTEXT_CHARS)
    left, cut_left = lo, lo > 0
    for m in _BOUNDARY.finditer(text, lo, start):
        left, cut_left = m.end(), False
    hi = min(len(text), end + CONTEXT_CHARS)
    m = _BOUNDARY.search(text, end, hi)
    if m is None:
        return left, hi, cut_left, hi < len(text)
    return left, max(m.end(1) if m.group(1) else m.start(), end), cut_left, False


def _window(
    text: str, start: int, end: int, sentence: tuple[int, int] | None = None
) -> tuple[int, int, bool, bool]:
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end - start > MARK_LIMIT:
        return start, end, False, False
    if sentence and sentence[0] <= start and end <= sentence[1] <= len(text):
        return sentence[0], sentence[1], False, False
    return _boundaries(text, start, end)


def evidence_context(
    text: str, start: int, end: int, sentence: tuple[int, int] | None = None
) -> dict[str, str]:
    """`before`, `mark` and `after` strings for showing a span inside its sentence."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    left, right, cut_left, cut_right = _window(text, start, end, sentence)
    return {
        "before": ("…" if cut_left else "") + text[left:start].lstrip(),
        "mark": text[start:end],
        "after": text[end:right].rstrip() + ("…" if cut_right else ""),
    }


def _shorten(text: str) -> str:
    """A long marked span (a whole copied body) shown by its start and end; the reader shows it all."""
    if len(text) <= MARK_LIMIT:
        return text
    return text[: MARK_LIMIT * 2 // 3].rstrip() + " … " + text[-MARK_LIMIT // 4 :].lstrip()


def evidence_pieces(
    text: str, spans: Sequence[tuple[int, int]], window: tuple[int, int, bool, bool]
) -> list[tuple[str, bool]]:
    """(text, marked) pieces of one window with every span in it marked; overlapping spans merge."""
    left, right, cut_left, cut_right = window
    merged: list[list[int]] = []
    clamped = sorted((max(left, s), min(right, e)) for s, e in spans)
    for start, end in (span for span in clamped if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[tuple[str, bool]] = []
    pos = left
    for start, end in merged:
        pieces.append((text[pos:start], False))
        pieces.append((_shorten(text[start:end]), True))
        pos = end
    pieces.append((text[pos:right], False))
    first, last = pieces[0][0].lstrip(), pieces[-1][0].rstrip()
    pieces[0] = (("…" if cut_left else "") + first, False)
    pieces[-1] = (last + ("…" if cut_right else ""), False)
    return [p for p in pieces if p[0]]


def _inside(inner: Span, outer: Span) -> bool:
    """`inner` lies within `outer` and is strictly smaller."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (inner.end - inner.start) < (outer.end - outer.start)
    )


def evidence_windows(
    text: str, items: Sequence[Span], sentence_of: Callable[[Span], tuple[int, int] | None]
) -> Iterator[tuple[Span, tuple[int, int, bool, bool]]]:
    """Each marked span of one article with the window it is shown in (the static report and the
    service group them by window). A span that contains other spans of the same article (the
    sentence that states a figure) is their frame: it is not itself marked, and the smallest frame
    around a span is its window; other spans show in their sentence (`sentence_of`)."""
    frames = [s for s in items if any(_inside(t, s) for t in items)]
    for span in items:
        if span in frames:
            continue
        around = [f for f in frames if _inside(span, f)]
        if around:
            frame = min(around, key=lambda f: f.end - f.start)
            yield span, _window(text, span.start, span.end, (frame.start, frame.end))
        else:
            yield span, _window(text, span.start, span.end, sentence_of(span))


class _View:
    """Builds the plain data the template shows; lookups by article id in one place."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.entries: dict[str, ArticleReport] = {e.article.id: e for e in report.articles}
        self.articles: dict[str, Article] = {aid: e.article for aid, e in self.entries.items()}

    def outlet(self, article_id: str) -> str:
        return outlet(self.articles.get(article_id), fallback=article_id)

    def ref(self, article_id: str, start: int | None = None, end: int | None = None) -> dict[str, Any]:
        """A clickable reference to an article (and a span of it)."""
        a = self.articles.get(article_id)
        entry = self.entries.get(article_id)
        return {
            "article_id": article_id,
            "outlet": self.outlet(article_id),
            "published": a.published if a else None,
            "is_copy": bool(entry and entry.duplicate),
            "known": a is not None,
            "start": start,
            "end": end,
        }

    def evidence(
        self,
        spans: Iterable[Span],
        sentences: Mapping[tuple[str, int, int], tuple[int, int] | None] | None = None,
    ) -> list[dict[str, Any]]:
        """Evidence spans as quoted sentences, one quote per sentence of an article.

        A span that contains other spans of the same article (a figure and the
        sentence stating it) is their context: it frames them and is not itself marked.
        """
        by_article: dict[str, list[Span]] = {}
        for span in spans:
            by_article.setdefault(span.article_id, []).append(span)
        groups: dict[tuple[str, int, int], dict[str, Any]] = {}
        known = sentences or {}
        for article_id, items in by_article.items():
            a = self.articles.get(article_id)
            if a is None:
                for span in items:
                    key = (article_id, span.start, span.end)
                    groups[key] = {**self.ref(article_id), "pieces": [(span.text, True)], "spans": []}
                continue
            for span, window in evidence_windows(
                a.text, items, lambda s: known.get((s.article_id, s.start, s.end))
            ):
                key = (article_id, window[0], window[1])
                group = groups.setdefault(
                    key, {**self.ref(article_id, span.start, span.end), "window": window, "spans": []}
                )
                group["spans"].append((span.start, span.end))
        for (article_id, _, _), group in groups.items():
            if group["spans"]:
                text = self.articles[article_id].text
                group["pieces"] = evidence_pieces(text, group["spans"], group["window"])
        return list(groups.values())

    def story(self, story: Story, index: int) -> dict[str, Any]:
        anchor = f"story-{index}"
        numbers: dict[str, int] = {}
        for n, f in enumerate(story.facts, 1):
            numbers.setdefault(f.id, n)  # a repeated fact id links to its first row
        fact_anchor = {fid: f"{anchor}-fact-{n}" for fid, n in numbers.items()}
        sentences = {(m.article_id, m.start, m.end): m.sentence for f in story.facts for m in f.mentions}
        conflicts = [
            {
                "kind": c.kind,
                "description": c.description,
                "reason": c.reason,
                "facts": [(numbers[i], fact_anchor[i]) for i in c.fact_ids if i in numbers],
                "sides": [
                    {
                        "value": value,
                        "articles": [self.ref(a) for a in side.article_ids],
                        "share": share,
                        "readings": readings_view(side.readings, lambda a: self.ref(a)["outlet"]),
                        "evidence": self.evidence(side.evidence, sentences),
                    }
                    for side, (value, share) in zip(c.sides, conflict_sides_words(story, c), strict=True)
                ],
            }
            for c in story.conflicts
        ]
        facts = [
            {
                "n": n,
                "anchor": f"{anchor}-fact-{n}",
                "id": f.id,
                "kind": f.kind,
                "status": f.status,
                "text": f.text.strip().rstrip(",") if f.kind == "quote" else f.text,
                "value": format_value(f.value, f.unit),
                "unit": f.unit,
                "subject": f.subject,
                "date": f.date,
                "date_words": story_date_words(f.date, story.last_seen) if f.date else "",
                "speaker": f.speaker,
                "note": f.note,
                "sources": f.independent_sources,
                "mentions": [
                    {**self.ref(m.article_id, m.start, m.end), "text": m.text, "value": format_value(m.value)}
                    for m in f.mentions
                ],
            }
            for n, f in enumerate(story.facts, 1)
        ]
        coverage = dict(story.coverage) or {
            f.id: tuple(dict.fromkeys(m.article_id for m in f.mentions)) for f in story.facts
        }
        article_refs = [self.ref(aid) for aid in story.article_ids]
        outlets = [escape(r["outlet"]) for r in article_refs]
        rows = []
        for f in facts:
            cells = [aid in coverage.get(f["id"], ()) for aid in story.article_ids]
            rows.append(
                {
                    "n": f["n"],
                    "anchor": f["anchor"],
                    "text": f["text"],
                    "status": f["status"],
                    "count": sum(cells),
                    # One join per row: a Jinja loop per cell dominated render time on large stories.
                    "cells_html": _matrix_cells(cells, outlets, f["n"], f["status"]),
                }
            )
        matrix = {"articles": article_refs, "rows": rows}
        speakers: dict[str, list[dict[str, Any]]] = {}
        for q in story.quotes:
            speakers.setdefault(q.speaker or "", []).append(
                {
                    "text": q.text,
                    "mentions": [self.ref(m.article_id, m.start, m.end) for m in q.mentions]
                    or [self.ref(a) for a in q.article_ids],
                }
            )
        return {
            "id": story.id,
            "anchor": anchor,
            "title": story.title,
            "first_seen": story.first_seen,
            "last_seen": story.last_seen,
            "ties": ties_words(story.shared_terms, len(story.article_ids)),
            "articles": [self.ref(a) for a in story.article_ids],
            "n_copies": sum(1 for a in story.article_ids if a in self.entries and self.entries[a].duplicate),
            "conflicts": conflicts,
            "facts": facts,
            "status_counts": {s: sum(1 for f in facts if f["status"] == s) for s in STATUSES},
            "kinds": [k for k in KINDS if any(f["kind"] == k for f in facts)]
            + sorted({f["kind"] for f in facts} - set(KINDS)),
            "timeline": [
                {
                    "date": t.date,
                    "date_words": story_date_words(t.date, story.last_seen),
                    "text": t.text,
                    "kind": t.kind,
                    "facts": [(numbers[i], fact_anchor[i]) for i in t.fact_ids if i in numbers],
                }
                for t in story.timeline
            ],
            "speakers": sorted(speakers.items(), key=lambda kv: (kv[0] == "", kv[0].lower())),
            "matrix": matrix,
            "summary": [
                {"text": s.text, **self.ref(s.article_id, s.span[0], s.span[1])} for s in story.summary
            ],
        }

    def article(self, entry: ArticleReport) -> dict[str, Any]:
        a, dup = entry.article, entry.duplicate
        return {
            **article_to_dict(entry),  # the metadata exactly as report.json has it; view fields below
            "body": self.ref(a.id, a.body_span[0], a.body_span[1]),
            "duplicate": (
                {
                    **self.ref(dup.duplicate_of),
                    "kind": dup.kind,
                    "overlap": f"{dup.overlap:.0%}",
                    "unknown": dup.direction == "unknown",
                    "reason": dup.reason,
                }
                if dup
                else None
            ),
            "flags": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "evidence": self.evidence(f.evidence),
                }
                for f in entry.flags
            ],
        }

    def texts(self) -> dict[str, Any]:
        """What the reader panel needs per article, embedded once as JSON."""
        return {
            aid: {
                "title": a.title,
                "source": self.outlet(aid),
                "published": a.published,
                "path": a.path,
                "text": a.text,
                "segments": [[s.start, s.end, s.kind] for s in a.segments if s.kind != "body"],
            }
            for aid, a in self.articles.items()
        }


def _counts(report: Report, stories: Sequence[Story]) -> dict[str, int]:
    return {
        "articles": len(report.articles),
        "stories": len(stories),
        "facts": sum(len(s.facts) for s in stories),
        "conflicts": sum(len(s.conflicts) for s in stories),
        "copies": sum(1 for e in report.articles if e.duplicate is not None),
        "flags": sum(len(e.flags) for e in report.articles),
        "errors": len(report.errors),
    }


def _story_of(stories: Iterable[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {s["id"]: {"anchor": s["anchor"], "title": s["title"]} for s in stories}


def render_html(report: Report) -> str:
    """The whole report as one HTML document (inline CSS/JS, no external requests)."""
    view = _View(report)
    stories = [view.story(s, i) for i, s in enumerate(report.stories, 1)]
    articles = [view.article(e) for e in report.articles]
    template = _environment().get_template("report.html.j2")
    return template.render(
        generated_at=report.generated_at,
        schema_version=report.schema_version,
        counts=_counts(report, report.stories),
        stories=stories,
        story_of=_story_of(stories),
        articles=articles,
        errors=[to_dict(e) for e in report.errors],
        options_json=json.dumps(to_dict(dict(report.options)), ensure_ascii=False, indent=2, default=str),
        texts_json=script_json(view.texts()),
        statuses=STATUSES,
    )


class BlobCache(Protocol):
    """Where rendered pages are kept between runs (the Store satisfies it)."""

    def load_blob(self, name: str) -> bytes | None: ...
    def save_blob(self, name: str, data: bytes) -> None: ...


HTML_CACHE_BLOB = "report-html"


@cache
def _page_code_digest() -> str:
    """A digest of the templates and this module: an upgrade that changes the page misses the cache."""
    from importlib import resources

    h = hashlib.blake2b(digest_size=8)
    h.update(Path(__file__).read_bytes())
    for item in sorted(resources.files("newsdesk").joinpath("templates").iterdir(), key=lambda t: t.name):
        if item.is_file():
            h.update(item.name.encode() + b"\0" + item.read_bytes())
    return h.hexdigest()


def render_html_cached(report: Report, cache: BlobCache, data: Mapping[str, Any] | None = None) -> str:
    """render_html, reused when the report's content is unchanged since the last render.

    The key hashes everything the page shows except the generation time, which
    is rendered as a placeholder and filled in on the way out: a warm re-run of
    the same input gets the same page, with its own timestamp, without
    rendering 10 MB of template again.
    """
    shown = {k: v for k, v in (report_to_dict(report) if data is None else data).items()}
    shown.pop("generated_at", None)
    shown.pop("stats", None)
    key = content_id(
        _page_code_digest(), json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str), length=32
    )
    token = f"ndgen-{key}"
    head = key.encode() + b"\n"
    blob = cache.load_blob(HTML_CACHE_BLOB)
    if blob is not None and blob.startswith(head):
        page = blob[len(head) :].decode("utf-8")
    else:
        page = render_html(replace(report, generated_at=token))
        cache.save_blob(HTML_CACHE_BLOB, head + page.encode("utf-8"))
    return page.replace(token, str(escape(report.generated_at)))


def write_html(
    report: Report,
    path: str | Path,
    store: BlobCache | None = None,
    data: Mapping[str, Any] | None = None,
) -> Path:
    """Write report.html (UTF-8); returns the path written. With a `store`, unchanged reports are reused.

    `data` is `report_to_dict(report)` when the caller already has it (for report.json).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_html_cached(report, store, data) if store is not None else render_html(report)
    path.write_text(page, encoding="utf-8")
    return path


def _matrix_cells(cells: Sequence[bool], outlets: Sequence[str], n: int, status: str) -> Markup:
    """The coverage-matrix cells of one fact row (outlets already escaped)."""
    status_cls = escape(status)
    return Markup(
        "".join(
            f'<td class="on status-{status_cls}" title="{outlet}: F{n} reported">●</td>'
            if on
            else f'<td class="" title="{outlet}: F{n} not reported"></td>'
            for on, outlet in zip(cells, outlets, strict=True)
        )
    )
