"""Clean/metadata stage: RawDoc -> Article.

Builds the normalized text every later span indexes, types each region of it
(header, title, byline, caption, boilerplate, duplicate paragraph) so NLP reads
only body paragraphs, and fills title, authors, outlet and publication date
from what the input actually states. Anything the input does not support is
`None` with a reason; nothing is guessed from the clock, file times or the
WARC crawl date.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from .errors import NewsdeskError
from .ingest.sources import MAX_DATE_CHARS
from .options import IngestOptions
from .records import Article, PublishedSource, RawDoc, Segment, TitleSource

STAGE = "clean"

# ---------------------------------------------------------------- patterns

# " date 2025-08-26" header of crawler exports, optionally an HTTP crawl status that ends
# the line or precedes a "(Name, Outlet)" tag (a number running into prose is body text).
_HEADER = re.compile(
    r"^[ \t]*date:?[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?"
    r"(?:[ \t]+(?P<status>[1-5]\d\d)(?=[ \t]*$|[ \t]+\())?",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|[A-Z]\.|de|da|van|von|der|al|bin|la|le)"
_PERSON = re.compile(rf"^[A-Z][\w'’.-]*(?:\s+{_NAME_WORD}){{1,4}}$")
_OUTLET = re.compile(r"^[A-Z0-9][\w&'’. -]{0,60}$")
_DATELINE_TAG = re.compile(r"^\((?P<inner>[^()\n]{2,90})\)[ \t]*(?:[—–-]+[ \t]*)?")
_CITY_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))?"  # ", March 10": the wire's day
    r"\s*\((?P<src>[A-Za-z][\w&.' -]{0,40})\)\s*[—–-]+\s*"
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|reporting by|authors?:|byline:)[ \t]+(?P<names>.+)$", re.IGNORECASE
)
_ORIGINALLY = re.compile(
    r"^(?:(?:this|the)\s+(?:article|story|post|piece|report|column|op-ed)\s+(?:was\s+)?)?"
    r"(?:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:at|on|in|by)\s+(?P<src>.+?)[.!]?$",
    re.IGNORECASE,
)
_TAIL_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("author-bio", re.compile(r"^(?:about\s+the\s+)?authors?(?:\s+bio)?:?$", re.IGNORECASE)),
    (
        "latest-news",
        re.compile(
            r"^(?:latest(?:\s+(?:news|stories|articles|headlines))?|top\s+stories|more\s+news|most\s+"
            r"(?:read|popular|viewed)|trending(?:\s+now)?|popular(?:\s+(?:now|stories))?|breaking\s+news)\s*:?$",
            re.IGNORECASE,
        ),
    ),
    (
        "related",
        re.compile(
            r"^(?:related(?:\s+(?:articles?|stories|news|posts|content|coverage|reading))?|you\s+may\s+also\s+like|"
            r"recommended(?:\s+for\s+you)?|read\s+(?:more|next|also)|see\s+also|also\s+read|more\s+stories|"
            r"more\s+from\s+[\w ]{1,40})\s*:?$",
            re.IGNORECASE,
        ),
    ),
    (
        "comments",
        re.compile(
            r"^(?:\d+\s+)?(?:comments?|leave\s+a\s+(?:comment|reply)|join\s+the\s+discussion)\s*:?$",
            re.IGNORECASE,
        ),
    ),
)
# One-line boilerplate: (kind, pattern, most words, may end like a sentence). The word
# limits keep real sentences ("Twitter said on Monday it would cut 200 jobs.") in the body.
_LINE_BOILERPLATE: tuple[tuple[str, re.Pattern[str], int, bool], ...] = (
    (
        "share-links",
        re.compile(
            r"^(?:[•·|]\s*)?(?:share(?:\s+(?:this|on|via|the\s+article))?|tweet|follow\s+us|subscribe|sign\s+up|"
            r"click\s+here|email\s+this|print(?:\s+this)?|facebook|twitter|whatsapp|linkedin|telegram|pinterest|"
            r"reddit|copy\s+link|join\s+our)\b",
            re.IGNORECASE,
        ),
        12,
        False,
    ),
    (
        "share-links",
        re.compile(r"^(?:facebook|twitter|instagram|email|whatsapp)\b", re.IGNORECASE),
        4,
        True,
    ),
    (
        "advertisement",
        re.compile(
            r"^(?:advertisement|sponsored(?:\s+content)?|ad)\b[\s:–—-]*"
            r"(?:(?:the\s+)?(?:story|article)\s+continues\s+below|continue\s+reading(?:\s+below)?)?\.?$",
            re.IGNORECASE,
        ),
        8,
        True,
    ),
    (
        "copyright",
        re.compile(r"^copyright\s+(?:©\s*)?\d{4}|©|\(c\)\s*\d{4}|all\s+rights\s+reserved", re.IGNORECASE),
        20,
        True,
    ),
    (
        "related",
        re.compile(r"^(?:read\s+(?:more|also|next)|related|see\s+also)\s*:\s*\S", re.IGNORECASE),
        25,
        True,
    ),
    ("tags", re.compile(r"^(?:tags?|topics?|filed\s+under)\s*:\s*\S", re.IGNORECASE), 30, True),
)
_CAPTION_LINE = re.compile(r"^(?:photo|image|picture|file\s+photo|credit)s?\s*(?:by)?\s*[:(]", re.IGNORECASE)
# Where a container's own metadata fields come from, by format (WARC/HTML: the page's meta tags).
_DECLARED: dict[str, Literal["jsonl", "feed"]] = {"jsonl": "jsonl", "feed": "feed"}
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to in a is that for on was with as by it at from his her he she said are be has have "
        "were this an which not but they their will would who its"
    ),
    "fr": _words("le la les des du de et est une un dans pour que qui sur au aux avec pas il elle ce sont"),
    "de": _words("der die das und ist nicht ein eine zu den dem mit sich auf für von im des auch es wird"),
    "es": _words("el la los las de del y que en un una por con para es se su al lo como más pero"),
    "it": _words("il lo la gli le di del della e che un una per con non sono è nel alla da si"),
    "pt": _words("o a os as de do da dos das e que em um uma para com não se por mais foi"),
    "nl": _words("de het een en van in is dat op te zijn met voor niet aan er ook als bij"),
}


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True, slots=True)
class _Block:
    """A paragraph-like region of the normalized text and what it is."""

    start: int
    end: int
    kind: str = "body"


def normalize_text(text: str) -> str:
    """NFC, \\n line ends, no trailing spaces, at most one blank line in a row; deterministic."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]", "", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n").rstrip()


