"""Quote extraction on invented news sentences: one case per attribution pattern."""

from __future__ import annotations

import pytest

from newsdesk.nlp.quotes import extract_quotes, find_quote_marks
from newsdesk.records import Quote


def _quotes(nlp, text: str) -> tuple[Quote, ...]:
    quotes = extract_quotes(nlp(text))
    for q in quotes:  # every span indexes the text it came from
        assert 0 <= q.start < q.end <= len(text)
        for a, b in q.fragments:
            assert q.start <= a < b <= q.end
        if q.sentence:
            assert q.sentence[0] <= q.start and q.end <= q.sentence[1]
    return quotes


def _one(quotes: tuple[Quote, ...], needle: str) -> Quote:
    hits = [q for q in quotes if needle in q.text]
    assert len(hits) == 1, [q.text for q in quotes]
    return hits[0]


def _span(text: str, span: tuple[int, int] | None) -> str | None:
    return text[span[0] : span[1]] if span else None


INTRO = "Mayor Elena Ruiz opened the new bridge over the Tamsin River on Monday.\n\n"

# (id, text, needle in the quote, "direct|speaker|speaker mention|antecedent mention (or empty)|cue")
CASES = [
    (
        "straight-after",
        INTRO + '"This bridge will cut the commute in half for thousands of families," Ruiz said.',
        "cut the commute",
        "direct|Elena Ruiz|Ruiz|Elena Ruiz|said",
    ),
    (
        "curly-inverted",
        INTRO + "“We waited eleven years for this crossing to open,” said Ruiz.",
        "eleven years",
        "direct|Elena Ruiz|Ruiz|Elena Ruiz|said",
    ),
    (
        "pronoun-he",
        "Transport minister Tomas Brandt visited the depot in Lanford.\n\n"
        "“The new trains will run every ten minutes from March,” he said.",
        "every ten minutes",
        "direct|Tomas Brandt|he|Tomas Brandt|said",
    ),
    (
        "colon-before",
        INTRO + 'Ruiz said: "The toll will stay at two dollars for at least five years."',
        "two dollars",
        "direct|Elena Ruiz|Ruiz|Elena Ruiz|said",
    ),
    (
        "speaker-at-end-multi-sentence",
        INTRO + "“The old ferry could carry forty cars. The bridge carries four thousand an hour. "
        "That changes everything for the valley,” said Elena Ruiz.",
        "old ferry",
        "direct|Elena Ruiz|Elena Ruiz||said",
    ),
    (
        "single-quotes",
        INTRO + "'We will not raise the toll before the next election,' Ruiz told reporters.",
        "raise the toll",
        "direct|Elena Ruiz|Ruiz|Elena Ruiz|told",
    ),
    (
        "description-president",
        "U.S. President Donald Trump met South Korean President Lee Jae-myung at the White House.\n\n"
        "“We are going to do a tremendous amount of business together,” the US president said.",
        "tremendous amount",
        "direct|Donald Trump|the US president|Donald Trump|said",
    ),
    (
        "description-spokesperson",
        "South Korean presidential spokesperson Kang Yoo-jung briefed reporters in Seoul.\n\n"
        "“The two leaders agreed to meet again before the end of the year,” the spokesperson added.",
        "meet again",
        "direct|Kang Yoo-jung|the spokesperson|Kang Yoo-jung|added",
    ),
    (
        "fullest-name",
        "Donald Trump arrived in Osaka late on Thursday.\n\n"
        "“It is a great honor to be back in Japan,” Trump said.",
        "great honor",
        "direct|Donald Trump|Trump|Donald Trump|said",
    ),
    (
        "indirect-that",
        INTRO + "Ruiz said that the city would build a second crossing by 2030.",
        "second crossing",
        "indirect|Elena Ruiz|Ruiz|Elena Ruiz|said",
    ),
    (
        "indirect-no-that",
        "Donald Trump spoke at the summit.\n\nTrump said he would like to meet Kim this year.",
        "meet Kim this year",
        "indirect|Donald Trump|Trump|Donald Trump|said",
    ),
    (
        "according-to",
        INTRO + "The bridge cost 340 million dollars, according to Ruiz.",
        "340 million dollars",
        "indirect|Elena Ruiz|Ruiz|Elena Ruiz|according to",
    ),
]


