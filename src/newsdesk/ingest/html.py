"""HTML pages: one article per file; extraction happens in clean (trafilatura)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from configparser import ConfigParser
from dataclasses import dataclass

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.settings import use_config

from ..records import ProcessingError, RawDoc
from .sources import Decoded, decode, split_authors

# Characters XML (and so lxml) refuses in any string: lxml raised "All strings must be XML
# compatible" when it joined a text holding one, and the page was lost (issue 21, defect 8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Element work of the extractors grows with the number of tags (trafilatura: about 75 us a tag,
# 52 s for a 4 MB page of 500k <p>). clean refuses a page with more opening tags than this
# before trafilatura, htmldate or lxml see it; real pages have under 20,000.
MAX_HTML_TAGS = 50_000
# trafilatura's author clean-up patterns backtrack quadratically on long <meta> values (a
# 22,000-character meta author took 3.7 s; 1 MB would take hours). Longer meta content values
# are emptied before trafilatura and htmldate see the page; real ones are under 1,000.
MAX_META_CHARS = 2_000
_META_CONTENT = re.compile(r"""<meta\b[^<>]{0,1000}?\bcontent\s*=\s*(["'])""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(data: bytes, declared: str | None = None) -> Decoded:
    """A byte-order mark, then UTF-8, then the charset the HTTP header or the page declares,
    then sniffing (charset-normalizer)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:8192])
    for name in (declared, m.group(1).decode("ascii") if m else None):
        if not name:
            continue
        try:
            return Decoded(data.decode(name), name.lower())
        except (LookupError, UnicodeDecodeError):
            continue
    return decode(data)


def read_html(path: str, data: bytes) -> Iterator[RawDoc | ProcessingError]:
    """One RawDoc carrying the page's markup."""
    decoded = decode_html(data)
    yield RawDoc(path=path, fmt="html", content=decoded.text, content_is_html=True, encoding=decoded.encoding)


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """Main text and metadata of a page, and how they were obtained."""

    title: str | None
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]
    sitename: str | None
    date: str | None  # YYYY-MM-DD as found in the page's metadata
    date_method: str | None  # "trafilatura" | "htmldate"
    method: str  # "trafilatura" | "lxml-fallback: <why>" | "lxml (HTML fragment)"


_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg")
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td")
_FRAGMENT = re.compile(r"<(html|body|head)\b", re.IGNORECASE)


def _config() -> ConfigParser:
    cfg = use_config()
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based timeouts break in worker threads
    cfg.set("DEFAULT", "MIN_EXTRACTED_SIZE", "60")  # short articles are still articles
    cfg.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # dates in running text are not publication dates
    return cfg


def _lines(text: str) -> tuple[str, ...]:
    """Paragraph lines; trafilatura's table rows lose their edge pipes ("| a | b |" -> "a | b")."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return tuple(t for t in (re.sub(r"^\|\s*|\s*\|$", "", line) for line in lines) if t)


def count_tags(html: str) -> int:
    """Opening tags (and comments, doctypes) of a page, roughly and fast: '<' not followed by '/'."""
    return html.count("<") - html.count("</")


def xml_safe(html: str) -> str:
    """The markup without the characters lxml cannot hold (C0 controls, lone surrogates, U+FFFE/F)."""
    return _NOT_XML.sub("", html) if _NOT_XML.search(html) else html


def cap_meta(html: str) -> str:
    """The page with every <meta content="..."> value longer than MAX_META_CHARS emptied.

    Linear: each value's closing quote is looked for within the limit only, and past a long
    value the scan goes on after it.
    """
    pieces: list[str] = []
    last = 0
    for m in _META_CONTENT.finditer(html):
        start = m.end()
        if start < last:
            continue
        quote = m.group(1)
        if html.find(quote, start, start + MAX_META_CHARS + 1) >= 0:
            continue
        end = html.find(quote, start)
        end = len(html) if end < 0 else end
        pieces.append(html[last:start])
        last = end
    if not pieces:
        return html
    pieces.append(html[last:])
    return "".join(pieces)


def _lxml_dump(html: str) -> tuple[str | None, tuple[str, ...]]:
    """A readable text dump when no main-text extractor applies: title and block texts."""
    try:
        return _lxml_blocks(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, ()


def _lxml_blocks(html: str) -> tuple[str | None, tuple[str, ...]]:
    root = lxml.html.fromstring(html)
    title_el = root.find(".//title")
    h1 = root.find(".//h1")
    title = None
    for el in (h1, title_el):
        if el is not None and el.text_content().strip():
            title = " ".join(el.text_content().split())
            break
    for bad in root.xpath("//" + " | //".join(_DROP_TAGS) + " | //title | //h1"):
        bad.drop_tree()
    blocks = [" ".join(el.text_content().split()) for el in root.iter(*_BLOCK_TAGS)]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = list(_lines(root.text_content()))
    return title, tuple(blocks)


def extract_html(html: str, url: str | None = None) -> HtmlExtract:
    """Main text via trafilatura (precision, no comments); lxml dump when it finds nothing."""
    html = xml_safe(html)
    if not _FRAGMENT.search(html[:4096]):
        title, paragraphs = _lxml_dump(f"<html><body>{html}</body></html>")
        return HtmlExtract(title, paragraphs, (), None, None, None, "lxml (HTML fragment)")
    html = cap_meta(html)
    doc = None
    why = "trafilatura found no main text"
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            config=_config(),
        )
    except Exception as exc:  # trafilatura can fail on pathological markup; fall back below
        why = f"trafilatura failed: {type(exc).__name__}"
    date = getattr(doc, "date", None) if doc is not None else None
    date_method = "trafilatura" if date else None
    if not date:
        try:
            date = find_date(
                html, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
            )
        except Exception:  # htmldate is a best-effort fallback
            date = None
        date_method = "htmldate" if date else None
    text = getattr(doc, "text", None) if doc is not None else None
    if doc is not None and text and text.strip():
        title = (doc.title or "").strip() or None
        paragraphs = _lines(text)
        if title and paragraphs and paragraphs[0] == " ".join(title.split()):
            paragraphs = paragraphs[1:]
        return HtmlExtract(
            title,
            paragraphs,
            split_authors(doc.author),
            (doc.sitename or "").strip() or None,
            date,
            date_method,
            "trafilatura",
        )
    title, paragraphs = _lxml_dump(html)
    if doc is not None and (doc.title or "").strip():
        title = doc.title.strip()
    authors = split_authors(doc.author) if doc is not None else ()
    sitename = ((doc.sitename or "").strip() or None) if doc is not None else None
    return HtmlExtract(title, paragraphs, authors, sitename, date, date_method, f"lxml-fallback: {why}")