def _squash(text: str) -> str:
    return " ".join(text.split())


def normalize_date(value: str) -> str | None:
    """YYYY-MM-DD for a declared date in any absolute format; None when it is not a full date."""
    raw = value.strip()
    if not raw or len(raw) > MAX_DATE_CHARS:  # dateparser costs ~0.5 ms a character: never unbounded
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", raw):  # Unix time (ms when 13 digits), read as UTC
        seconds = float(raw) / (1000 if len(raw.split(".")[0]) == 13 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):  # "+99999999999" as a zone: no date
        pass
    import dateparser  # loaded on first use: a warm re-run cleans nothing

    try:
        parsed = _dateparser_parse(dateparser, raw)
    except (TypeError, ValueError, OverflowError, OSError):  # a date the library cannot even hold
        return None
    return parsed.date().isoformat() if parsed else None


def _dateparser_parse(dateparser: Any, raw: str) -> Any:
    return dateparser.parse(
        raw,
        settings={
            "PARSERS": ["custom-formats", "absolute-time"],  # never relative to "now"
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_LOCALE_DATE_ORDER": True,
        },
    )


def _line_blocks(text: str, start: int, end: int) -> list[_Block]:
    """Each non-blank line of text[start:end] as a block, leading spaces excluded."""
    blocks = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        line = m.group()
        lead = len(line) - len(line.lstrip())
        if line.strip():
            blocks.append(_Block(start + m.start() + lead, start + m.end()))
    return blocks


