"""Speaker name canonicalization across the articles of a story.

Outlets name the same person differently ("President Trump", "Donald J.
Trump", "Trump"); the quote board and speaker conflicts need one key per
person. Titles and middle initials are dropped, hyphenation and case are
normalized, and a short form joins a full name only when exactly one full
name in the set can own it ("Kim" stays alone next to "Kim Jong Un" and
"Kim Yo-jong").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# Multi-word titles first: the longest match is stripped.
_TITLE_TEXT = """
president|vice president|president-elect|prime minister|deputy prime minister|chancellor|premier|
king|queen|prince|princess|pope|emperor|supreme leader|leader|chairman|chairwoman|chair|ceo|
chief executive|secretary|secretary of state|secretary-general|secretary general|defense secretary|
defence secretary|state secretary|treasury secretary|foreign minister|defense minister|defence minister|
finance minister|unification minister|minister|ambassador|envoy|special envoy|senator|sen.|sen|
representative|rep.|rep|congressman|congresswoman|governor|gov.|gov|mayor|judge|justice|chief justice|
attorney general|mr.|mr|mrs.|mrs|ms.|ms|miss|dr.|dr|prof.|prof|professor|sir|dame|lord|lady|rev.|rev|
reverend|father|sister|gen.|gen|general|lt.|lt|lieutenant|col.|col|colonel|maj.|major|capt.|capt|
captain|sgt.|sgt|sergeant|adm.|adm|admiral|spokesperson|spokesman|spokeswoman|press secretary|adviser|
advisor|national security adviser|national security advisor|director|commissioner|speaker|house speaker|
majority leader|minority leader|first lady|councillor|councilor|councilman|councilwoman|councilmember|
alderman|delegate|del.|former|then|then-|acting|late|presidential|deputy|miss universe|miss usa|universe|
miss america|miss world
"""
# Longest first, so "defense secretary" is stripped before "secretary".
_TITLES = tuple(
    sorted({t.strip() for t in _TITLE_TEXT.replace("\n", "").split("|") if t.strip()}, key=lambda t: -len(t))
)
# Leading place and party adjectives, stripped where a title follows ("U.S. President Donald
# Trump") and kept where they are part of a name ("Korean Air", "Chinese Foreign Ministry").
_PLACE = tuple(
    """u.s.|us|u.s|american|north korean|south korean|korean|chinese|japanese|russian|british|french|german|
ukrainian|israeli|iranian|indian|white house|republican|democratic|gop|state|federal|the""".replace(
        "\n", ""
    ).split("|")
)
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_POSSESSIVE = re.compile(r"['’]s?$")
_INITIAL = re.compile(r"^[A-Z]\.?$")


def _fold(text: str) -> str:
    """NFKC, curly apostrophes to straight, collapsed whitespace."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def canonical_name(name: str) -> str:
    """Display form of a person's name with titles, initials and possessives removed.

    "U.S. President Donald J. Trump's" -> "Donald Trump"; "Sen. Warren" -> "Warren".
    A name that is nothing but a title ("the President") is returned folded, not emptied.
    """
    text = _fold(name)
    text = re.sub(r"\s*[\"“][^\"”]{1,30}[\"”]\s*", " ", text)  # nicknames: Robert "Bobby" Lane
    text = text.strip(" ,;:-\"'")
    text = _POSSESSIVE.sub("", text) if re.search(r"\w['’]s?$", text) else text
    changed = True
    while changed:
        changed = False
        low = text.lower()
        for prefix in (*_PLACE, *_TITLES):
            if low.startswith(prefix + " ") and len(text) > len(prefix) + 1:
                rest = low[len(prefix) + 1 :].lstrip(" ,")
                if prefix in _PLACE and prefix != "the" and not _titled(rest):
                    continue  # "Korean Air", "Federal Reserve", "Chinese Foreign Ministry": part of the name
                text = text[len(prefix) + 1 :].lstrip(" ,")
                changed = True
                break
    tokens = [t for t in text.split() if t.lower().strip(",") not in _SUFFIXES]
    if len(tokens) > 2:
        # Drop middle initials ("Donald J. Trump") but keep a leading one ("J.D. Vance").
        tokens = [tokens[0], *[t for t in tokens[1:-1] if not _INITIAL.match(t)], tokens[-1]]
    tokens = [t.strip(",") for t in tokens]
    out = " ".join(t for t in tokens if t)
    return out or _fold(name)


