"""One story's dossier: facts and conflicts, timeline, quote board, coverage, cited summary.

The dossier adds no claims of its own: every timeline entry, quote and summary
sentence is a fact from `reconcile` or a real sentence of an input article,
with the span that shows it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .options import Options
from .reconcile import reconcile, subject_tokens
from .records import (
    Article,
    DuplicateInfo,
    Extraction,
    Fact,
    Flag,
    QuoteBoardEntry,
    Story,
    SummarySentence,
    TimelineEntry,
)

if TYPE_CHECKING:  # rich is imported lazily: only `newsdesk show` needs it
    from rich.console import RenderableType

__all__ = ["build_story", "terminal"]

_STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single_source": 2}
_TIMELINE_KIND = {"event": 0, "update": 1, "publication": 2}
SUMMARY_MIN, SUMMARY_MAX = 3, 5
_TIMELINE_DATE = re.compile(r"^(\d{4}|XXXX)-\d{2}")  # month precision or better: "later this year" is no date
QUOTE_BOARD_MIN_WORDS = 3  # shorter "quotes" are scare quotes and names ("Trump Tower"), not statements
_SENTENCE_CHARS = (30, 400)
_TIE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT", "WORK_OF_ART"})
SHARED_TERMS_SHOWN = 6
# A term a reader would recognise: words, initials and inner apostrophes or hyphens; a dateline
# that the tagger fused into a name ("FORD - Residents") is not one.
_TERM = re.compile(r"[^\W_]+(?:[ '’.&-][^\W_]+)*\.?")


# --------------------------------------------------------------------------- title and dates


def _title(articles: Sequence[Article], duplicates: Mapping[str, DuplicateInfo]) -> str:
    """The headline that shares the most words with the other headlines (copies vote once)."""
    titled = [a for a in articles if a.title and a.title.strip()]
    if not titled:
        for a in articles:
            first = _first_sentence(a)
            if first:
                return first[:120]
        return "(untitled story)"
    tokens = {a.id: subject_tokens(a.title) for a in titled}
    voters = [a for a in titled if a.id not in duplicates] or titled

    def score(a: Article) -> float:
        mine = tokens[a.id]
        if not mine:
            return 0.0
        return sum(len(mine & tokens[b.id]) / len(mine | tokens[b.id]) for b in voters if b.id != a.id)

    best = sorted(titled, key=lambda a: (-score(a), a.id in duplicates, a.published or "9999", a.id))[0]
    return " ".join(best.title.split())  # type: ignore[union-attr]


def _first_sentence(article: Article) -> str | None:
    for s, e in article.body_segments or (article.body_span,):
        text = " ".join(article.text[s:e].split())
        if text:
            return text.split(". ")[0]
    return None


# --------------------------------------------------------------------------- timeline


def _timeline(facts: Sequence[Fact], articles: Sequence[Article]) -> tuple[TimelineEntry, ...]:
    by_id = {a.id: a for a in articles}
    entries: list[TimelineEntry] = []
    for f in facts:
        if f.kind == "event" and f.date and _TIMELINE_DATE.match(f.date):
            entries.append(TimelineEntry(f.date, " ".join(f.text.split()), (f.id,), "event"))
        if f.note and f.note.startswith("update:"):
            dates = sorted(by_id[m.article_id].published or "" for m in f.mentions if m.article_id in by_id)
            when = next((d for d in dates if d), None)
            if when:
                what = f.subject or f.unit or "figure"
                entries.append(TimelineEntry(when, f"{what}: {f.note}", (f.id,), "update"))
    for a in articles:
        if a.published:
            label = a.source or "unknown outlet"
            headline = a.title or _first_sentence(a) or a.id
            entries.append(TimelineEntry(a.published, f"{label}: {_clip(headline, 120)}", (), "publication"))
    entries.sort(key=lambda e: (e.date, _TIMELINE_KIND.get(e.kind, 9), e.text, e.fact_ids))
    return tuple(entries)


# --------------------------------------------------------------------------- quote board


def _quote_board(facts: Sequence[Fact]) -> tuple[QuoteBoardEntry, ...]:
    quotes = [f for f in facts if f.kind == "quote" and len(f.text.split()) >= QUOTE_BOARD_MIN_WORDS]
    groups: dict[str | None, list[Fact]] = defaultdict(list)
    for f in quotes:
        groups[f.speaker].append(f)
    entries: list[QuoteBoardEntry] = []
    for speaker in sorted(groups, key=lambda s: (s is None, s or "")):
        for f in sorted(groups[speaker], key=lambda f: (-f.independent_sources, f.mentions[0].article_id)):
            ids = tuple(sorted({m.article_id for m in f.mentions}))
            entries.append(QuoteBoardEntry(speaker, " ".join(f.text.split()), ids, f.mentions))
    return tuple(entries)


# --------------------------------------------------------------------------- summary


def _inside(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def _strip(article: Article, start: int, end: int) -> tuple[int, int]:
    while start < end and article.text[start].isspace():
        start += 1
    while end > start and article.text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_for(ext: Extraction | None, start: int, end: int) -> tuple[int, int] | None:
    if ext is None:
        return None
    for s, e in ext.sentences:
        if s <= start and end <= e:
            return s, e
    return None


def _summary(
    facts: Sequence[Fact],
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
) -> tuple[SummarySentence, ...]:
    """3-5 real body sentences covering the best-corroborated facts, each citing its article."""
    by_id = {a.id: a for a in articles}
    order = {a.id: i for i, a in enumerate(articles)}
    disputed: set[tuple[str, int, int]] = set()
    for f in facts:
        if f.status == "conflicting":
            disputed.update((m.article_id, m.start, m.end) for m in f.mentions)

    candidates: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    corroborated = {f.id for f in facts if f.status == "corroborated"}
    weight: dict[str, int] = {}
    for f in facts:
        superseded = f.note is not None and f.note.startswith("superseded:")
        if f.status == "conflicting" or superseded or (f.kind == "quote" and f.speaker is None):
            continue
        weight[f.id] = f.independent_sources * 3 if f.id in corroborated else 1 + (f.note is not None)
        for m in f.mentions:
            article = by_id.get(m.article_id)
            if article is None:
                continue
            sent = m.sentence or _sentence_for(extractions.get(m.article_id), m.start, m.end)
            if sent is None:
                continue
            s, e = _strip(article, *sent)
            body = list(article.body_segments) or [article.body_span]
            if not (_SENTENCE_CHARS[0] <= e - s <= _SENTENCE_CHARS[1]) or not _inside(body, s, e):
                continue
            if any(a == m.article_id and s <= ds < e for a, ds, _ in disputed):
                continue
            candidates[(m.article_id, s, e)].add(f.id)

    def score(key: tuple[str, int, int]) -> tuple:
        return (-sum(weight[i] for i in candidates[key]), key[0] in duplicates, order[key[0]], key[1])

    ranked = sorted(candidates, key=score)
    chosen: list[tuple[str, int, int]] = []
    covered: set[str] = set()
    # Corroborated facts first, each sentence adding one; then, only to reach the minimum,
    # more corroborated sentences, then single-source ones.
    stages = (
        lambda k: bool(candidates[k] & corroborated - covered),
        lambda k: bool(candidates[k] & corroborated),
        lambda k: True,
    )
    for stage, accept in enumerate(stages):
        for key in ranked:
            if len(chosen) >= (SUMMARY_MAX if stage == 0 else SUMMARY_MIN):
                break
            if key in chosen or not accept(key):
                continue
            text = by_id[key[0]].text[key[1] : key[2]]
            if any(fuzz.ratio(text, by_id[c[0]].text[c[1] : c[2]]) > 70 for c in chosen):
                continue
            chosen.append(key)
            covered |= candidates[key]
    chosen.sort(key=lambda k: (order[k[0]], k[1]))
    return tuple(
        SummarySentence(
            text=by_id[a].text[s:e],
            article_id=a,
            span=(s, e),
            fact_ids=tuple(sorted(candidates[(a, s, e)])),
        )
        for a, s, e in chosen
    )


def _shared_terms(
    articles: Sequence[Article], extractions: Mapping[str, Extraction]
) -> tuple[tuple[str, int], ...]:
    """The names (then the salient terms) that at least two articles and half of them use.

    An editor asks why these articles are one story; the clusterer's vectors are no answer, the
    names they share are. Each term counts an article once, in the spelling most articles use.
    """
    if len(articles) < 2:
        return ()
    need = max(2, (len(articles) + 1) // 2)
    out: list[tuple[str, int]] = []
    for pick in (
        lambda ext: (e.text for e in ext.entities if e.label in _TIE_LABELS),
        lambda ext: iter(ext.keyterms),
    ):
        counts: dict[str, int] = defaultdict(int)
        spelling: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for a in articles:
            ext = extractions.get(a.id)
            if ext is None:
                continue
            seen: set[str] = set()
            for text in pick(ext):
                shown = " ".join(text.split())
                shown = shown[4:] if shown.lower().startswith("the ") else shown
                key = shown.lower()
                if len(key) < 3 or key in seen or not _TERM.fullmatch(shown):
                    continue
                seen.add(key)
                counts[key] += 1
                spelling[key][shown] += 1
        known = {t.lower() for t, _n in out}
        # the fullest name first at equal count, so "Lee Jae Myung" is kept and "Lee" then adds nothing
        ranked = sorted(
            (k for k, n in counts.items() if n >= need), key=lambda k: (-counts[k], -len(k.split()), k)
        )
        for key in ranked:
            if key in known or any(key in k.split() for k in known):
                continue  # "Smith" beside "John Smith" says nothing new
            name = max(spelling[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
            out.append((name, counts[key]))
            known.add(key)
            if len(out) >= SHARED_TERMS_SHOWN:
                return tuple(out)
    return tuple(out)


# --------------------------------------------------------------------------- entry points


def build_story(
    story_id: str,
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: Options,
) -> Story:
    """Reconcile one story's articles and lay the result out for a reader."""
    ordered = sorted({a.id: a for a in articles}.values(), key=lambda a: (a.published or "9999", a.id))
    facts, conflicts = reconcile(ordered, extractions, duplicates, options.reconcile)
    facts = tuple(sorted(facts, key=lambda f: _STATUS_ORDER[f.status]))  # stable: keeps reconcile's order
    dates = sorted(a.published for a in ordered if a.published)
    return Story(
        id=story_id,
        title=_title(ordered, duplicates),
        article_ids=tuple(a.id for a in ordered),
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
        facts=facts,
        conflicts=conflicts,
        timeline=_timeline(facts, ordered),
        quotes=_quote_board(facts),
        summary=_summary(facts, ordered, extractions, duplicates),
        coverage=tuple((f.id, tuple(sorted({m.article_id for m in f.mentions}))) for f in facts),
        shared_terms=_shared_terms(ordered, extractions),
    )


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def terminal(
    story: Story, articles: Mapping[str, Article], flags: Mapping[str, Sequence[Flag]] | None = None
) -> RenderableType:
    """Rich view for `newsdesk show`: conflicts first (both sides, evidence), then the rest."""
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from .render.words import (
        conflict_sides_words,
        format_value,
        readings_view,
        story_date_words,
        ties_words,
    )

    def label(article_id: str) -> str:
        a = articles.get(article_id)
        if a is None:
            return article_id
        name = a.source or Path(a.path).name or article_id  # no outlet: the file it came from
        return name + (f" ({a.published})" if a.published else "")

    parts: list = [
        Text(story.title, style="bold"),
        Text(
            f"{story.id} · {len(story.article_ids)} articles · {story.first_seen or '?'} → "
            f"{story.last_seen or '?'} · {len(story.facts)} facts · {len(story.conflicts)} conflicts",
            style="dim",
        ),
    ]
    if story.shared_terms:
        parts.append(
            Text(
                f"one story because the articles name: {ties_words(story.shared_terms, len(story.article_ids))}"
            )
        )
    for c in story.conflicts:
        body = Text()
        if c.reason:
            body.append("aligned because ", style="dim")
            body.append(f"{c.reason}\n")
        for side, (shown, share) in zip(c.sides, conflict_sides_words(story, c), strict=True):
            body.append(shown or "-", style="bold yellow")
            body.append(f"  — {share}: ")
            body.append(f"{', '.join(label(a) for a in side.article_ids)}\n")
            for r in readings_view(side.readings, label):
                body.append(
                    f"    read “{_clip(r['text'], 60)}” ({', '.join(r['outlets'])}): {r['how']}\n",
                    style="dim",
                )
            for sp in side.evidence:
                body.append(f"    “{_clip(sp.text)}” ", style="italic")
                body.append(f"[{sp.article_id} {sp.start}:{sp.end}]\n", style="dim")
        parts.append(
            Panel(body, title=f"[red]conflict · {c.kind}[/red] {escape(c.description)}", expand=True)
        )

    # Narrow fixed columns so the fact text keeps most of an 80-column terminal.
    facts = Table(title="Facts", show_lines=False, expand=True)
    facts.add_column("status", no_wrap=True)
    facts.add_column("kind", no_wrap=True)
    facts.add_column("fact", ratio=3)
    facts.add_column("value", max_width=16)
    facts.add_column("sources", justify="right", no_wrap=True)
    facts.add_column("articles", justify="right", no_wrap=True)
    style = {"conflicting": "red", "corroborated": "green", "single_source": "yellow"}
    short = {"conflicting": "conflicting", "corroborated": "corroborated", "single_source": "one source"}
    for f in story.facts:
        if f.kind == "event":
            value = story_date_words(f.date, story.last_seen) if f.date else "-"
        elif f.kind in {"quote", "statement"}:
            value = f.speaker or "unresolved"
        else:
            value = format_value(f.value, f.unit) or "-"
        fact_text = escape(_clip(f.text, 90)) + (f"\n[dim]{escape(f.note)}[/dim]" if f.note else "")
        facts.add_row(
            f"[{style[f.status]}]{short[f.status]}[/]",
            f.kind,
            fact_text,
            escape(value),
            str(f.independent_sources),
            str(len({m.article_id for m in f.mentions})),
        )
    parts.append(facts)

    if story.timeline:
        timeline = Table(title="Timeline", expand=True)
        for col in ("date", "kind", "what"):
            timeline.add_column(col)
        for t in story.timeline:
            timeline.add_row(story_date_words(t.date, story.last_seen), t.kind, escape(_clip(t.text, 120)))
        parts.append(timeline)
    if story.quotes:
        quotes = Table(title="Quotes", expand=True)
        for col in ("speaker", "quote", "outlets"):
            quotes.add_column(col)
        for q in story.quotes:
            quotes.add_row(
                escape(q.speaker) if q.speaker else "[red]unresolved[/red]",
                escape(_clip(q.text, 120)),
                str(len(q.article_ids)),
            )
        parts.append(quotes)
    warned = [
        (aid, f) for aid in story.article_ids for f in (flags or {}).get(aid, ()) if f.severity != "info"
    ]
    if warned:
        warnings = Table(title="Article warnings", expand=True)
        for col in ("outlet", "warning", "why"):
            warnings.add_column(col)
        for aid, f in warned:
            warnings.add_row(escape(label(aid)), f.code.replace("_", " "), escape(_clip(f.message, 160)))
        parts.append(warnings)
    if story.summary:
        summary = Text()
        for s in story.summary:
            summary.append(_clip(s.text, 400))
            summary.append(f" [{label(s.article_id)}]\n", style="dim")
        parts.append(Panel(summary, title="Summary"))
    return Group(*parts)