def _deletions(original: str, normalized: str) -> tuple[tuple[int, int], ...] | None:
    """Runs (input offset, length) that normalization deleted; None when it did more than delete."""
    if not unicodedata.is_normalized("NFC", original):
        return None
    runs: list[tuple[int, int]] = []
    j = 0
    for i, ch in enumerate(original):
        if j < len(normalized) and (ch == normalized[j] or (normalized[j] == "\n" and ch in "\r\u2028")):
            j += 1
        elif runs and runs[-1][0] + runs[-1][1] == i:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((i, 1))
    return tuple(runs) if j == len(normalized) else None


def text_offset(article: Article, input_offset: int) -> int | None:
    """Where an offset into the reader's content (e.g. a JSONL record's text) lies in `article.text`.

    None when the article has no mapping (HTML input, or normalization changed more than
    whitespace) or when the offset falls in text that normalization removed.
    """
    extra = dict(article.extra)
    if "content_offset" not in extra:
        return None
    shift = 0
    for start, length in extra.get("content_deletions", ()):
        if input_offset < start:
            break
        if input_offset < start + length:
            return None
        shift += length
    return extra["content_offset"] + input_offset - shift


def _same_title(line: str, title: str) -> bool:
    """The same headline, give or take spacing, case and a final period."""
    return _squash(line).rstrip(".").casefold() == _squash(title).rstrip(".").casefold()


def _is_headline(text: str, block: _Block, has_more: bool) -> bool:
    """A first line that reads as a headline: short, no sentence-final period, and either
    headline-capitalized or (sentence case) set apart from the body by a blank line."""
    line = _seg(text, block)
    words = line.split()
    if not words or len(words) > 25 or len(line) > 200 or not has_more:
        return False
    if line.rstrip("\"'”’").endswith((".", ",", ";", ":")) or line.startswith(("(", "•", "-", "*")):
        return False
    if _boilerplate_kind(_squash(line)) or _HEADER.match(line) or _URL_LINE.match(line):
        return False
    byline = _BYLINE.match(line)
    if byline and _person_names(byline.group("names")):
        return False
    content = [w for w in words if _WORD.match(w) and w.lower() not in _STOPWORDS["en"]]
    if not content:
        return False
    capitalized = sum(1 for w in content if w[0].isupper() or not w[0].isalpha())
    if capitalized / len(content) >= 0.6:
        return True
    set_apart = text.startswith("\n\n", block.end)
    return set_apart and len(words) <= 15 and not _SENTENCE_END.search(line)


def _person_names(text: str) -> tuple[str, ...]:
    """Names in a byline such as 'Jane Doe and John Roe'; pieces that are not names are dropped."""
    text = re.split(r"\s*[|•]\s*|\s+[—–]\s+", text)[0]
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text)
    return tuple(p.strip() for p in parts if _PERSON.match(p.strip()))


def _is_prose(text: str) -> bool:
    return len(text.split()) >= 25 and bool(_SENTENCE_END.search(text))


def detect_language(text: str) -> tuple[str, str]:
    """'en' unless stopword ratios (or the script) clearly say otherwise; returns (code, how)."""
    words = [w.lower() for w in _WORD.findall(text[:50000])]
    letters = [c for c in text[:50000] if c.isalpha()]
    if letters:
        non_latin = sum(1 for c in letters if ord(c) > 0x24F) / len(letters)
        if non_latin > 0.5:
            return "und", f"non-Latin script ({non_latin:.0%} of letters); stopword test not applicable"
    if len(words) < 20:
        return "en", f"too short to test ({len(words)} words); default en"
    ratios = {lang: sum(1 for w in words if w in sw) / len(words) for lang, sw in _STOPWORDS.items()}
    shown = ", ".join(f"{k}={v:.2f}" for k, v in sorted(ratios.items(), key=lambda kv: -kv[1])[:3])
    best = max(ratios, key=lambda k: ratios[k])
    if best != "en" and ratios[best] >= 0.15 and ratios[best] > 2 * ratios["en"]:
        return best, f"stopword ratio {shown}"
    return "en", f"stopword ratio {shown}"