def _titled(low: str) -> bool:
    """`low` opens with a title, after any further place or party adjectives ("republican sen. ...")."""
    if any(low.startswith(t + " ") for t in _TITLES):
        return True
    return any(low.startswith(p + " ") and _titled(low[len(p) + 1 :].lstrip(" ,")) for p in _PLACE)


def name_key(name: str) -> str:
    """Comparison key: case-, hyphen- and punctuation-insensitive ("Kim Jong-un" == "Kim Jong Un")."""
    text = canonical_name(name).lower().replace("-", " ").replace(".", " ")
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """`short` names `full`: a subsequence that keeps its family name (first or last token)."""
    if not short or len(short) >= len(full):
        return False
    it = iter(full)
    if not all(tok in it for tok in short):
        return False
    return short[-1] == full[-1] or short[0] == full[0]


def canonicalize(names: Iterable[str]) -> dict[str, str]:
    """Map every name form to one canonical display name for its person.

    Forms with the same key group together; a shorter form ("Trump", "Hillary
    Clinton" vs "Hillary Rodham Clinton") joins a longer group only when it fits
    exactly one; otherwise it stays its own group. The display name of a group
    is its most frequent full (longest) canonical form, first seen on ties.
    """
    forms = list(names)
    keys = {form: name_key(form) for form in forms}
    first_seen: dict[str, int] = {}
    for i, form in enumerate(forms):
        first_seen.setdefault(canonical_name(form), i)
    displays: dict[str, Counter[str]] = {}
    order: dict[str, int] = {}
    for i, form in enumerate(forms):
        key = keys[form]
        if not key:
            continue
        displays.setdefault(key, Counter())[canonical_name(form)] += 1
        order.setdefault(key, i)
    tokens = {key: tuple(key.split()) for key in displays}
    # Resolve each key to the longest unambiguous owner, following chains (A < B < C).
    owner: dict[str, str] = {}
    for key in sorted(tokens, key=lambda k: len(tokens[k])):
        longer = [k for k in tokens if _is_part(tokens[key], tokens[k])]
        roots = {owner.get(k, k) for k in longer}
        roots = {r for r in roots if not any(_is_part(tokens[r], tokens[o]) for o in roots if o != r)}
        owner[key] = roots.pop() if len(roots) == 1 else key
    changed = True
    while changed:
        changed = False
        for key, root in owner.items():
            if owner.get(root, root) != root:
                owner[key] = owner[root]
                changed = True
    best: dict[str, str] = {}
    for root in set(owner.values()):
        members = [k for k in owner if owner[k] == root]
        pool: Counter[str] = Counter()
        for k in members:
            pool.update(displays[k])
        top = max(len(d.split()) for d in pool)
        cands = [d for d in pool if len(d.split()) == top]
        best[root] = max(cands, key=lambda d: (pool[d], -first_seen.get(d, len(forms))))
    return {form: best[owner[keys[form]]] if keys[form] else canonical_name(form) for form in forms}


_NOT_PERSON_TITLES = {"former", "then", "then-", "acting", "late", "presidential", "deputy", "the"}
TITLE_WORDS = frozenset(
    w
    for title in _TITLES
    for w in (title.split()[-1], title.split()[-1].rstrip("."))
    if w not in _NOT_PERSON_TITLES and w
)


def is_title(word: str) -> bool:
    """A word that, right before a name, marks a person ("Governor", "Mr.", "Sen.")."""
    return word.lower() in TITLE_WORDS
