"""What the web app's pages show, as plain data: human words, links, evidence in context.

Templates only lay these out. Every label is a name people know (outlet,
headline, file name), never a bare id; every date and status is in words
(`words`); article text is passed as text and escaped by Jinja's autoescape.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..records import Article, Fact, Flag, Span, Story
from ..render.html import evidence_pieces, evidence_windows  # the static report's evidence windows
from ..render.words import web_link
from . import words
from .catalog import ArticleCard, Catalog, ConflictCard, StoryCard

FACTS_INLINE = 80  # facts on a story's page; /story/{id}/all has every one
TIMELINE_INLINE = 40
EVIDENCE_SHOWN = 3  # passages per conflict side on a story's page (every outlet is still named)
MENTIONS_SHOWN = 8  # per fact row; the article pages and the JSON have every one
STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single_source": 2}


def article_href(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """The article page, with a span to highlight when given (clicking a mention opens it there)."""
    if start is None or end is None:
        return f"/article/{article_id}"
    return f"/article/{quote(article_id, safe='')}?start={int(start)}&end={int(end)}#hl"


def story_href(story_id: str) -> str:
    return f"/story/{story_id}"


def card_view(card: StoryCard) -> dict[str, Any]:
    """A story in the list: title, outlets, first and last seen in words, conflict count."""
    s = card.summary
    return {
        "id": s.id,
        "href": story_href(s.id),
        "title": card.title,
        "outlets": list(card.outlets[:6]),
        "more_outlets": max(0, len(card.outlets) - 6),
        "articles": words.count(s.articles, "article"),
        "first_seen": words.day(s.first_seen) or "date unknown",
        "last_seen": words.day(s.last_seen) or "date unknown",
        "conflicts": s.conflicts,
        "conflicts_words": words.count(s.conflicts, "conflict") if s.conflicts else "no conflicts",
    }


@dataclass(frozen=True, slots=True)
class Texts:
    """Article cards by id, for outlet names, and the texts of a story's articles, for evidence windows."""

    cards: Mapping[str, ArticleCard]
    texts: Mapping[str, str]

    def outlet(self, article_id: str) -> str:
        card = self.cards.get(article_id)
        return card.outlet if card is not None else "article not in the store"

    def label(self, article_id: str, ambiguous: set[str]) -> str:
        """The outlet, with the day when the story has several articles of that outlet."""
        card = self.cards.get(article_id)
        name = self.outlet(article_id)
        if card is not None and name in ambiguous and card.published:
            return f"{name} · {words.day(card.published)}"
        return name

    def evidence(
        self, spans: Sequence[Span], sentences: Mapping[tuple[str, int, int], tuple[int, int] | None]
    ) -> list[dict[str, Any]]:
        """Evidence spans as passages, one per sentence of an article, every span in it marked.

        As in the static report, a span that contains other spans of the same article (the
        sentence that states a figure) is their frame, not itself marked.
        """
        by_article: dict[str, list[Span]] = {}
        for span in spans:
            by_article.setdefault(span.article_id, []).append(span)
        out: list[dict[str, Any]] = []
        for article_id, items in by_article.items():
            card, text = self.cards.get(article_id), self.texts.get(article_id)
            if card is None or text is None:
                out.extend(
                    {
                        "pieces": [(s.text, True)],
                        "href": None,
                        "outlet": self.outlet(article_id),
                        "published": "",
                    }
                    for s in items
                )
                continue
            groups: dict[tuple[int, int, bool, bool], list[tuple[int, int]]] = {}
            for span, window in evidence_windows(
                text, items, lambda s: sentences.get((s.article_id, s.start, s.end))
            ):
                groups.setdefault(window, []).append((span.start, span.end))
            for window, marked in groups.items():
                out.append(
                    {
                        "pieces": evidence_pieces(text, marked, window),
                        "href": article_href(article_id, marked[0][0], marked[0][1]),
                        "outlet": card.outlet,
                        "published": words.day(card.published),
                    }
                )
        return out