# ---------------------------------------------------------------- block classification


@dataclass(frozen=True, slots=True)
class _Found:
    """Metadata the text itself states."""

    header_date: str | None = None
    header_status: str | None = None
    header_invalid: str | None = None  # a header date that is not a calendar date
    title: str | None = None
    authors: tuple[str, ...] = ()
    dateline_source: str | None = None
    dateline_place: str | None = None
    originally: str | None = None


def _classify(
    text: str, blocks: list[_Block], *, header: bool, title_known: bool, guess_title: bool
) -> tuple[list[_Block], list[Segment], _Found]:
    """Type every block; returns body blocks, non-body segments and stated metadata."""
    segments: list[Segment] = []
    found = _Found()
    blocks = list(blocks)

    if title_known and blocks:
        segments.append(Segment(blocks[0].start, blocks[0].end, "title"))
        found = replace(found, title=_squash(_seg(text, blocks[0])))
        blocks = blocks[1:]

    if header and blocks:
        first = blocks[0]
        m = _HEADER.match(text[first.start : first.end])
        if m:
            try:
                date.fromisoformat(m.group("date"))
                found = replace(found, header_date=m.group("date"), header_status=m.group("status"))
            except ValueError:
                found = replace(found, header_invalid=m.group("date"), header_status=m.group("status"))
            hend = first.start + m.end()
            segments.append(Segment(first.start, hend, "header"))
            rest = text[hend : first.end]
            lead = len(rest) - len(rest.lstrip())
            blocks[0:1] = [_Block(hend + lead, first.end)] if rest.strip() else []

    if blocks and title_known and found.title:
        # A declared title that the text repeats under its date header is the same title again,
        # and a headline right under a crawler date header is the page's own headline.
        line = _squash(_seg(text, blocks[0]))
        same = _same_title(line, found.title)
        if same or (found.header_date and _is_headline(text, blocks[0], len(blocks) > 1)):
            segments.append(Segment(blocks[0].start, blocks[0].end, "title"))
            blocks = blocks[1:]
    elif blocks and guess_title and _is_headline(text, blocks[0], len(blocks) > 1):
        segments.append(Segment(blocks[0].start, blocks[0].end, "title"))
        found = replace(found, title=_squash(_seg(text, blocks[0])))
        blocks = blocks[1:]

    # Captions and duplicates: an exact repeat of an earlier block is a duplicate; a short,
    # non-sentence line that repeats is a photo caption (first copy kept as caption).
    lines = [_squash(_seg(text, b)) for b in blocks]
    counts = Counter(lines)
    seen: set[str] = set()
    typed: list[_Block] = []
    for b, s in zip(blocks, lines, strict=True):
        short_line = len(s.split()) <= 30 and not _SENTENCE_END.search(s)
        if _boilerplate_kind(s):
            typed.append(b)  # typed as boilerplate below, however often it repeats
        elif s in seen:
            typed.append(replace(b, kind="duplicate-paragraph"))
        elif not re.search(r"[^\W_]", s):
            typed.append(replace(b, kind="boilerplate:separator"))
        elif _URL_LINE.match(s):
            typed.append(replace(b, kind="boilerplate:url"))
        elif (counts[s] > 1 and short_line) or _CAPTION_LINE.match(s):
            typed.append(replace(b, kind="caption"))
        else:
            typed.append(b)
        seen.add(s)
    blocks = typed

    # Bylines and dateline tags near the top of the body.
    body_idx = [i for i, b in enumerate(blocks) if b.kind == "body"][:3]
    for i in body_idx:
        b = blocks[i]
        s = _seg(text, b)
        bm = _BYLINE.match(s)
        if bm and len(s.split()) <= 14 and not _SENTENCE_END.search(s.rstrip(".")):
            names = _person_names(bm.group("names"))
            if names:
                found = replace(found, authors=found.authors or names)
                blocks[i] = replace(b, kind="byline")
                continue
    first_body = next((i for i, b in enumerate(blocks) if b.kind == "body"), None)
    if first_body is not None:
        b = blocks[first_body]
        s = _seg(text, b)
        tag = _DATELINE_TAG.match(s)
        city = _CITY_DATELINE.match(s)
        if tag:
            authors, source = _parse_tag(tag.group("inner"))
            if authors or source:
                found = replace(found, authors=found.authors or authors, dateline_source=source)
                tag_end = b.start + len(tag.group().rstrip())
                segments.append(Segment(b.start, tag_end, "byline"))
                rest = _Block(b.start + tag.end(), b.end)
                blocks[first_body : first_body + 1] = [rest] if rest.end > rest.start else []
        elif city and _OUTLET.match(city.group("src").strip()):
            found = replace(
                found, dateline_source=city.group("src").strip(), dateline_place=city.group("place").strip()
            )
            # "VESHK (Veshk Ledger) - ..." is metadata: out of the body, so the parser never takes the
            # place for the subject of the first sentence.
            segments.append(Segment(b.start, b.start + len(city.group().rstrip()), "dateline"))
            rest = _Block(b.start + city.end(), b.end)
            blocks[first_body : first_body + 1] = [rest] if rest.end > rest.start else []

    # Trailing sections (author bio, latest news, related, comments) and one-line boilerplate.
    n_body_seen = 0
    tail: str | None = None
    for i, b in enumerate(blocks):
        if b.kind != "body":
            continue
        s = _squash(_seg(text, b))
        heading = _heading_kind(s)
        if heading:
            # Near the end it opens a trailing section; elsewhere it is a lone widget line.
            tail = heading if n_body_seen and _tail_fits(text, blocks, i, heading) else None
            blocks[i] = replace(b, kind=f"boilerplate:{heading}")
            continue
        if tail is not None:
            if tail != "author-bio" and _is_prose(s):
                tail = None
            else:
                blocks[i] = replace(b, kind=f"boilerplate:{tail}")
                continue
        line_kind = _line_kind(s)
        if line_kind == "originally-appeared":
            om = _ORIGINALLY.match(s)
            found = replace(found, originally=_outlet_name(om.group("src")) if om else None)
        if line_kind:
            blocks[i] = replace(b, kind=f"boilerplate:{line_kind}")
            continue
        n_body_seen += 1

    if tail == "author-bio" or any(b.kind == "boilerplate:author-bio" for b in blocks):
        found = replace(found, authors=found.authors or _labeled_author(text, blocks))

    body = [b for b in blocks if b.kind == "body"]
    segments.extend(Segment(b.start, b.end, b.kind) for b in blocks if b.kind != "body")
    return body, sorted(segments, key=lambda s: (s.start, s.end)), found


