"""Generate the reconciliation benchmark: invented stories with planted agreements and conflicts.

Every story is 2-3 short articles about an invented event in an invented town,
written from templates with a fixed seed, so the corpus and its truth file are
identical on every run. Each story plants exactly one case (a number conflict,
a date conflict, a speaker conflict, a quote contradicting the narrative, an
update across days, a syndicated copy, or an agreement) and adds distractor
sentences: other figures with the same unit but a different subject, and dates
of unrelated events, so that precision is tested as well as recall.

    python bench/gen_reconcile.py OUT_DIR [--seed 7]

writes OUT_DIR/reconcile.jsonl (url, title, published, source, text, plus
bench_story/bench_case fields) and OUT_DIR/reconcile_truth.json.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

FIRST = [
    "Ines",
    "Tomas",
    "Marta",
    "Oren",
    "Lidia",
    "Pavel",
    "Rosa",
    "Anselm",
    "Kira",
    "Dario",
    "Nadia",
    "Felix",
    "Irma",
    "Jonas",
    "Vera",
    "Emil",
    "Lena",
    "Bruno",
    "Alma",
    "Cyril",
    "Dora",
    "Hugo",
    "Ilse",
    "Karel",
    "Mira",
    "Nils",
    "Olga",
    "Piet",
    "Runa",
    "Sven",
    "Talia",
    "Ugo",
    "Vida",
    "Wim",
    "Yara",
    "Zeno",
]
LAST = [
    "Varga",
    "Oduya",
    "Brevik",
    "Marsh",
    "Kowal",
    "Lindqvist",
    "Okafor",
    "Restrepo",
    "Haldane",
    "Novak",
    "Ferreira",
    "Stroud",
    "Vance",
    "Ibarra",
    "Quist",
    "Maren",
    "Tollan",
    "Achebe",
    "Dunmore",
    "Petrov",
    "Salas",
    "Halloway",
    "Renko",
    "Mbeki",
    "Castell",
    "Ivers",
    "Olund",
    "Prax",
    "Sorel",
    "Tamsin",
    "Ulver",
    "Wexley",
    "Yorke",
    "Zabel",
    "Arden",
    "Brisco",
]
TOWNS = [
    "Merrow", "Port Calder", "Linden", "Ashby", "Corwen", "Dunhallow", "Estmere", "Fallowby", "Greythorn", "Harrowgate", "Islay", "Kestrel Bay", "Lowick", "Marbury", "Northope", "Oakhurst", "Pellam", "Quarry Hill", "Redmarsh", "Saltcombe", "Thornby", "Upwell", "Vellmoor", "Westby", "Yarrow", "Zennor", "Brackley", "Caldbeck", "Dorrow", "Elsworth", "Fenwick", "Glenmore", "Holloway", "Ivybridge",
]  # fmt: skip
OUTLETS = """Harbor Post|Valley News|Calder Times|Northern Ledger|Evening Courier|Coastal Herald|
Riverside Gazette|Upland Daily|Metro Bulletin|Plains Observer|Lakeside Record|Summit Tribune""".replace(
    "\n", ""
).split("|")
WIRE = "Continental Wire"
ROLES = ["Mayor", "Governor", "Minister", "Chair", "Commissioner", "Senator"]
FEMALE = frozenset(
    [
        "Ines",
        "Marta",
        "Lidia",
        "Rosa",
        "Kira",
        "Nadia",
        "Irma",
        "Lena",
        "Vera",
        "Alma",
        "Dora",
        "Ilse",
        "Mira",
        "Olga",
        "Runa",
        "Talia",
        "Vida",
        "Yara",
    ]
)


def _pronoun(first: str) -> str:
    return "she" if first in FEMALE else "he"


COUNTED = [
    ("homes", "were flooded", "flooding"),
    ("workers", "walked off the job", "strike"),
    ("passengers", "were stranded", "rail outage"),
    ("students", "were evacuated", "school fire"),
    ("volunteers", "joined the cleanup", "oil spill"),
    ("trees", "were felled", "storm"),
    ("families", "were moved to shelters", "landslide"),
    ("vehicles", "were towed", "blizzard"),
]
MONEY_SUBJECTS = [
    ("repair fund", "for repairs"),
    ("relief package", "in relief"),
    ("bridge contract", "for the bridge contract"),
    ("harbor upgrade", "for the harbor upgrade"),
]
QUOTES = [
    "We will not rest until every family is back home",
    "This is the hardest week our town has seen in a generation",
    "Nobody should have to wait this long for help",
    "We asked for support and we finally got an answer",
    "The work starts tomorrow and it will not stop until it is done",
    "I have never seen the river rise this fast",
    "Our crews have been working through the night",
    "The money is there and it will be spent here",
    "We made mistakes and we will fix them",
    "People deserve the truth about what happened",
    "The plan is simple and it is already working",
    "Every road into the valley will be open by the weekend",
]
QUOTE_TAILS = [
    "and that is a promise to",
    "and everyone knows it in",
    "whatever the critics say about",
    "and I say that as someone who grew up in",
    "for every street and every family in",
    "and I will say it again tomorrow in",
]
NEEDS = ["pumps", "hands", "blankets", "dry boots", "sandbags", "generators", "drinking water"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
WORDS_NUM = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}

CASE_COUNTS = {
    "number": 40,
    "date": 35,
    "speaker": 30,
    "quote_vs_narrative": 25,
    "update": 25,
    "syndicated": 25,
    "agree_number": 25,
    "agree_quote": 20,
    "statement": 15,
}
CONFLICT_CASES = {"number", "date", "speaker", "quote_vs_narrative", "statement"}


@dataclass
class Planted:
    """Ground truth for one story."""

    story: str
    case: str
    articles: list[str]
    conflict_kind: str | None = None
    conflict_articles: list[str] = field(default_factory=list)
    expect_status: str | None = None  # for agreements / copies
    value: float | None = None  # the planted figure (quantity cases)
    quote: str | None = None  # the planted words (quote cases)
    update: bool = False
    values: list[float] = field(default_factory=list)  # each planted article's figure, in article order


def _pub_date(rng: random.Random) -> date:
    """Stories spread over two years, so that most never share a clustering window."""
    return date(2025, 1, 6) + timedelta(days=rng.randrange(0, 720))


def _fmt(n: int) -> str:
    return f"{n:,}"


def _day_name(d: date) -> str:
    return WEEKDAYS[d.weekday()]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.records: list[dict] = []
        self.truth: list[Planted] = []
        self.used_people: set[str] = set()

    def person(self) -> tuple[str, str, str]:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            if f"{first} {last}" not in self.used_people and last not in {
                p.split()[1] for p in self.used_people
            }:
                self.used_people.add(f"{first} {last}")
                return self.rng.choice(ROLES), first, last
            if len(self.used_people) > len(LAST) - 2:
                self.used_people.clear()

    def outlets(self, n: int) -> list[str]:
        return self.rng.sample(OUTLETS, n)

    def add(
        self, story: str, idx: int, title: str, published: date, source: str, paragraphs: list[str]
    ) -> str:
        aid = f"{story}-{idx}"
        self.records.append(
            {
                "url": f"https://{source.lower().replace(' ', '-')}.example/{aid}",
                "title": title,
                "published": published.isoformat(),
                "source": source,
                "text": "\n\n".join(paragraphs),
                "bench_story": story,
                "bench_article": aid,
            }
        )
        return aid

    def filler(self, unit: str, other: int, which: int) -> str:
        """A distractor: same unit, different subject and context (one wording per article)."""
        return [
            f"Last year the town budget covered {_fmt(other)} {unit} in a separate training program.",
            f"A regional survey counted {_fmt(other)} {unit} across the whole province in 2019.",
            f"Neighboring districts reported {_fmt(other)} {unit} in an unrelated census.",
        ][which % 3]


def _case_number(w: _Writer, story: str, agree: bool, update: bool, syndicated: bool) -> None:
    rng = w.rng
    town = rng.choice(TOWNS)
    noun, verb, what = rng.choice(COUNTED)
    role, first, last = w.person()
    base = rng.randrange(12, 90) * rng.choice([10, 100])
    pub = _pub_date(rng)
    o1, o2, o3 = w.outlets(3)
    other = base * 7 + 13
    filler_kind = rng.randrange(3)
    if agree:
        qual = rng.choice(["about", "nearly", "at least", "more than", "some"])
        v1_text = f"{qual} {_fmt(base)}"
        v2 = base + (base // 10 if qual in {"at least", "more than"} else 0)
        v2_text = _fmt(v2)
    elif update:
        v1_text, v2 = _fmt(base), base + rng.randrange(2, 9) * max(1, base // 50)
        v2_text = _fmt(v2)
    else:
        v1_text, v2 = _fmt(base), base * 2 + rng.randrange(1, 9) * 10
        v2_text = _fmt(v2)
    day = _day_name(pub - timedelta(days=1))
    lead1 = rng.choice(
        [
            f"Officials in {town} said {v1_text} {noun} {verb} after the {what} this week, "
            f"{role} {first} {last} told reporters.",
            f"{role} {first} {last} said on {day} that {v1_text} {noun} {verb} in {town} after the {what}.",
            f"By {day} evening, {v1_text} {noun} {verb} in {town}, according to {role} {first} {last}.",
        ]
    )
    s1 = [
        lead1,
        w.filler(noun, other, filler_kind),
        f"{role} {last} said crews would stay in {town} until the work was finished.",
    ]
    fund, relief = rng.sample(range(3, 95), 2)
    if rng.random() < 0.5:  # same currency, different subjects: never a conflict
        s1.append(f"The {town} council also approved a {fund} million euro repair fund.")
    a1 = w.add(story, 1, f"{what.capitalize()} hits {town}", pub, o1, s1)
    if syndicated:
        a2 = w.add(story, 2, f"{what.capitalize()} hits {town}", pub, WIRE, [*s1])
        w.truth.append(
            Planted(story, "syndicated", [a1, a2], expect_status="single_source", value=float(base))
        )
        return
    pub2 = pub + timedelta(days=1) if update else pub
    lead = rng.choice(
        [
            f"In {town}, {v2_text} {noun} {verb} after the {what}, according to {role.lower()} {last}'s office.",
            f"A total of {v2_text} {noun} {verb} in {town} after the {what}, {role.lower()} {last}'s office said.",
            f"The {what} meant that {v2_text} {noun} {verb} in {town}, said a spokesman for {role} {last}.",
        ]
    )
    s2 = [lead, f"Residents of {town} described long queues at the relief center."]
    if rng.random() < 0.5:
        s2.append(f"Separately, the province pledged {relief} million euros in emergency relief for farmers.")
    if rng.random() < 0.5:
        s2.append(w.filler(noun, other + 1000, filler_kind + 1))
    a2 = w.add(story, 2, f"{town} counts the cost of the {what}", pub2, o2, s2)
    arts = [a1, a2]
    if rng.random() < 0.4:
        s3 = [
            f"The {what} in {town} has drawn volunteers from three counties.",
            f"{role} {first} {last} thanked the volunteers on the steps of the town hall.",
        ]
        arts.append(w.add(story, 3, f"Volunteers arrive in {town}", pub2, o3, s3))
    if agree:
        w.truth.append(
            Planted(
                story,
                "agree_number",
                arts,
                expect_status="corroborated",
                value=float(base),
                values=[base, v2],
            )
        )
    elif update:
        w.truth.append(Planted(story, "update", arts, value=float(v2), update=True, values=[base, v2]))
    else:
        w.truth.append(
            Planted(story, "number", arts, "number", [a1, a2], value=float(base), values=[base, v2])
        )


def _case_date(w: _Writer, story: str) -> None:
    rng = w.rng
    town = rng.choice(TOWNS)
    r1, f1, l1 = w.person()
    r2, f2, l2 = w.person()
    pub = _pub_date(rng)
    while pub.weekday() < 3:  # leave room for two earlier weekdays this week
        pub += timedelta(days=1)
    d1 = pub - timedelta(days=rng.randrange(1, pub.weekday()))
    d2 = d1 - timedelta(days=1)

    def when(d: date) -> str:
        style = rng.random()
        if style < 0.5:
            return f"on {_day_name(d)}"
        if style < 0.8:
            return f"on {MONTHS[d.month - 1]} {d.day}"
        return f"on {MONTHS[d.month - 1]} {d.day}, {d.year}"

    o1, o2 = w.outlets(2)
    money = rng.randrange(2, 90)
    first = rng.choice(
        [
            f"{r1} {f1} {l1} met {r2} {f2} {l2} in {town} {when(d1)} to discuss the new rail line.",
            f"{r1} {f1} {l1} held talks with {r2} {f2} {l2} in {town} {when(d1)} on the new rail line.",
            f"{r2} {f2} {l2} and {r1} {f1} {l1} met in {town} {when(d1)} to settle the rail dispute.",
        ]
    )
    second = rng.choice(
        [
            f"{r2} {l2} held talks with {r1} {l1} in {town} {when(d2)} about the rail line.",
            f"{r1} {l1} met {r2} {l2} in {town} {when(d2)}, aides said.",
            f"{l1} and {l2} met in {town} {when(d2)} for talks on the rail line.",
        ]
    )
    s1 = [first, f"The two sides agreed on a {money} million euro budget for the first phase."]
    s2 = [
        second,
        f"The meeting ended with a joint statement, and both promised a {money} million euro budget.",
    ]
    if rng.random() < 0.5:  # an earlier meeting of the same pair: a different event, not a conflict
        old = pub - timedelta(days=rng.randrange(300, 900))
        s2.append(
            f"The two first met in {rng.choice(TOWNS)} on {MONTHS[old.month - 1]} {old.day}, {old.year}."
        )
    if rng.random() < 0.5:  # a different event of the same pair on another day: not the same event
        s1.append(f"{l1} visited the {town} depot on {_day_name(pub)} to inspect the new trains.")
    a1 = w.add(story, 1, f"{l1} and {l2} meet on rail line", pub, o1, s1)
    a2 = w.add(story, 2, f"Rail talks in {town}", pub, o2, s2)
    w.truth.append(Planted(story, "date", [a1, a2], "date", [a1, a2]))


def _case_quote(w: _Writer, story: str, conflict: bool) -> None:
    rng = w.rng
    town = rng.choice(TOWNS)
    words = f"{rng.choice(QUOTES)}, {rng.choice(QUOTE_TAILS)} {town}"
    r1, f1, l1 = w.person()
    r2, f2, l2 = w.person()
    pub = _pub_date(rng)
    o1, o2 = w.outlets(2)
    s1 = [
        f"Leaders in {town} spoke after the flood waters began to fall.",
        rng.choice(
            [
                f"\u201c{words},\u201d {r1} {f1} {l1} said at a briefing in {town}.",
                f"\u201c{words},\u201d said {r1} {f1} {l1}, speaking in {town}.",
                f"{r1} {f1} {l1} spoke at a briefing in {town}. \u201c{words},\u201d {l1} said.",
            ]
        ),
    ]
    said = words
    if not conflict and rng.random() < 0.3:  # a shorter excerpt of the same words
        said = " ".join(words.split()[3:])  # an excerpt that keeps the story's own ending
    if conflict:
        speaker_line = rng.choice(
            [
                f"\u201c{said},\u201d {r2} {f2} {l2} told reporters on the riverbank.",
                f"{r2} {f2} {l2} walked the riverbank with reporters. \u201c{said},\u201d {_pronoun(f2)} said.",
            ]
        )
    else:
        speaker_line = rng.choice(
            [
                f"\u201c{said},\u201d {l1} told reporters on the riverbank.",
                f"{r1} {l1} walked the riverbank with reporters. \u201c{said},\u201d {l1} said.",
            ]
        )
    s2 = [f"The mood in {town} was tense as the first families returned."]
    if not conflict:
        s2.append(f"{r1} {f1} {l1} visited the riverbank on foot.")
    s2.append(speaker_line)
    if rng.random() < 0.5:  # another person's different words: no conflict
        s2.append(
            f"\u201cWe need more {rng.choice(NEEDS)} here in {town},\u201d said volunteer "
            f"{rng.choice(FIRST)} {rng.choice(LAST)}."
        )
    a1 = w.add(story, 1, f"{town} leaders speak after flood", pub, o1, s1)
    a2 = w.add(story, 2, f"Families return to {town}", pub, o2, s2)
    if conflict:
        w.truth.append(Planted(story, "speaker", [a1, a2], "speaker", [a1, a2], quote=said))
    else:
        w.truth.append(Planted(story, "agree_quote", [a1, a2], expect_status="corroborated", quote=said))


def _case_quote_narrative(w: _Writer, story: str) -> None:
    rng = w.rng
    town = rng.choice(TOWNS)
    r1, f1, l1 = w.person()
    r2, f2, l2 = w.person()
    real = rng.randrange(3, 6)
    said = real - 1
    pub = _pub_date(rng)
    o1, o2 = w.outlets(2)
    s1 = [
        f"{r1} {f1} {l1} has met {r2} {f2} {l2} {WORDS_NUM[real]} times since the dispute over the "
        f"{town} dam began.",
        f"\u201cWe had {WORDS_NUM[said]} meetings, and every one of them was useful for {town},\u201d "
        f"{l1} said.",
    ]
    s2 = [
        f"{l1} and {l2} met {WORDS_NUM[real]} times over the {town} dam, aides said.",
        f"Engineers in {town} expect the dam inspection to finish in the summer.",
    ]
    a1 = w.add(story, 1, f"{l1} defends talks over {town} dam", pub, o1, s1)
    a2 = w.add(story, 2, f"Dam talks drag on in {town}", pub, o2, s2)
    w.truth.append(
        Planted(story, "quote_vs_narrative", [a1, a2], "quote_vs_narrative", [a1], value=float(real))
    )


STATEMENTS = [
    (
        "the {town} bridge would reopen before the winter",
        "the {town} bridge would not reopen before the winter",
    ),
    ("the {town} ferry service would resume in March", "the {town} ferry service would not resume in March"),
    (
        "the province had paid for the {town} flood wall",
        "the province had never paid for the {town} flood wall",
    ),
    ("the {town} hospital wing would stay open", "the {town} hospital wing would not stay open"),
]


def _case_statement(w: _Writer, story: str) -> None:
    """One speaker reported affirming by one outlet and denying by another."""
    rng = w.rng
    town = rng.choice(TOWNS)
    role, first, last = w.person()
    yes, no = (t.format(town=town) for t in rng.choice(STATEMENTS))
    pub = _pub_date(rng)
    o1, o2 = w.outlets(2)
    s1 = [f"{role} {first} {last} said {yes}.", f"Residents of {town} had waited months for an answer."]
    s2 = [f"{role} {first} {last} spoke to reporters in {town}.", f"{last} said {no}."]
    a1 = w.add(story, 1, f"{town} waits for answers", pub, o1, s1)
    a2 = w.add(story, 2, f"{last} speaks in {town}", pub, o2, s2)
    w.truth.append(Planted(story, "statement", [a1, a2], "statement", [a1, a2]))


def generate(seed: int = 7) -> tuple[list[dict], list[Planted]]:
    rng = random.Random(seed)
    w = _Writer(rng)
    plan = [case for case, n in CASE_COUNTS.items() for _ in range(n)]
    rng.shuffle(plan)
    for i, case in enumerate(plan):
        story = f"s{i:03d}"
        if case in {"number", "agree_number", "update", "syndicated"}:
            _case_number(
                w,
                story,
                agree=case == "agree_number",
                update=case == "update",
                syndicated=case == "syndicated",
            )
        elif case == "date":
            _case_date(w, story)
        elif case in {"speaker", "agree_quote"}:
            _case_quote(w, story, conflict=case == "speaker")
        elif case == "statement":
            _case_statement(w, story)
        else:
            _case_quote_narrative(w, story)
    return w.records, w.truth


def write(out_dir: Path, seed: int = 7) -> tuple[Path, Path]:
    records, truth = generate(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = out_dir / "reconcile.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    truth_path = out_dir / "reconcile_truth.json"
    truth_path.write_text(json.dumps([asdict(t) for t in truth], indent=1), encoding="utf-8")
    return corpus, truth_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus, truth = write(args.out_dir, args.seed)
    print(f"wrote {corpus} and {truth}")


if __name__ == "__main__":
    main()
