"""Drop-ins for the model's `attribute_ruler` and `lemmatizer` that give the same tokens in a fraction of the time.

The stock component runs spaCy's Matcher over every token for all of its
rules (the tag map and the exceptions: ~180 rules), about 13% of the whole
parse. All of the model's rules are fixed-length patterns over TAG, LOWER,
DEP and IS_SPACE (equality, IN/NOT_IN, one REGEX), so each is tried here only
at the positions of its rarest anchor value in the doc; a pattern of any other
kind would still go through a Matcher. Matches are applied exactly as the
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

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.tokens import Doc

_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_STRING_COLUMNS = {"TAG", "LOWER", "DEP"}


class _Regex:
    """A REGEX test on a string column, its answers remembered per string hash."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)
        self.memo: dict[int, bool] = {}

    def __call__(self, value: int, strings: Any) -> bool:
        hit = self.memo.get(value)
        if hit is None:
            hit = self.memo[value] = self.regex.search(strings[value]) is not None
            if len(self.memo) > 100_000:
                self.memo.clear()
        return hit


# one token test: (column, kind, value); kinds "eq" (a hash), "in"/"not_in" (hash sets), "regex", "flag"
_Test = tuple[int, str, Any]
# one pattern: (rule id, width, anchor offset, anchor test or None, the other tests by offset)
_Pattern = tuple[int, int, int, _Test | None, list[tuple[int, list[_Test]]]]


def _compile_token(spec: dict[str, Any], strings: Any) -> list[_Test] | None:
    """The tests of one pattern token, or None when it needs the Matcher (an operator, another attribute)."""
    tests: list[_Test] = []
    for attr, value in spec.items():
        col = _COLUMNS.get(attr)
        if col is None:
            return None
        if attr == "IS_SPACE" and isinstance(value, bool):
            tests.append((col, "flag", int(value)))
        elif attr in _STRING_COLUMNS and isinstance(value, str):
            tests.append((col, "eq", strings.add(value)))
        elif attr in _STRING_COLUMNS and isinstance(value, dict) and len(value) == 1:
            ((op, arg),) = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                tests.append((col, op.lower(), frozenset(strings.add(v) for v in arg)))
            elif op == "REGEX" and isinstance(arg, str):
                tests.append((col, "regex", _Regex(arg)))
            else:
                return None
        else:
            return None
    return tests


_ANCHOR_PREFERENCE = [  # rarest first: a word, a dependency, a tag; sets; a flag; a regex
    (_COLUMNS["LOWER"], "eq"),
    (_COLUMNS["DEP"], "eq"),
    (_COLUMNS["TAG"], "eq"),
    (_COLUMNS["LOWER"], "in"),
    (_COLUMNS["TAG"], "in"),
    (_COLUMNS["DEP"], "in"),
    (_COLUMNS["IS_SPACE"], "flag"),
    (_COLUMNS["LOWER"], "regex"),
]


def _anchor(tokens: list[list[_Test]]) -> tuple[int, _Test] | None:
    """(token offset, test) whose matching values in a doc are the only places the pattern can
    start from; None when every position must be tried."""
    for col, kind in _ANCHOR_PREFERENCE:
        for offset, tests in enumerate(tokens):
            for test in tests:
                if test[0] == col and test[1] == kind and (kind != "flag" or test[2]):
                    return offset, test
    return None


def _passes(tests: list[_Test], row: int, columns: list[list[int]], strings: Any) -> bool:
    for col, kind, value in tests:
        v = columns[col][row]
        if kind == "eq":
            ok = v == value
        elif kind == "flag":
            ok = (v != 0) == bool(value)
        elif kind == "in":
            ok = v in value
        elif kind == "not_in":
            ok = v not in value
        else:
            ok = value(v, strings)
        if not ok:
            return False
    return True