def _boilerplate_kind(line: str) -> str | None:
    """The boilerplate kind a whole line announces by itself (heading or one-liner), if any."""
    return _heading_kind(line) or _line_kind(line)


def _heading_kind(line: str) -> str | None:
    """The trailing section ("Author", "Latest News", "Related" ...) a heading line opens."""
    return next((kind for kind, rx in _TAIL_HEADINGS if rx.match(line)), None)


def _line_kind(line: str) -> str | None:
    """The kind of a one-line boilerplate paragraph (share links, ads, credits ...), if it is one."""
    n_words = len(line.split())
    if _ORIGINALLY.match(line) and n_words <= 25:
        return "originally-appeared"
    ends_sentence = bool(_SENTENCE_END.search(line))
    for kind, rx, max_words, sentence_ok in _LINE_BOILERPLATE:
        if n_words <= max_words and (sentence_ok or not ends_sentence) and rx.search(line):
            return kind
    return None


def _seg(text: str, b: _Block) -> str:
    return text[b.start : b.end]


def _tail_fits(text: str, blocks: Sequence[_Block], i: int, heading: str) -> bool:
    """A section heading starts trailing boilerplate only near the end of the article."""
    after = [_squash(_seg(text, b)) for b in blocks[i + 1 :] if b.kind == "body"]
    prose_after = sum(1 for s in after if _is_prose(s))
    if heading == "author-bio":
        return prose_after <= 2
    return prose_after <= 1 or i >= 0.6 * len(blocks)