@pytest.mark.parametrize(("text", "needle", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_attribution_patterns(nlp, text: str, needle: str, expected: str) -> None:
    direct, speaker, mention, antecedent, cue = expected.split("|")
    q = _one(_quotes(nlp, text), needle)
    assert q.direct is (direct == "direct")
    assert q.speaker == speaker
    assert _span(text, q.speaker_span) == mention
    assert _span(text, q.antecedent_span) == (antecedent or None)
    assert q.cue == cue
    assert q.reason is None


def test_split_quote_is_one_quote(nlp) -> None:
    text = INTRO + "“The bridge is finished,” Ruiz said, “and the ferry will keep running on weekends.”"
    quotes = _quotes(nlp, text)
    q = _one(quotes, "bridge is finished")
    assert q.text == "The bridge is finished and the ferry will keep running on weekends."
    assert len(q.fragments) == 2
    assert text[q.start : q.end].startswith("The bridge is finished")
    assert text[q.start : q.end].endswith("weekends.")
    assert q.speaker == "Elena Ruiz" and q.cue == "said"
    assert _span(text, q.cue_span) == "said"
    assert not any("ferry" in other.text for other in quotes if other is not q)


def test_quote_after_cue_sentence_joins_statement(nlp) -> None:
    text = INTRO + "“The bridge is finished,” Ruiz said. “The ferry will keep running on weekends.”"
    q = _one(_quotes(nlp, text), "bridge is finished")
    assert "ferry" in q.text and q.speaker == "Elena Ruiz"


def test_unresolvable_pronoun_stays_none(nlp) -> None:
    text = "“We will appeal the ruling as soon as the court reopens,” she said."
    q = _one(_quotes(nlp, text), "appeal the ruling")
    assert q.speaker is None
    assert q.reason is not None and q.reason.startswith("unresolved_speaker:")
    assert _span(text, q.speaker_span) == "she"
    assert q.antecedent_span is None


def test_unnamed_source_is_not_guessed(nlp) -> None:
    text = INTRO + "“The cables were never tested under full load,” an engineer on the project said."
    q = _one(_quotes(nlp, text), "cables were never tested")
    assert q.speaker is None
    assert q.reason is not None and q.reason.startswith("unresolved_speaker:")


def test_paragraph_spanning_quote(nlp) -> None:
    text = (
        INTRO + "Ruiz said: “The first stage is done. The second stage starts in spring.\n\n"
        "“After that we will look at the rail link.”\n\nThe council meets on Friday."
    )
    q = _one(_quotes(nlp, text), "first stage")
    assert "rail link" in q.text and q.direct and q.speaker == "Elena Ruiz"
    assert "council meets" not in q.text


def test_scare_quotes_are_not_quotes(nlp) -> None:
    text = INTRO + "The plan gives the city a “leading role” in the regional transit board."
    assert not [q for q in _quotes(nlp, text) if "leading role" in q.text and q.direct]


def test_apostrophes_are_not_quote_marks(nlp) -> None:
    text = (
        INTRO + "The Ruizes' house is near the river, and it's the mayor's favourite walk in the '90s park."
    )
    assert find_quote_marks(text) == []


def test_speaker_pronoun_prefers_subject_antecedent(nlp) -> None:
    text = (
        "Governor Nadia Petrov criticised Senator Oliver Grant on Tuesday.\n\n"
        "“This budget leaves rural schools behind,” she said."
    )
    q = _one(_quotes(nlp, text), "rural schools")
    assert q.speaker == "Nadia Petrov"


def test_empty_doc(nlp) -> None:
    assert extract_quotes(nlp("")) == ()
    assert extract_quotes(nlp("   \n  ")) == ()


def test_offsets_survive_blanked_regions(nlp) -> None:
    """The pipeline blanks non-body text to spaces; spans must still index the original text."""
    body = "“The tunnel will open in June,” said Elena Ruiz."
    text = " " * 40 + "\n\n" + body
    q = _one(_quotes(nlp, text), "tunnel")
    assert text[q.start : q.end] == "The tunnel will open in June,"
    assert q.speaker == "Elena Ruiz"
