"""Drop-ins for the model's `attribute_ruler` and `lemmatizer` that give the same tokens in a fraction of the time.

The stock component runs spaCy's Matcher over every token for all of its
rules (the tag map and the exceptions: ~180 rules), about 13% of the whole
parse. Nearly all rules look at one token's TAG, LOWER, DEP or IS_SPACE, so
they are looked up here by tag instead; the few others (two-token or regex
patterns) still go through a Matcher. Matches are applied exactly as the
stock component applies them: all found first, then in rule order (later
rules win), with spaCy's own `set_token_attrs`. `tests/test_fastruler.py`
checks the equivalence token by token.

The stock rule lemmatizer walks every token in Python through property
accessors and caches only some of its answers; `FastLemmatizer` reads the
token columns once and remembers every answer by (text, POS, morphology), the
whole input of a rule lemma, so it asks the stock one only for new keys
(18 us a word -> under 1 once the memo is warm).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from spacy.attrs import LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.tokens import Doc

_STRING_ATTRS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_"}
_FLAG_ATTRS = {"IS_SPACE": "is_space"}


def _value_test(attr: str, value: Any) -> Callable[[Any], bool] | None:
    """A test for one pattern value, or None when it is not a plain value or an IN list."""
    if attr in _FLAG_ATTRS and isinstance(value, bool):
        return lambda v: v is value
    if attr in _STRING_ATTRS and isinstance(value, str):
        return lambda v: v == value
    if attr in _STRING_ATTRS and isinstance(value, dict) and set(value) == {"IN"}:
        allowed = frozenset(value["IN"])
        return lambda v: v in allowed
    return None


def _single_token_rule(
    pattern: Sequence[dict[str, Any]],
) -> tuple[str | None, str | None, list[tuple[str, Any]]] | None:
    """(the TAG it needs, the LOWER it needs, [(token attribute, test)] for the rest) of a one-token
    pattern we can look up; None for anything else (left to the Matcher)."""
    if len(pattern) != 1:
        return None
    tag: str | None = None
    lower: str | None = None
    tests: list[tuple[str, Any]] = []
    for attr, value in pattern[0].items():
        test = _value_test(attr, value)
        if test is None:
            return None
        if attr == "TAG" and isinstance(value, str):
            tag = value
        elif attr == "LOWER" and isinstance(value, str):
            lower = value
        else:
            tests.append((_STRING_ATTRS.get(attr) or _FLAG_ATTRS[attr], test))
    return tag, lower, tests


class FastAttributeRuler:
    """Callable pipeline component built from a loaded `AttributeRuler` (its rules, not a copy of ours)."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        # (TAG hash or 0, LOWER hash or 0) -> [(rule id, remaining tests)]
        self.rules: dict[tuple[int, int], list[tuple[int, list[tuple[str, Any]]]]] = {}
        self.rest = Matcher(ruler.vocab)
        self.uses_dep = False
        for rule_id in range(len(ruler.attrs)):
            _, patterns = ruler.matcher.get(str(rule_id))
            for pattern in patterns:
                self.uses_dep = self.uses_dep or any("DEP" in tok for tok in pattern)
                simple = _single_token_rule(pattern)
                if simple is None:
                    self.rest.add(str(rule_id), [pattern])
                    continue
                tag, lower, tests = simple
                key = (strings.add(tag) if tag else 0, strings.add(lower) if lower else 0)
                self.rules.setdefault(key, []).append((rule_id, tests))
        self.keyed_by = {(bool(t), bool(lo)) for t, lo in self.rules}

    def __call__(self, doc: Doc) -> Doc:
        if self.uses_dep and not doc.has_annotation("DEP"):
            return self.ruler(doc)  # the Matcher's allow_missing semantics: leave it to the original
        found: set[tuple[int, int, int]] = set()  # (rule, start, end) as the Matcher reports them
        rules, keyed_by = self.rules, self.keyed_by
        for i, (tag, lower) in enumerate(doc.to_array([TAG, LOWER]).tolist()):
            for by_tag, by_lower in keyed_by:
                for rule_id, tests in rules.get((tag if by_tag else 0, lower if by_lower else 0), ()):
                    if tests:
                        tok = doc[i]
                        if not all(test(getattr(tok, attr)) for attr, test in tests):
                            continue
                    found.add((rule_id, i, i + 1))
        for match_id, start, end in self.rest(doc, allow_missing=True):
            found.add((int(doc.vocab.strings[match_id]), start, end))
        indices, attrs = self.ruler.indices, self.ruler.attrs
        for rule_id, start, end in sorted(found):
            index = indices[rule_id]
            at = start + index if index >= 0 else end + index
            if not start <= at < end:
                raise ValueError(f"[nlp] attribute rule {rule_id}: index {index} outside its match")
            set_token_attrs(doc[at], attrs[rule_id])
        return doc


class FastLemmatizer:
    """Callable pipeline component wrapping a loaded rule `Lemmatizer` (same lemmas, memoized per key)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma hash

    def __call__(self, doc: Doc) -> Doc:
        stock = self.lemmatizer
        if stock.mode != "rule" or not len(doc):
            return stock(doc)
        overwrite, memo, strings = stock.overwrite, self.memo, doc.vocab.strings
        columns = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = columns[:, 3].copy()
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(columns.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings.add(stock.lemmatize(doc[i])[0])
                if len(memo) > 500_000:  # a long stream of rare words: start over rather than grow
                    memo.clear()
            lemmas[i] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], lemmas[:, None])
        return doc
