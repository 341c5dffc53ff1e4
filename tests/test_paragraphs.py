"""Paragraph-wise parsing: the tokens of the whole, the same parse with or without kept
paragraphs, and chunks of work that keep articles sharing a paragraph together."""

from __future__ import annotations

import pytest

from newsdesk.nlp import paragraphs
from newsdesk.nlp.doctext import doc_text
from newsdesk.nlp.paragraphs import ParseCache, pieces, plan_chunks

TEXTS = [
    "",
    "\n",
    "One line only.",
    "Mayor Ana Ruiz said on Monday that the bridge would reopen.\nIt closed in March.",
    'A  \n\n  "We will rebuild," Ruiz said.\n\nThe council met twice.\n',
    "Windows breaks\r\nare breaks too.\r\n",
    "   \n   Starts after blanks (a blanked title).\nTail without a newline",
    "Trailing blank lines.\n\n\n",
    "Tabs\t\n\tand a form feed\x0c\nbetween paragraphs.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_pieces_join_back_and_cut_only_before_words(text: str) -> None:
    parts = pieces(text)
    assert "".join(parts) == text
    for part in parts[1:]:
        assert part[:1] and not part[:1].isspace()


def test_hard_wrapped_lines_stay_in_one_paragraph() -> None:
    text = "The minister said the budget would\nrise by 4 percent next year.\nA new paragraph.\n\nHeading\n\nBody."
    assert pieces(text) == [
        "The minister said the budget would\nrise by 4 percent next year.\n",
        "A new paragraph.\n\n",
        "Heading\n\n",
        "Body.",
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_joined_doc_has_the_tokens_of_the_whole_text(nlp, text: str) -> None:
    (doc,) = paragraphs.parse(nlp, [text])
    whole = nlp.tokenizer(text)
    assert doc.text == text and doc_text(doc) == text
    assert [t.text_with_ws for t in doc] == [t.text_with_ws for t in whole]


def test_seed_articles_keep_their_tokens(nlp, seeds_dir) -> None:
    from newsdesk.nlp.pipeline import analysis_text
    from newsdesk.options import Options
    from newsdesk.pipeline import RunState, read_articles

    state = RunState()
    read_articles([seeds_dir], Options(), state)
    texts = [analysis_text(a) for a in state.articles.values()]
    assert texts
    for text, doc in zip(texts, paragraphs.parse(nlp, texts), strict=True):
        assert [t.text_with_ws for t in doc] == [t.text_with_ws for t in nlp.tokenizer(text)]
        assert all(doc[i].is_sent_start for i in range(1, len(doc)) if doc[i - 1].text.count("\n") > 1)


def _signature(doc) -> list[tuple]:
    return [
        (
            t.text,
            t.dep_,
            t.head.i,
            t.tag_,
            t.pos_,
            str(t.morph),
            t.lemma_,
            t.ent_iob_,
            t.ent_type_,
            t.is_sent_start,
        )
        for t in doc
    ]


def test_kept_paragraphs_give_the_same_docs_as_parsing_again(nlp) -> None:
    original = (
        "Rescuers pulled 14 people from the collapsed hotel in Bergen on Tuesday, police said.\n"
        'Fire chief Maria Holt told reporters: "We are still searching the east wing."\n'
        "The hotel opened in 1998 and had 120 rooms."
    )
    lines = original.split("\n")
    copy = "\n".join([lines[1], lines[0], lines[2]])  # a syndicated copy with two paragraphs moved
    fresh = [_signature(d) for d in paragraphs.parse(nlp, [original, copy], cache=ParseCache(0))]
    cache = ParseCache()
    first = [_signature(d) for d in paragraphs.parse(nlp, [original], cache=cache)]
    again = [_signature(d) for d in paragraphs.parse(nlp, [copy], cache=cache)]
    assert first + again == fresh
    assert cache.hits >= 2  # the copy's two unchanged paragraphs came from the cache


def test_each_paragraph_starts_a_sentence_and_keeps_its_opening_name(nlp) -> None:
    text = "The court sat for three days.\nLund, 41, was also found guilty of fraud."
    (doc,) = paragraphs.parse(nlp, [text])
    second = text.index("Lund")
    assert any(s.start_char == second for s in doc.sents)
    assert any(e.text == "Lund" and e.label_ == "PERSON" for e in doc.ents)


def test_joined_docs_are_copies(nlp) -> None:
    cache = ParseCache()
    text = "Police said 3 people were hurt.\nThe road reopened at noon."
    (a,) = paragraphs.parse(nlp, [text], cache=cache)
    a.user_data["mark"] = 1
    a[0].lemma_ = "changed"
    (b,) = paragraphs.parse(nlp, [text], cache=cache)
    assert "mark" not in b.user_data and b[0].lemma_ != "changed"


def test_cache_keeps_within_its_token_budget() -> None:
    import numpy as np

    cache = ParseCache(10)
    for i in range(5):
        cache.put(f"p{i}", paragraphs.Parsed(("w",) * 4, (False,) * 4, np.zeros((4, 1), dtype=np.uint64)))
    assert cache.tokens <= 10 and len(cache) == 2
    assert cache.get("p0") is None and cache.get("p4") is not None
    cache.resize(0)
    assert len(cache) == 0 and cache.tokens == 0


def test_plan_keeps_articles_sharing_a_paragraph_in_one_chunk() -> None:
    shared = "A paragraph long enough to tie two articles together in one chunk.\n"
    texts = [
        f"Article {i} opens with its own words.\n" + ("A short one.\n" if i % 2 else "") for i in range(10)
    ]
    texts[1] += shared
    texts[8] += shared  # a copy far from its original
    plan = plan_chunks(texts, 4)
    assert sorted(i for chunk in plan for i in chunk) == list(range(10))
    assert all(len(chunk) <= 4 for chunk in plan)
    assert any({1, 8} <= set(chunk) for chunk in plan)
    # without shared paragraphs: input order, cut every `size`
    assert plan_chunks(texts[:3], 2) == [[0, 1], [2]]


def test_plan_splits_a_group_larger_than_a_chunk() -> None:
    shared = "The same wire paragraph runs in every one of these outlets today.\n"
    plan = plan_chunks([f"Outlet {i}.\n" + shared for i in range(7)], 3)
    assert [len(chunk) for chunk in plan] == [3, 3, 1]
    assert [i for chunk in plan for i in chunk] == list(range(7))


def test_cuts_keep_the_tokens_of_random_texts(nlp) -> None:
    """Whitespace of every kind around line breaks, punctuation, quotes: the pieces' tokens are
    the whole text's (spaCy's tokenizer alone, so thousands of texts are cheap)."""
    import random

    rng = random.Random(23)
    alphabet = ["word", "Name", "U.S.", "3.5", "-", '"', "'", "\u201c", ".", ",", "!", "?", ":", ")"]
    spaces = [" ", "  ", "\n", "\n\n", " \n", "\n ", "\t", "\u00a0", "\u2028", "\x0b", "\n\u3000", "\r\n"]
    for _ in range(3000):
        text = "".join(
            rng.choice(alphabet if rng.random() < 0.6 else spaces) for _ in range(rng.randrange(1, 30))
        )
        parts = pieces(text)
        assert "".join(parts) == text
        joined = [t.text_with_ws for part in parts for t in nlp.tokenizer(part)]
        assert joined == [t.text_with_ws for t in nlp.tokenizer(text)], (text, parts)
        for part in parts:  # after the lead, a piece keeps its own tokens
            if not part[:1].isspace():
                led = [t.text_with_ws for t in nlp.tokenizer(paragraphs.LEAD + part)]
                assert led[2:] == [t.text_with_ws for t in nlp.tokenizer(part)], part


def test_memo_keeps_the_latest_uses_within_its_text_and_sizes_with_the_parse_cache() -> None:
    memo: paragraphs.PieceMemo[str, int] = paragraphs.PieceMemo(8)
    for i in range(3):
        memo.put(f"p{i}:", i)  # three characters each
    assert memo.get("p0:") is None and memo.get("p2:") == 2 and len(memo) == 2
    memo.put("a paragraph longer than the whole budget", 9)
    assert memo.get("a paragraph longer than the whole budget") is None and len(memo) == 2
    keyed: paragraphs.PieceMemo[tuple[int, str, bytes], int] = paragraphs.PieceMemo(10)
    keyed.put((1, "abcd", b"\x01\x00"), 1)  # six characters: the number does not count
    assert keyed.used == 6
    try:
        paragraphs.resize_memos(0)  # no kept parses: no kept findings either
        assert len(memo) == 0 and not memo.on
        memo.put("p9", 9)
        assert memo.get("p9") is None
    finally:
        paragraphs.resize_memos(paragraphs.DEFAULT_TOKEN_BUDGET)
    assert memo.budget == paragraphs.DEFAULT_TOKEN_BUDGET * paragraphs.CHARS_PER_TOKEN


def test_docs_note_their_paragraphs_and_the_pipeline(nlp) -> None:
    text = "Police said 3 people were hurt.\nThe road reopened at noon."
    (doc,) = paragraphs.parse(nlp, [text])
    serial, parts = paragraphs.doc_pieces(doc)
    assert [p for p, _ in parts] == pieces(text) and sum(n for _, n in parts) == len(doc)
    assert serial == paragraphs.doc_pieces(next(paragraphs.parse(nlp, ["Another one."])))[0]
    assert paragraphs.doc_pieces(nlp(text)) is None  # parsed whole: nothing to key findings by


_STORY = [
    "Rescuers pulled 14 people from the collapsed hotel in Bergen on Tuesday, police said.",
    "Fire chief Maria Holt told reporters that the east wing was still being searched.",
    "Adding that the search would go on overnight, she thanked the volunteers.",
    "According to the mayor, the hotel opened in 1998 and had 120 rooms.",
    "Holt said the cause of the collapse was not yet known, and warned against speculation.",
]


def test_findings_kept_per_paragraph_are_the_findings_read_afresh(nlp) -> None:
    """A copy with its paragraphs moved, read after its original (the quote and time-expression
    memos full of the original's paragraphs), gives what it gives read with empty memos."""
    from newsdesk.nlp import quotes, timex
    from newsdesk.nlp.pipeline import parse_texts

    original = "\n".join(_STORY)
    copy = "\n".join([_STORY[1], _STORY[0], _STORY[3], _STORY[2], _STORY[4]])

    def read(texts: list[str], cache_tokens: int) -> list[tuple]:
        docs = list(parse_texts(nlp, texts, cache_tokens=cache_tokens))
        return [(quotes.extract_quotes(d), timex.extract_timexes(d.text, "2024-03-05", doc=d)) for d in docs]

    try:
        afresh = read([copy], 0)  # memos sized 0: every paragraph read
        assert len(quotes._OPENINGS) == 0
        kept = read([original, copy], 1_000_000)[1]
        assert len(quotes._OPENINGS) and len(timex._SCANS)
        assert read([copy], 1_000_000)[0] == kept  # read again: every paragraph from the memos
    finally:
        parse_texts(nlp, [], cache_tokens=1_000_000)
    assert kept == afresh[0]
    assert kept[0] and kept[1]  # the story has statements and time expressions to compare