def conflict_view(
    story: Story,
    index: Mapping[str, int],
    texts: Texts,
    names: Any,
    ambiguous: set[str],
    fact_href: Callable[[int], str],
    evidence_shown: int | None = None,
) -> list[dict[str, Any]]:
    """Every conflict: why the sides were compared, each side's value, outlets and evidence."""
    sentences = {(m.article_id, m.start, m.end): m.sentence for f in story.facts for m in f.mentions}
    out = []
    for c in story.conflicts:
        out.append(
            {
                "id": c.id,
                "anchor": f"conflict-{c.id}",
                "kind": c.kind,
                "kind_words": words.conflict_words(c.kind),
                "description": words.description_words(c.description, names),
                "reason": words.reason_words(c.reason),
                "facts": [(index[f], fact_href(index[f])) for f in c.fact_ids if f in index],
                "sides": [
                    {
                        "value": value,
                        "outlets": [
                            {"name": texts.label(a, ambiguous), "href": article_href(a)}
                            for a in side.article_ids
                        ],
                        "evidence": texts.evidence(side.evidence, sentences)[:evidence_shown],
                        "share": share,
                        "readings": words.readings_view(side.readings, lambda a: texts.label(a, ambiguous)),
                    }
                    for side, (value, share) in zip(
                        c.sides, words.conflict_sides_words(story, c), strict=True
                    )
                ],
            }
        )
    return out