class FastAttributeRuler:
    """Callable pipeline component built from a loaded `AttributeRuler` (its rules, not a copy of ours).

    A fixed-length pattern over TAG, LOWER, DEP and IS_SPACE (all of the model's) is tried only
    where its anchor value occurs in the doc; anything else goes through a Matcher.
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        # (rule id, width, anchor offset, anchor test or None, the other tests as (offset, tests))
        self.patterns: list[_Pattern] = []
        self.rest = Matcher(ruler.vocab)
        self.uses_dep = False
        for rule_id in range(len(ruler.attrs)):
            _, patterns = ruler.matcher.get(str(rule_id))
            for pattern in patterns:
                self.uses_dep = self.uses_dep or any("DEP" in tok for tok in pattern)
                compiled = [_compile_token(tok, strings) for tok in pattern]
                tokens = [c for c in compiled if c is not None]
                if not compiled or len(tokens) != len(compiled):
                    self.rest.add(str(rule_id), [pattern])
                    continue
                anchor = _anchor(tokens)
                offset, test = anchor if anchor else (0, None)
                others = [(k, [t for t in tests if t is not test]) for k, tests in enumerate(tokens)]
                self.patterns.append((rule_id, len(tokens), offset, test, [o for o in others if o[1]]))
        # Patterns by their anchor's value, a dict per column: a doc's distinct values find the
        # patterns to try there (a paragraph has a few dozen; there are ~180 patterns). Those
        # anchored on a regex or on nothing are tried on every doc.
        self.by_value: list[dict[int, list[_Pattern]]] = [{} for _ in _COLUMNS]
        self.scanned: list[_Pattern] = []
        for pattern in self.patterns:
            anchor = pattern[3]
            if anchor is None or anchor[1] == "regex":
                self.scanned.append(pattern)
                continue
            col, kind, value = anchor
            for v in value if kind == "in" else (value,):
                self.by_value[col].setdefault(v, []).append(pattern)

    def __call__(self, doc: Doc) -> Doc:
        if self.uses_dep and not doc.has_annotation("DEP"):
            return self.ruler(doc)  # the Matcher's allow_missing semantics: leave it to the original
        n = len(doc)
        if not n:
            return doc
        columns = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).T.tolist()
        positions: list[dict[int, list[int]]] = []
        for column in columns:
            where: dict[int, list[int]] = {}
            for i, v in enumerate(column):
                where.setdefault(v, []).append(i)
            positions.append(where)
        strings = doc.vocab.strings
        found: set[tuple[int, int, int]] = set()  # (rule, start, end) as the Matcher reports them

        def attempt(pattern: _Pattern, at: Iterable[int]) -> None:
            rule_id, width, offset, _, others = pattern
            for i in at:
                start = i - offset
                if 0 <= start <= n - width and all(
                    _passes(tests, start + k, columns, strings) for k, tests in others
                ):
                    found.add((rule_id, start, start + width))

        for index, where in zip(self.by_value, positions, strict=True):
            for v, rows in where.items():
                for pattern in index.get(v, ()):
                    attempt(pattern, rows)
        for pattern in self.scanned:
            anchor = pattern[3]
            if anchor is None:
                attempt(pattern, range(n))
            else:  # regex: each distinct string once
                _, _, test = anchor
                attempt(
                    pattern, [i for v, rows in positions[anchor[0]].items() if test(v, strings) for i in rows]
                )
        if len(self.rest):
            for match_id, start, end in self.rest(doc, allow_missing=True):
                found.add((int(doc.vocab.strings[match_id]), start, end))
        indices, attrs = self.ruler.indices, self.ruler.attrs
        for rule_id, start, end in sorted(found):
            index = indices[rule_id]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"[nlp] attribute rule {rule_id}: index {index} outside its match")
            set_token_attrs(doc[target], attrs[rule_id])
        return doc


class FastLemmatizer:
    """Callable pipeline component wrapping a loaded rule `Lemmatizer` (same lemmas, memoized per key)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma hash
        # The rule lemmatizer only asks `form in index`, and the model ships each part of speech's
        # index as a list of ~10k words: a set answers the same in constant time (was ~140 us a new word).
        if lemmatizer.lookups.has_table("lemma_index"):
            index = lemmatizer.lookups.get_table("lemma_index")
            for pos in list(index.keys()):
                if isinstance(index[pos], list):
                    index[pos] = frozenset(index[pos])

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