_NOT_OUTLETS = _words(
    "updated update video photos photo watch listen opinion analysis exclusive live breaking editorial "
    "corrected correction sponsored advertisement explainer podcast graphic map file"
)


def _parse_tag(inner: str) -> tuple[tuple[str, ...], str | None]:
    """'(Name, Outlet)' -> ((Name,), Outlet); '(OUTLET)' -> ((), OUTLET); anything else -> nothing."""
    if re.search(r"\d", inner):
        return (), None
    parts = [p.strip() for p in inner.split(",")]
    if parts[-1].casefold() in _NOT_OUTLETS or not all(parts) or not _OUTLET.match(parts[-1]):
        return (), None
    if len(parts) == 2 and _PERSON.match(parts[0]):
        return (parts[0],), parts[1]
    words = parts[0].split()
    if len(parts) == 1 and len(words) <= 5 and all(w[0].isupper() for w in words if w[0].isalpha()):
        return (), parts[0]
    return (), None


def _outlet_name(value: str) -> str:
    """An outlet from 'originally appeared at X': a URL becomes its host name."""
    value = value.strip().rstrip(".")
    m = re.match(r"^(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)(?:/\S*)?$", value)
    return m.group(1) if m and ("." in value and " " not in value) else value


def _labeled_author(text: str, blocks: Sequence[_Block]) -> tuple[str, ...]:
    """Under an 'Author' heading, a line that is only a person's name is the author; a bio is not."""
    for i, b in enumerate(blocks):
        if b.kind == "boilerplate:author-bio" and _heading_kind(_squash(_seg(text, b))) == "author-bio":
            if i + 1 < len(blocks):
                name = _squash(_seg(text, blocks[i + 1])).lstrip("•·-* ").strip()
                if _PERSON.match(name) and len(name.split()) <= 4:
                    return (name,)
            return ()
    return ()


_BIO_OPENING = re.compile(
    rf"^(?P<name>[A-Z][\w'’-]+(?:\s+{_NAME_WORD}){{1,3}})\s+(?:is|was|has|writes|covers|reports|joined)\b"
)


def _bio_name(text: str, segments: Sequence[Segment]) -> str | None:
    """The person an author bio opens with ("Jane Roe writes about ..."), if any."""
    for seg in segments:
        if seg.kind == "boilerplate:author-bio":
            m = _BIO_OPENING.match(_squash(text[seg.start : seg.end]).lstrip("•·-* "))
            if m:
                return m.group("name")
    return None


# ---------------------------------------------------------------- metadata


def _published(
    raw: RawDoc,
    declared_source: PublishedSource,
    html_date: str | None,
    html_method: str | None,
    found: _Found,
) -> tuple[str | None, PublishedSource, str | None]:
    """Declared metadata, then HTML metadata, then the export's date header; else None with why."""
    notes: list[str] = []
    if raw.published:
        value = normalize_date(raw.published)
        if value:
            return value, declared_source, None
        notes.append(f"unparseable date: {_quoted(raw.published)}")
    if html_date:
        value = normalize_date(html_date)
        if value:
            how = f"from HTML metadata ({html_method})"
            return value, "html-meta", "; ".join([*notes, how])
        notes.append(f"unparseable date: {_quoted(html_date)}")
    if found.header_date:
        return found.header_date, "header", "; ".join([*notes, "from the export's date header"])
    if found.header_invalid:
        notes.append(f"unparseable date: {found.header_invalid!r}")
    if not notes:
        what = {
            "txt": "no date header, no metadata",
            "html": "no date in HTML metadata (trafilatura, htmldate)",
            "warc": "no date in HTML metadata (WARC-Date is the crawl date, not used)",
            "jsonl": "no published field",
            "feed": "no published or updated date in the feed entry",
        }[raw.fmt]
        if raw.content_is_html and raw.fmt in ("jsonl", "feed"):
            what += ", none in the HTML"
        notes.append(what)
    return None, "absent", "; ".join(notes)


