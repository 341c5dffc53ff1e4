"""report.json (schema_version 1): the output contract of DESIGN section 4.

`report_to_dict` is the one place that maps records to the public JSON shape;
`validate_report` checks any such dict against the JSON Schema shipped in
`newsdesk/schema/report.schema.json`, so tests and users check the same thing.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..records import (
    Article,
    ArticleReport,
    ClusterEvent,
    Conflict,
    Fact,
    Flag,
    Mention,
    ProcessingError,
    QuoteBoardEntry,
    Report,
    Span,
    Story,
    SummarySentence,
    TimelineEntry,
    to_dict,
)


def _pair(span: tuple[int, int] | None) -> list[int] | None:
    return [int(span[0]), int(span[1])] if span is not None else None


def _value(value: Any) -> Any:
    """A record's untyped value as strict JSON: tuples and sets become lists, non-finite floats null."""
    data = to_dict(value)
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, numbers.Integral):
        return int(data)
    if isinstance(data, numbers.Real):
        number = float(data)
        return number if math.isfinite(number) else None
    if isinstance(data, (list, tuple)):
        return [_value(v) for v in data]
    if isinstance(data, (set, frozenset)):
        return sorted((_value(v) for v in data), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(data, Mapping):
        return {str(k): _value(v) for k, v in data.items()}
    return str(data)


def span_to_dict(span: Span) -> dict[str, Any]:
    return {"article_id": span.article_id, "start": span.start, "end": span.end, "text": span.text}


def mention_to_dict(m: Mention) -> dict[str, Any]:
    return {
        "article_id": m.article_id,
        "span": [m.start, m.end],
        "text": m.text,
        "sentence": _pair(m.sentence),
        "value": _value(m.value),
    }


def flag_to_dict(flag: Flag) -> dict[str, Any]:
    return {
        "code": flag.code,
        "severity": flag.severity,
        "message": flag.message,
        "evidence": [span_to_dict(s) for s in flag.evidence],
    }


def article_to_dict(entry: ArticleReport) -> dict[str, Any]:
    a: Article = entry.article
    dup = entry.duplicate
    return {
        "id": a.id,
        "path": a.path,
        "url": a.url,
        "fmt": a.fmt,
        "locator": a.locator,
        "title": a.title,
        "title_source": a.title_source,
        "source": a.source,
        "source_origin": a.source_origin,
        "authors": list(a.authors),
        "published": a.published,
        "published_source": a.published_source,
        "published_reason": a.published_reason,
        "language": a.language,
        "word_count": a.word_count,
        "body_span": [a.body_span[0], a.body_span[1]],
        "duplicate_of": dup.duplicate_of if dup else None,
        "duplicate_kind": dup.kind if dup else None,
        "overlap": round(float(dup.overlap), 4) if dup else None,
        "duplicate_direction": dup.direction if dup else None,
        "duplicate_reason": dup.reason if dup else None,
        "story_id": entry.story_id,
        "topic_id": entry.topic_id,
        "flags": [flag_to_dict(f) for f in entry.flags],
        "segments": [{"kind": s.kind, "span": [s.start, s.end]} for s in a.segments],
    }


def fact_to_dict(f: Fact) -> dict[str, Any]:
    return {
        "id": f.id,
        "kind": f.kind,
        "text": f.text,
        "value": _value(f.value),
        "unit": f.unit,
        "subject": f.subject,
        "date": f.date,
        "speaker": f.speaker,
        "status": f.status,
        "independent_sources": f.independent_sources,
        "note": f.note,
        "mentions": [mention_to_dict(m) for m in f.mentions],
    }


def conflict_to_dict(c: Conflict) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "description": c.description,
        "reason": c.reason,
        "fact_ids": list(c.fact_ids),
        "sides": [
            {
                "value": _value(side.value),
                "article_ids": list(side.article_ids),
                "evidence": [span_to_dict(s) for s in side.evidence],
                "readings": [
                    {"article_id": r.article_id, "text": r.text, "how": r.how} for r in side.readings
                ],
            }
            for side in c.sides
        ],
    }


def timeline_to_dict(t: TimelineEntry) -> dict[str, Any]:
    return {"date": t.date, "text": t.text, "kind": t.kind, "fact_ids": list(t.fact_ids)}


def quote_to_dict(q: QuoteBoardEntry) -> dict[str, Any]:
    return {
        "speaker": q.speaker,
        "text": q.text,
        "article_ids": list(q.article_ids),
        "mentions": [mention_to_dict(m) for m in q.mentions],
    }


def summary_to_dict(s: SummarySentence) -> dict[str, Any]:
    return {
        "text": s.text,
        "article_id": s.article_id,
        "span": [s.span[0], s.span[1]],
        "fact_ids": list(s.fact_ids),
    }


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "facts": [fact_to_dict(f) for f in story.facts],
        "conflicts": [conflict_to_dict(c) for c in story.conflicts],
        "timeline": [timeline_to_dict(t) for t in story.timeline],
        "quotes": [quote_to_dict(q) for q in story.quotes],
        "summary": [summary_to_dict(s) for s in story.summary],
        "coverage": [{"fact_id": fid, "article_ids": list(aids)} for fid, aids in story.coverage],
        "shared_terms": [{"term": t, "articles": n} for t, n in story.shared_terms],
    }


def error_to_dict(e: ProcessingError) -> dict[str, Any]:
    return {"path": e.path, "stage": e.stage, "message": e.message, "record": e.record}


def story_event_to_dict(e: ClusterEvent) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "story_id": e.story_id,
        "other_story_id": e.other_story_id,
        "article_ids": list(e.article_ids),
        "score": e.score,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON data, in the shape `schema/report.schema.json` describes."""
    return {
        "schema_version": report.schema_version,
        "generated_at": report.generated_at,
        "options": _value(dict(report.options)),
        "stats": _value(dict(report.stats)),
        "articles": [article_to_dict(a) for a in report.articles],
        "stories": [story_to_dict(s) for s in report.stories],
        "errors": [error_to_dict(e) for e in report.errors],
        "story_events": [story_event_to_dict(e) for e in report.story_events],
    }


def write_report(report: Report, path: str | Path, data: dict[str, Any] | None = None) -> Path:
    """Write report.json (UTF-8, compact; `jq .` pretty-prints it); returns the path written.

    `data` is `report_to_dict(report)` when the caller already has it (the HTML cache key needs it too).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Compact: indent= switches json to its pure-Python encoder, several times slower on big reports.
    data = report_to_dict(report) if data is None else data
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of report.json."""
    text = resources.files("newsdesk").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_report(data: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` (the most relevant one) when `data` breaks the contract."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        report_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise error