def _details(f: Fact, last_seen: str | None = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if f.kind == "quantity" and f.value is not None:
        out.append(("figure", words.value_words(f.value, "quantity", f.unit)))
    if f.kind == "event":
        out.append(("when", words.story_date_words(f.date, last_seen)))
    elif f.date:
        out.append(("date", words.story_date_words(f.date, last_seen)))
    if f.subject:
        out.append(("of", f.subject))
    if f.kind in ("quote", "statement"):
        out.append(("speaker", f.speaker or "not resolved"))
    return out


def fact_rows(
    story: Story, texts: Texts, ambiguous: set[str], only: set[int] | None = None
) -> list[dict[str, Any]]:
    """The fact table's rows (numbered from 1 in story order); `only`: just these numbers."""
    rows = []
    for n, f in enumerate(story.facts, 1):
        if only is not None and n not in only:
            continue
        text = f.text.strip().rstrip(",") if f.kind == "quote" else f.text
        details = _details(f, story.last_seen)
        rows.append(
            {
                "n": n,
                "anchor": f"fact-{n}",
                "id": f.id,
                "kind": f.kind,
                "kind_words": words.kind_words(f.kind),
                "status": f.status,
                "status_words": words.status_words(f.status),
                "status_rank": STATUS_ORDER.get(f.status, 9),
                "text": text,
                "note": words.in_words(f.note),
                "details": details,
                "sources": f.independent_sources,
                "more_mentions": max(0, len(f.mentions) - MENTIONS_SHOWN),
                "mentions": [
                    {
                        "href": article_href(m.article_id, m.start, m.end),
                        "outlet": texts.label(m.article_id, ambiguous),
                        "value": words.value_words(m.value, f.kind, f.unit)
                        if f.status == "conflicting" and m.value is not None
                        else "",
                    }
                    for m in f.mentions[:MENTIONS_SHOWN]
                ],
                "search": " ".join(
                    [text, *(v for _, v in details), *(texts.outlet(m.article_id) for m in f.mentions)]
                ),
            }
        )
    return rows


def flag_view(flag: Flag, names: Any) -> dict[str, Any]:
    return {
        "code": flag.code,
        "label": words.flag_words(flag.code),
        "severity": flag.severity,
        "severity_words": words.severity_words(flag.severity),
        "message": words.in_words(flag.message, names),
        "evidence": [
            {"text": e.text, "href": article_href(e.article_id, e.start, e.end)} for e in flag.evidence[:3]
        ],
    }


def source_rows(story: Story, texts: Texts, catalog: Catalog, names: Any) -> list[dict[str, Any]]:
    """The story's articles: outlet, headline, date, copy note and warnings side by side."""
    rows = []
    for aid in story.article_ids:
        card = texts.cards.get(aid)
        dup = catalog.duplicate(aid)
        rows.append(
            {
                "id": aid,
                "href": article_href(aid),
                "outlet": texts.outlet(aid),
                "title": (card.title if card else None) or "(no headline)",
                "published": words.day(card.published) if card else "",
                "url": web_link(card.url) if card else None,
                "copy_of": (
                    {
                        "outlet": texts.outlet(dup.duplicate_of),
                        "href": article_href(dup.duplicate_of),
                        "overlap": f"{dup.overlap:.0%}",
                        "each_other": dup.direction == "unknown",
                    }
                    if dup
                    else None
                ),
                "flags": [flag_view(f, names) for f in catalog.flags(aid)],
            }
        )
    return rows


def coverage_rows(story: Story, texts: Texts) -> list[dict[str, Any]]:
    """Per article: how many facts it reports, how many others confirm, conflict, or only it has."""
    coverage = dict(story.coverage) or {
        f.id: tuple(dict.fromkeys(m.article_id for m in f.mentions)) for f in story.facts
    }
    status = {f.id: f.status for f in story.facts}
    rows = []
    for aid in story.article_ids:
        ids = [fid for fid, aids in coverage.items() if aid in aids]
        rows.append(
            {
                "outlet": texts.outlet(aid),
                "href": article_href(aid),
                "reported": len(ids),
                "corroborated": sum(1 for fid in ids if status.get(fid) == "corroborated"),
                "conflicting": sum(1 for fid in ids if status.get(fid) == "conflicting"),
                "only_here": sum(1 for fid in ids if tuple(coverage[fid]) == (aid,)),
            }
        )
    return rows


def story_view(story: Story, catalog: Catalog, full: bool = False) -> dict[str, Any]:
    """Everything the story page shows, conflicts first.

    A large story's page shows its first `FACTS_INLINE` facts (conflicting, then those most
    sources confirm) and `TIMELINE_INLINE` dates; `full` (the page /story/{id}/all) shows all.
    """
    texts = Texts(catalog.article_cards(), catalog.texts(story.article_ids))
    outlets = [texts.outlet(a) for a in story.article_ids]
    ambiguous = {o for o in outlets if outlets.count(o) > 1}
    index = {}
    for n, f in enumerate(story.facts, 1):
        index.setdefault(f.id, n)
    copies = sum(1 for a in story.article_ids if catalog.duplicate(a) is not None)
    speakers: dict[str, list[dict[str, Any]]] = {}
    for q in story.quotes:
        refs = [(m.article_id, m.start, m.end) for m in q.mentions] or [
            (a, None, None) for a in q.article_ids
        ]
        speakers.setdefault(q.speaker or "", []).append(
            {
                "text": q.text,
                "mentions": [
                    {"href": article_href(a, s, e), "outlet": texts.label(a, ambiguous)} for a, s, e in refs
                ],
            }
        )
    only = None
    if not full and len(story.facts) > FACTS_INLINE:  # rows only for the facts the page shows
        ranked = sorted(
            range(1, len(story.facts) + 1),
            key=lambda n: (
                STATUS_ORDER.get(story.facts[n - 1].status, 9),
                -story.facts[n - 1].independent_sources,
                n,
            ),
        )
        only = set(ranked[:FACTS_INLINE])
    facts = fact_rows(story, texts, ambiguous, only)
    if only is not None:
        facts = sorted(facts, key=lambda f: (f["status_rank"], -f["sources"], f["n"]))
    shown = {f["n"] for f in facts}
    all_href = f"{story_href(story.id)}/all"

    def fact_href(n: int) -> str:
        return f"#fact-{n}" if n in shown else f"{all_href}#fact-{n}"

    timeline = story.timeline if full else story.timeline[:TIMELINE_INLINE]
    return {
        "full": full,
        "all_href": all_href,
        "facts_total": len(story.facts),
        "id": story.id,
        "title": story.title or "Untitled story",
        "articles": words.count(len(story.article_ids), "article"),
        "copies": words.count(copies, "copy", "copies") if copies else "",
        "first_seen": words.day(story.first_seen) or "date unknown",
        "last_seen": words.day(story.last_seen) or "date unknown",
        "ties": words.ties_words(story.shared_terms, len(story.article_ids)),
        "conflicts": conflict_view(
            story, index, texts, catalog.name, ambiguous, fact_href, None if full else EVIDENCE_SHOWN
        ),
        "sources": source_rows(story, texts, catalog, catalog.name),
        "facts": facts,
        "statuses": [
            (s, words.status_words(s), sum(1 for f in facts if f["status"] == s)) for s in STATUS_ORDER
        ],
        "kinds": sorted({(f["kind"], f["kind_words"]) for f in facts}),
        "timeline": [
            {
                "date": words.story_date_words(t.date, story.last_seen),
                "kind": t.kind,
                "kind_words": words.timeline_words(t.kind),
                "text": words.in_words(t.text) if t.kind == "update" else t.text,
                "facts": [(index[f], fact_href(index[f])) for f in t.fact_ids if f in index],
            }
            for t in timeline
        ],
        "timeline_hidden": len(story.timeline) - len(timeline),
        "speakers": sorted(speakers.items(), key=lambda kv: (kv[0] == "", kv[0].casefold())),
        "coverage": coverage_rows(story, texts),
        "summary": [
            {
                "text": s.text,
                "href": article_href(s.article_id, s.span[0], s.span[1]),
                "outlet": texts.label(s.article_id, ambiguous),
            }
            for s in story.summary
        ],
    }


@dataclass(frozen=True, slots=True)
class Marked:
    """A span of the article page's text and what covers it."""

    start: int
    end: int
    status: str  # conflicting | corroborated | single_source
    label: str


def text_pieces(
    article: Article, spans: Sequence[Marked], focus: tuple[int, int] | None
) -> list[dict[str, Any]]:
    """The article text cut where any span, segment or the focus starts or ends; each piece says
    whether it is body text, which fact spans cover it (the most serious status shown) and whether
    it is the passage asked for. Adjacent pieces alike are joined."""
    text = article.text
    n = len(text)
    segments = [(s.start, s.end, s.kind) for s in article.segments if s.kind != "body"]
    cuts = {0, n}
    for s in spans:
        cuts.update((min(s.start, n), min(s.end, n)))
    for a, b, _ in segments:
        cuts.update((min(a, n), min(b, n)))
    if focus:
        cuts.update(focus)
    points = sorted(cuts)
    pieces: list[dict[str, Any]] = []
    first_focus = True
    for a, b in itertools.pairwise(points):
        if a >= b:
            continue
        covering = [s for s in spans if s.start <= a and b <= s.end]
        seg = next((k for s0, s1, k in segments if s0 <= a and b <= s1), None)
        focused = bool(focus and focus[0] <= a and b <= focus[1])
        status = min((s.status for s in covering), key=lambda st: STATUS_ORDER.get(st, 9), default=None)
        label = "; ".join(dict.fromkeys(s.label for s in covering))
        piece = {
            "text": text[a:b],
            "seg": seg,
            "status": status,
            "label": label,
            "focus": focused,
            "first": False,
        }
        if focused and first_focus:
            piece["first"] = True
            first_focus = False
        last = pieces[-1] if pieces else None
        if (
            last is not None
            and not piece["first"]
            and (last["seg"], last["status"], last["label"], last["focus"]) == (seg, status, label, focused)
        ):
            last["text"] += piece["text"]
        else:
            pieces.append(piece)
    return pieces


def fact_spans(story: Story | None, article_id: str) -> list[tuple[Fact, int, int, str]]:
    """(fact, start, end, text) of every mention of a story's facts in one article."""
    if story is None:
        return []
    return [
        (f, m.start, m.end, m.text) for f in story.facts for m in f.mentions if m.article_id == article_id
    ]


def article_view(
    article: Article,
    catalog: Catalog,
    story: Story | None,
    focus: tuple[int, int] | None,
) -> dict[str, Any]:
    """The article page: metadata in words, warnings, the text with its facts' spans highlighted."""
    spans = [
        Marked(s, e, f.status, f"{words.kind_words(f.kind)}, {words.status_words(f.status)}: {f.text[:120]}")
        for f, s, e, _ in fact_spans(story, article.id)
    ]
    dup = catalog.duplicate(article.id)
    n = len(article.text)
    if focus and not (0 <= focus[0] < focus[1] <= n):
        focus = None
    return {
        "id": article.id,
        "title": article.title or "(no headline)",
        "outlet": words.outlet(article),
        "published": words.day(article.published) if article.published else "",
        "published_reason": article.published_reason,
        "authors": list(article.authors),
        "url": web_link(article.url),
        "raw_url": article.url,
        "file": article.path.rsplit("/", 1)[-1] + (f" ({article.locator})" if article.locator else ""),
        "words": words.count(article.word_count, "word"),
        "story": ({"title": story.title, "href": story_href(story.id)} if story is not None else None),
        "copy_of": (
            {
                "outlet": catalog.outlet(dup.duplicate_of),
                "href": article_href(dup.duplicate_of),
                "overlap": f"{dup.overlap:.0%}",
                "each_other": dup.direction == "unknown",
                "reason": dup.reason,
            }
            if dup
            else None
        ),
        "flags": [flag_view(f, catalog.name) for f in catalog.flags(article.id)],
        "focus": focus,
        "focus_text": article.text[focus[0] : focus[1]] if focus else "",
        "pieces": text_pieces(article, spans, focus),
        "n_spans": len(spans),
    }


def conflict_list_view(cards: Sequence[ConflictCard], catalog: Catalog) -> list[dict[str, Any]]:
    """The newest conflicts across stories, each with its story and sides in short."""
    out = []
    for cc in cards:
        c = cc.conflict
        out.append(
            {
                "story_title": cc.story_title,
                "story_href": story_href(cc.story_id) + f"#conflict-{c.id}",
                "kind_words": words.conflict_words(c.kind),
                "description": words.description_words(c.description, catalog.name),
                "arose": words.day(cc.arose) or "date unknown",
                "sides": [
                    {
                        "value": words.value_words(side.value, c.kind),
                        "outlets": [catalog.outlet(a) for a in side.article_ids],
                    }
                    for side in c.sides
                ],
            }
        )
    return out