def _quoted(value: str) -> str:
    """A declared value for a reason, cut to MAX_DATE_CHARS: the reason is stored and shown."""
    if len(value) <= MAX_DATE_CHARS:
        return repr(value)
    return f"{value[:MAX_DATE_CHARS]!r}… ({len(value):,} characters)"


def _fail(raw: RawDoc, message: str) -> NewsdeskError:
    return NewsdeskError(STAGE, raw.path, message, record=raw.locator)


# ---------------------------------------------------------------- entry point


@dataclass(frozen=True, slots=True)
class _Draft:
    """The normalized text with its typed regions, and what the container or page declared."""

    text: str
    body: list[_Block]
    segments: list[Segment]
    found: _Found
    title: str | None
    title_source: TitleSource
    extra: tuple[tuple[str, Any], ...] = ()
    html_date: str | None = None
    html_date_method: str | None = None
    html_authors: tuple[str, ...] = ()
    sitename: str | None = None


def _too_long(raw: RawDoc, n_chars: int, options: IngestOptions) -> NewsdeskError:
    limit = options.max_article_chars
    return _fail(raw, f"text is {n_chars:,} characters, longer than max_article_chars={limit:,}")


def _draft_html(raw: RawDoc, declared_title: str | None, options: IngestOptions) -> _Draft:
    """Main text and metadata from markup; text = title + blank line + paragraphs."""
    if len(raw.content) > 40 * options.max_article_chars:  # bound extraction work on absurd pages
        raise _fail(raw, f"HTML is {len(raw.content):,} characters, far beyond max_article_chars")
    from .ingest.html import MAX_HTML_TAGS, count_tags, extract_html  # trafilatura, lxml load for markup

    n_tags = count_tags(raw.content)
    if n_tags > MAX_HTML_TAGS:  # extraction work grows with the tags: refused before it starts
        raise _fail(raw, f"HTML has {n_tags:,} tags, more than {MAX_HTML_TAGS:,}; not extracted")

    ex = extract_html(raw.content, raw.url)
    title = declared_title or (_squash(normalize_text(ex.title)) if ex.title else None)
    paragraphs = [p for p in (normalize_text(p) for p in ex.paragraphs) if p]
    if title and paragraphs and _same_title(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    body_text = "\n\n".join(paragraphs)
    text = f"{title}\n\n{body_text}" if title else body_text
    if len(text) > options.max_article_chars:
        raise _too_long(raw, len(text), options)
    body, segments, found = _classify(
        text, _line_blocks(text, 0, len(text)), header=False, title_known=bool(title), guess_title=False
    )
    title_source: TitleSource = _DECLARED.get(raw.fmt, "html-meta") if declared_title else "html-meta"
    return _Draft(
        text,
        body,
        segments,
        found,
        title,
        title_source if title else "absent",
        extra=(("extraction", ex.method),),
        html_date=ex.date,
        html_date_method=ex.date_method,
        html_authors=ex.authors,
        sitename=ex.sitename,
    )


def _draft_text(raw: RawDoc, declared_title: str | None, options: IngestOptions) -> _Draft:
    """Plain text (crawler export, JSONL text, feed summary): header, title, bylines, boilerplate."""
    content = normalize_text(raw.content)
    if len(content) > options.max_article_chars:
        raise _too_long(raw, len(content), options)
    text = content
    if declared_title:
        first = _line_blocks(content, 0, len(content))
        if not (first and _same_title(_seg(content, first[0]), declared_title)):
            text = f"{declared_title}\n\n{content}"
    if len(text) > options.max_article_chars:
        raise _too_long(raw, len(text), options)
    extra: tuple[tuple[str, Any], ...] = ()
    deletions = _deletions(raw.content, content)
    if deletions is not None:
        # Lets input offsets (benchmark gold spans, citations) be mapped onto `text`: text_offset().
        extra = (("content_offset", len(text) - len(content)),)
        if deletions:
            extra += (("content_deletions", deletions),)
    body, segments, found = _classify(
        text,
        _line_blocks(text, 0, len(text)),
        header=True,
        title_known=bool(declared_title),
        guess_title=not declared_title,
    )
    if declared_title:
        return _Draft(text, body, segments, found, declared_title, _DECLARED.get(raw.fmt, "html-meta"), extra)
    title_source: TitleSource = "first-line" if found.title else "absent"
    return _Draft(text, body, segments, found, found.title, title_source, extra)


CLEAN_VERSION = "1"  # bump when clean() output changes for the same input (invalidates the source cache)


def clean(raw: RawDoc, options: IngestOptions) -> Article:
    """Normalized, typed, attributed article; NewsdeskError(stage='clean') when unusable."""
    declared_title = _squash(normalize_text(raw.title)) if raw.title and raw.title.strip() else None
    draft = (_draft_html if raw.content_is_html else _draft_text)(raw, declared_title, options)
    text, body, found = draft.text, draft.body, draft.found
    if not body:
        raise _fail(raw, "empty after cleaning (no body text)")
    body_chars = sum(b.end - b.start for b in body)
    if body_chars < options.min_article_chars:
        limit = options.min_article_chars
        raise _fail(
            raw, f"body is {body_chars} characters after cleaning, shorter than min_article_chars={limit}"
        )

    published, published_source, published_reason = _published(
        raw, _DECLARED.get(raw.fmt, "html-meta"), draft.html_date, draft.html_date_method, found
    )

    source, source_origin = None, None
    for value, origin in (
        (raw.source, raw.fmt),
        (draft.sitename, "html-meta"),
        (found.dateline_source, "dateline"),
        (found.originally, "originally-appeared"),
    ):
        if value and value.strip():
            source, source_origin = value.strip(), origin
            break
    extra: list[tuple[str, Any]] = [("encoding", raw.encoding), *draft.extra]
    if found.originally and source_origin != "originally-appeared":
        extra.append(("originally_appeared", found.originally))
    if found.dateline_source and source_origin != "dateline":
        extra.append(("dateline_source", found.dateline_source))  # whose copy this is: the wire's credit
    if found.dateline_place:
        extra.append(("dateline_place", found.dateline_place))
    if found.header_status:
        extra.append(("crawl_status", found.header_status))
    authors = tuple(dict.fromkeys(a for a in (raw.authors or draft.html_authors or found.authors) if a))
    bio_name = _bio_name(text, draft.segments)
    if bio_name and bio_name not in authors:
        extra.append(("author_bio_name", bio_name))  # named in a bio only: a hint, not a byline
    language, how = detect_language("\n".join(text[b.start : b.end] for b in body))
    extra.append(("language_method", how))
    extra.extend(raw.extra)

    return Article(
        id=Article.make_id(text, raw.url, source, draft.title, published),
        path=raw.path,
        fmt=raw.fmt,
        text=text,
        title=draft.title,
        title_source=draft.title_source,
        published=published,
        published_source=published_source,
        published_reason=published_reason,
        url=raw.url,
        source=source,
        source_origin=source_origin,
        authors=authors,
        language=language,
        locator=raw.locator,
        body_span=(body[0].start, body[-1].end),
        segments=tuple(draft.segments),
        body_segments=tuple((b.start, b.end) for b in body),
        word_count=sum(len(text[b.start : b.end].split()) for b in body),
        extra=tuple(extra),
    )
