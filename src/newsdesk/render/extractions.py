"""Per-article extraction records (`newsdesk extract`), DESIGN section 4.

What the annotators found in one article before any cross-article reasoning,
so a user can see why a fact was (or was not) matched. Spans index `text`.
"""

from __future__ import annotations

from typing import Any

from ..records import Article, Extraction, Frame


def _span(start: int, end: int) -> list[int]:
    return [start, end]


def extraction_to_dict(article: Article, extraction: Extraction) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "published_source": article.published_source,
        "text": article.text,
        "body_span": list(article.body_span),
        "timexes": [
            {
                "span": _span(t.start, t.end),
                "text": t.text,
                "type": t.type,
                "value": t.value,
                "mod": t.mod,
                "reason": t.reason,
            }
            for t in extraction.timexes
        ],
        "quantities": [
            {
                "span": _span(q.start, q.end),
                "text": q.text,
                "value": q.value,
                "low": q.low,
                "high": q.high,
                "unit": q.unit,
                "scale": q.scale,
                "qualifier": q.qualifier,
                "subject": q.subject,
                "subject_span": list(q.subject_span) if q.subject_span else None,
                "equivalent_of": q.equivalent_of,
                "frame": _frame(q.frame),
            }
            for q in extraction.quantities
        ],
        "quotes": [
            {
                "span": _span(q.start, q.end),
                "text": q.text,
                "direct": q.direct,
                "speaker": q.speaker,
                "speaker_span": list(q.speaker_span) if q.speaker_span else None,
                "antecedent_span": list(q.antecedent_span) if q.antecedent_span else None,
                "cue": q.cue,
                "reason": q.reason,
            }
            for q in extraction.quotes
        ],
        "events": [
            {
                "span": _span(e.start, e.end),
                "trigger": e.trigger,
                "trigger_span": list(e.trigger_span),
                "participants": list(e.participants),
                "date": e.date,
                "timex_span": list(e.timex_span),
            }
            for e in extraction.events
        ],
        "entities": [
            {"span": _span(e.start, e.end), "text": e.text, "label": e.label} for e in extraction.entities
        ],
    }


def _frame(frame: Frame | None) -> dict[str, Any] | None:
    """What the figure measures, of whom, in which act (see `nlp.frames`)."""
    if frame is None:
        return None
    return {
        "attribute": frame.attribute,
        "holder": " ".join(frame.holder) or None,
        "predicate": frame.predicate,
        "change": frame.change,
        "ordinal": frame.ordinal,
    }
