"""Story clustering, syndication detection and throughput benchmark (issue 4).

    .venv/bin/python bench/cluster.py [--quick] [--only ecb,bound,uci,syn,speed]

* ECB+ (982 documents, 43 topics, 86 sub-topics): B-cubed and pairwise scores
  at sub-topic (story) and topic level, documents fed in one shuffled order
  (seed 13), first line (URL) of `ecbplus` documents dropped. Thresholds are
  chosen on train+dev, reported on test and on all documents. Side by side:
  the ANCHORS.md baseline TF-IDF (scikit-learn, sublinear tf, IDF on the
  split) + average-link, thresholded the same way.
* Topic-level bound (`bound`): gold sub-topics grouped into topics by term or
  MiniLM similarity, threshold best on all documents: how far any grouping of
  stories by these similarities can go at topic level.
* UCI News headlines (6,366 headlines, 87 stories) in time order: thresholds
  chosen on the odd-numbered stories, reported on the even ones and on all.
* Syndication: copies of ECB+ documents of every kind, plus every other ECB+
  document as a hard negative; dedup precision, recall and F1.
* Throughput: dedup + assignment of 10k and 100k perturbed ECB+ texts (NLP
  excluded), state bytes per article, and assignment time per article as the
  store grows.

Prints tables and writes bench/results/cluster.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bcubed import bcubed, pairwise  # noqa: E402
from newsdesk.cluster import StoryClusterer, cluster_batch  # noqa: E402
from newsdesk.dedup import DedupIndex, find_duplicates  # noqa: E402
from newsdesk.options import ClusterOptions, DedupOptions, Options  # noqa: E402
from newsdesk.pipeline import cluster_in_order, dedup_in_order  # noqa: E402
from newsdesk.records import Article  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
ECB = SHARED / "ecbplus" / "docs.jsonl"
UCI = SHARED / "uci_news" / "headlines.csv"
RESULTS = ROOT / "bench" / "results" / "cluster.json"
CACHE = ROOT / "bench" / ".cache"
# Article id -> MiniLM vector, filled per benchmark when the [embeddings] extra is installed.
EMBEDDINGS: dict[str, tuple[float, ...]] = {}

PUBLISHED_ECB = [  # ANCHORS.md, ECB+ test, sub-topic B-cubed (P, R, F1, docs/s)
    ("TF-IDF + average-link, 0.15 (ANCHORS.md)", 0.845, 0.877, 0.861, "~6,400"),
    ("MiniLM int8 + average-link, 0.59 (ANCHORS.md)", 0.812, 0.854, 0.833, "37"),
    ("mean TF-IDF/MiniLM + average-link, 0.40 (ANCHORS.md)", 0.879, 0.861, 0.869, "37"),
    ("online single pass TF-IDF, 0.25 (ANCHORS.md)", 0.757, 0.931, 0.835, "~7,100"),
    ("online single pass TF-IDF + MiniLM, 0.43 (ANCHORS.md)", 0.769, 0.941, 0.846, "37"),
]


TOPIC_GRID = [  # topics over the online pass's stories (default story options)
    {"topic_threshold": t, "topic_entity_weight": e} for t in (0.15, 0.2, 0.25) for e in (0.0, 0.3)
]
TOPIC_PROFILE = {  # batch mode at topic level: ClusterOptions for one flat grouping (one value each)
    "entity_weight": [1.0],
    "time_weight": [0.3],
    "number_weight": [0.5],
    "year_mismatch_factor": [1.0],
    "merge_threshold": [0.3],
}


def make_article(aid: str, text: str, published: str | None = None, title: str | None = None) -> Article:
    """An Article whose body paragraphs are the text's lines (the title, if any, is not body)."""
    head = f"{title}\n" if title else ""
    full = head + text
    segments, pos = [], len(head)
    for line in text.split("\n"):
        if line.strip():
            segments.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Article(
        id=aid,
        path=aid,
        fmt="jsonl",
        text=full,
        title=title,
        title_source="jsonl" if title else "absent",
        published=published,
        published_source="jsonl" if published else "absent",
        body_span=(len(head), len(full)),
        body_segments=tuple(segments),
        word_count=len(full.split()),
    )


# --------------------------------------------------------------------------- data


def load_ecb() -> list[dict]:
    docs = []
    with ECB.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["doc_id"].endswith("ecbplus"):
                d["text"] = d["text"].split("\n", 1)[1] if "\n" in d["text"] else ""
            docs.append(d)
    return docs


def load_uci() -> list[dict]:
    with UCI.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["published"] = datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, tz=UTC).strftime("%Y-%m-%d")
    rows.sort(key=lambda r: (int(r["TIMESTAMP"]), int(r["ID"])))
    return rows


# --------------------------------------------------------------------------- methods


def ours_online(articles: Sequence[Article], params: dict) -> dict[str, str]:
    clusterer = StoryClusterer(ClusterOptions(**params))
    mixed = params.get("embedding_weight", 0) > 0
    for a in articles:
        clusterer.assign(a, embedding=EMBEDDINGS.get(a.id) if mixed else None)
    return {aid: sid for sid, members in clusterer.stories().items() for aid in members}


def ours_topics(articles: Sequence[Article], params: dict) -> dict[str, str]:
    """Topics as the second level of the online pass: its stories grouped by centroid term similarity."""
    clusterer = StoryClusterer(ClusterOptions(**params))
    for a in articles:
        clusterer.assign(a)
    return {a.id: clusterer.topic_of(a.id) or a.id for a in articles}


def load_embeddings(name: str, articles: Sequence[Article], max_tokens: int) -> bool:
    """MiniLM vectors of the articles into EMBEDDINGS (cached under bench/.cache); False without the extra."""
    from newsdesk import embed

    if not embed.available():
        print(f"({name}: the [embeddings] extra is not installed; MiniLM rows skipped)")
        return False
    import hashlib

    texts = sorted(a.id + "\x01" + a.text for a in articles)  # any order of the same articles shares one file
    digest = hashlib.blake2b("\x00".join(texts).encode(), digest_size=8).hexdigest()
    cache = CACHE / f"minilm-{name}-{max_tokens}-{digest}.json"  # keyed by the texts: never stale
    if cache.exists():
        EMBEDDINGS.update({k: tuple(v) for k, v in json.loads(cache.read_text()).items()})
        return True
    t0 = time.perf_counter()
    vectors = embed.embed_articles(articles, max_tokens)
    print(f"({name}: MiniLM, {1000 * (time.perf_counter() - t0) / max(1, len(articles)):.1f} ms an article)")
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(vectors))
    EMBEDDINGS.update(vectors)
    return True


def ours_batch(articles: Sequence[Article], params: dict) -> dict[str, str]:
    return cluster_batch(articles, {}, {}, ClusterOptions(**params))


def tfidf_average_link(articles: Sequence[Article], params: dict) -> dict[str, str]:
    """ANCHORS.md baseline: scikit-learn TF-IDF (sublinear tf, IDF on the split) + average-link."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [a.text for a in articles]
    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    sim = (x @ x.T).toarray()
    dist = 1.0 - sim
    if len(articles) < 2:
        return {a.id: "0" for a in articles}
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - params["threshold"]
    ).fit_predict(dist)
    return {a.id: str(label) for a, label in zip(articles, labels, strict=True)}


Method = Callable[[Sequence[Article], dict], dict[str, str]]


def grid(**axes: Sequence[float]) -> list[dict]:
    """Every combination of the given option values."""
    out: list[dict] = [{}]
    for name, values in axes.items():
        out = [{**o, name: v} for o in out for v in values]
    return out


def label(params: dict) -> str:
    short = {
        "threshold": "t",
        "batch_threshold": "bt",
        "merge_threshold": "merge",
        "split_threshold": "split",
        "topic_threshold": "topic",
        "topic_entity_weight": "topic names",
        "embedding_weight": "emb",
    }
    shown = {k: v for k, v in params.items() if k not in TOPIC_PROFILE or k == "merge_threshold"}
    extra = " +topic profile" if "time_weight" in params else ""
    return " ".join(f"{short.get(k, k)}={v}" for k, v in shown.items()) + extra


def sweep(
    method: Method, tune: Sequence[Article], gold: dict[str, str], params: Sequence[dict]
) -> tuple[dict, float]:
    """The options with the best B-cubed F1 on the tuning articles."""
    best: tuple[float, dict] = (-1.0, params[0])
    for p in params:
        f1 = bcubed(method(tune, p), gold)[2]
        if f1 > best[0] + 1e-9:
            best = (f1, p)
    return best[1], best[0]


def evaluate(
    name: str,
    method: Method,
    tune: Sequence[Article],
    reports: dict[str, Sequence[Article]],
    gold: dict[str, str],
    params: Sequence[dict],
) -> list[dict]:
    chosen, tune_f1 = sweep(method, tune, gold, params)
    rows = []
    for split, arts in reports.items():
        t0 = time.perf_counter()
        pred = method(arts, chosen)
        dt = time.perf_counter() - t0
        p, r, f = bcubed(pred, gold)
        rows.append(
            {
                "method": name,
                "split": split,
                "threshold": label(chosen),
                "tune_f1": round(tune_f1, 4),
                "P": round(p, 4),
                "R": round(r, 4),
                "F1": round(f, 4),
                "pairwise_F1": round(pairwise(pred, gold)[2], 4),
                "docs_per_s": round(len(arts) / dt) if dt else None,
                "clusters": len(set(pred.values())),
            }
        )
    return rows


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n## {title}\n")
    print("| method | split | thr | P | R | F1 | pairwise F1 | docs/s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['method']} | {r['split']} | {r.get('threshold', '')} | {r['P']:.3f} | {r['R']:.3f} | "
            f"{r['F1']:.3f} | {r.get('pairwise_F1', float('nan')):.3f} | {r.get('docs_per_s', '')} |"
        )


# --------------------------------------------------------------------------- ECB+


def bench_ecb(quick: bool) -> dict:
    docs = load_ecb()
    order = list(range(len(docs)))
    random.Random(13).shuffle(order)
    docs = [docs[i] for i in order]
    arts = {d["doc_id"]: make_article(d["doc_id"], d["text"]) for d in docs}
    sub = {d["doc_id"]: d["subtopic"] for d in docs}
    top = {d["doc_id"]: d["topic"] for d in docs}

    def pick(splits: tuple[str, ...]) -> list[Article]:
        return [arts[d["doc_id"]] for d in docs if d["split"] in splits]

    tune = pick(("train", "dev"))
    reports = {"test": pick(("test",)), "all": pick(("train", "dev", "test"))}
    topic_shift = {"sub-topic": 0.0, "topic": -0.09}
    out: dict = {}
    for level, gold in (("sub-topic", sub), ("topic", top)):
        shift = topic_shift[level]

        def ts(values: Sequence[float], shift: float = shift) -> list[float]:
            return sorted({round(max(0.02, v + shift), 3) for v in values})

        # Topics group events of one kind: names, years and figures that split stories do not help there.
        profile = TOPIC_PROFILE if level == "topic" else {}
        if level == "topic":  # the stories of the online pass, grouped into topics
            online = ("newsdesk online topics", ours_topics, TOPIC_GRID)
        else:
            online = ("newsdesk online", ours_online, grid(threshold=ts([0.16, 0.19, 0.22, 0.25, 0.28])))
        methods: list[tuple[str, Method, list[dict]]] = [
            online,
            (
                "newsdesk batch",
                ours_batch,
                grid(batch_threshold=ts([0.15, 0.18, 0.21, 0.24, 0.27]), **profile),
            ),
            (
                "TF-IDF + average-link (sklearn, run here)",
                tfidf_average_link,
                grid(threshold=ts([0.1, 0.125, 0.15, 0.175, 0.2])),
            ),
        ]
        if level == "sub-topic" and load_embeddings("ecbplus", list(arts.values()), 128):
            methods.insert(
                1,
                (
                    "newsdesk online + MiniLM",
                    ours_online,
                    grid(threshold=ts([0.25, 0.3, 0.35, 0.4, 0.45]), embedding_weight=[0.3, 0.5, 0.7]),
                ),
            )
        if quick:
            methods = [(n, m, g[::2]) for n, m, g in methods]
        rows = []
        for name, method, params in methods:
            rows += evaluate(name, method, tune, reports, gold, params)
        if level == "sub-topic":
            rows += [
                {"method": n, "split": "test (published)", "P": p, "R": r, "F1": f, "docs_per_s": s}
                for n, p, r, f, s in PUBLISHED_ECB
            ]
        print_rows(f"ECB+ {level} level, B-cubed (thresholds tuned on train+dev)", rows)
        out[level] = rows
    return out


def bench_topic_bound() -> dict:
    """How high topic-level B-cubed F1 can go by grouping *gold* sub-topics on similarity.

    Every ECB+ sub-topic becomes one perfect story (its centroid: the mean of its articles'
    term vectors, names included, IDF over all documents; and the mean MiniLM vector where
    the extra is installed). The stories are grouped by average or complete link and the
    threshold is the best one on all 982 documents: an upper bound for any method that
    groups stories into topics by these similarities, our online topics included.
    """
    import math

    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    from newsdesk.cluster import article_features

    docs = load_ecb()
    arts = [make_article(d["doc_id"], d["text"]) for d in docs]
    sub = {d["doc_id"]: d["subtopic"] for d in docs}
    top = {d["doc_id"]: d["topic"] for d in docs}
    options = ClusterOptions()
    feats = {
        a.id: {f: w for f, w in article_features(a, None, options).tf.items() if f[0] == "w"} for a in arts
    }
    df: dict[str, int] = {}
    for f in feats.values():
        for k in f:
            df[k] = df.get(k, 0) + 1
    subs = sorted(set(sub.values()))
    members = {s: [k for k in sub if sub[k] == s] for s in subs}
    column = {k: i for i, k in enumerate(df)}
    terms = np.zeros((len(subs), len(column)))
    for i, s in enumerate(subs):
        for k in members[s]:
            for f, w in feats[k].items():
                terms[i, column[f]] += w * math.log(len(arts) / df[f]) / len(members[s])
    spaces = {"terms (names included)": terms}
    if load_embeddings("ecbplus", arts, 128):
        spaces["MiniLM"] = np.array([np.mean([EMBEDDINGS[k] for k in members[s]], axis=0) for s in subs])
    sims = {}
    for name, x in spaces.items():
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        sims[name] = x @ x.T
    if "MiniLM" in sims:
        sims["mean of both"] = (sims["terms (names included)"] + sims["MiniLM"]) / 2
    rows = []
    for name, sim in sims.items():
        for method in ("average", "complete"):
            tree = linkage((1.0 - sim)[np.triu_indices(len(subs), k=1)].clip(0.0), method=method)
            best = (-1.0, 0.0, 0.0, 0.0)
            for cut in np.arange(0.02, 1.0, 0.01):
                labels = dict(zip(subs, fcluster(tree, 1.0 - cut, criterion="distance"), strict=True))
                p, r, f = bcubed({k: str(labels[sub[k]]) for k in sub}, top)
                if f > best[0] + 1e-9:
                    best = (f, p, r, round(float(cut), 2))
            rows.append(
                {
                    "stories": "gold sub-topics",
                    "similarity": name,
                    "linkage": method,
                    "best_threshold": best[3],
                    "P": round(best[1], 4),
                    "R": round(best[2], 4),
                    "F1": round(best[0], 4),
                }
            )
    print(
        "\n## ECB+ topic level with gold sub-topics as stories, threshold best on all documents (upper bound)\n"
    )
    print("| similarity | linkage | best threshold | P | R | F1 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['similarity']} | {r['linkage']} | {r['best_threshold']} | {r['P']:.3f} | {r['R']:.3f} | {r['F1']:.3f} |"
        )
    return {"rows": rows}


# --------------------------------------------------------------------------- UCI


def bench_uci(quick: bool) -> dict:
    rows_in = load_uci()
    stories = list(dict.fromkeys(r["STORY"] for r in sorted(rows_in, key=lambda r: int(r["ID"]))))
    parity = {s: i % 2 for i, s in enumerate(stories)}
    arts = [make_article(f"u{r['ID']}", r["TITLE"], r["published"]) for r in rows_in]
    gold = {f"u{r['ID']}": r["STORY"] for r in rows_in}
    tune = [a for a, r in zip(arts, rows_in, strict=True) if parity[r["STORY"]] == 1]
    test = [a for a, r in zip(arts, rows_in, strict=True) if parity[r["STORY"]] == 0]
    reports = {"even stories": test} if quick else {"even stories": test, "all": arts}
    rows = []
    online = grid(
        threshold=[0.06, 0.08, 0.1, 0.12],
        merge_threshold=[0.15, 0.2, 0.25, 0.5],
        merge_candidates=[6],
        split_threshold=[0.0, 0.05, 0.15],
    )
    # Beyond batch_max_articles, batch mode runs the online pass: give it the online options too.
    batch = grid(
        batch_threshold=[0.06, 0.08, 0.1, 0.12, 0.15],
        threshold=[0.06],
        merge_threshold=[0.15],
        merge_candidates=[6],
        split_threshold=[0.15],
    )
    anchor = grid(threshold=[0.05, 0.075, 0.1, 0.125, 0.15])
    if quick:
        online, batch, anchor = online[::2], batch[::2], anchor[::2]
    rows += evaluate("newsdesk online", ours_online, tune, reports, gold, online)
    if load_embeddings("uci", arts, 64):  # headlines: a short text, where words alone miss the most
        mixed = grid(
            threshold=[0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
            embedding_weight=[0.3, 0.5, 0.7],
            merge_threshold=[0.15],
            merge_candidates=[6],
            split_threshold=[0.05],
        )
        rows += evaluate(
            "newsdesk online + MiniLM", ours_online, tune, reports, gold, mixed[::2] if quick else mixed
        )
    rows += evaluate("newsdesk batch", ours_batch, tune, reports, gold, batch)
    rows += evaluate(
        "TF-IDF + average-link (sklearn, run here)", tfidf_average_link, tune, reports, gold, anchor
    )
    print_rows("UCI News headlines, B-cubed (thresholds tuned on odd stories)", rows)
    return {"rows": rows}


# --------------------------------------------------------------------------- syndication

FILLER = [
    "Editor's note: this report has been updated with additional details.",
    "The agency said more information would be released later in the day.",
    "Readers can follow our live coverage for the latest developments.",
]


def wire_families(docs: Sequence[dict], k: int = 8) -> set[str]:
    """ECB+ documents that share text with another document of their topic (AP rewrites and the like).

    ECB+ is itself full of syndication, so such documents can be neither hard
    negatives nor clean copy sources. Checked exactly with 8-word shingle sets,
    independently of the index under test.
    """
    shingles = {}
    for d in docs:
        words = WORD_RE.findall(d["text"].lower())
        shingles[d["doc_id"]] = {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}
    by_topic: dict[str, list[str]] = {}
    for d in docs:
        by_topic.setdefault(d["topic"], []).append(d["doc_id"])
    family: set[str] = set()
    for ids in by_topic.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                sa, sb = shingles[a], shingles[b]
                if sa and sb:
                    shared = len(sa & sb)
                    if shared >= 10 or shared / min(len(sa), len(sb)) >= 0.1:
                        family |= {a, b}
    return family


def syndication_set(seed: int = 13) -> tuple[list[Article], dict[str, str | None], int]:
    """Independent ECB+ originals, generated copies of every kind, partial embeds in host texts.

    Hosts for partial copies come from five held-out topics, so nothing else in
    the set shares their text. Returns the articles, for each the original it
    copies (None for originals: every other document of its sub-topic is a hard
    negative) and the number of wire-family documents left out.
    """
    rng = random.Random(seed)
    all_docs = load_ecb()
    family = wire_families(all_docs)
    held_out = {"41", "42", "43", "44", "45"}
    hosts = [
        d
        for d in all_docs
        if d["topic"] in held_out and d["text"].count("\n") >= 3 and d["doc_id"] not in family
    ]
    docs = [d for d in all_docs if d["topic"] not in held_out and d["doc_id"] not in family]
    rng.shuffle(docs)
    base = date(2024, 1, 1)
    articles: list[Article] = []
    gold: dict[str, str | None] = {}
    for i, d in enumerate(docs):
        day = (base + timedelta(days=i % 300)).isoformat()
        articles.append(make_article(d["doc_id"], d["text"], day))
        gold[d["doc_id"]] = None
    kinds = ["exact", "headline", "added", "trimmed", "reordered", "partial"]
    sources = [d for d in docs if d["text"].count("\n") >= 3][: len(kinds) * min(60, len(hosts))]
    for j, d in enumerate(sources):
        kind = kinds[j % len(kinds)]
        lines = d["text"].split("\n")
        later = (base + timedelta(days=(docs.index(d) % 300) + 1 + j % 3)).isoformat()
        title = None
        if kind == "exact":
            text = d["text"]
        elif kind == "headline":
            text, title = d["text"], f"Wire report {j}: what we know so far"
        elif kind == "added":
            text = "\n".join([*lines, rng.choice(FILLER)])
        elif kind == "trimmed":
            cut = max(1, len(lines) // 5)
            text = "\n".join(lines[:-cut] if j % 2 else lines[cut:])
        elif kind == "reordered":
            shuffled = lines[:]
            rng.shuffle(shuffled)
            text = "\n".join(shuffled)
        else:
            host = hosts[(j // len(kinds)) % len(hosts)]["text"].split("\n")  # one host per copy
            block = lines[: max(2, int(len(lines) * 0.6))]
            mid = len(host) // 2
            text = "\n".join(host[:mid] + block + host[mid:])
        aid = f"copy-{kind}-{j}"
        articles.append(make_article(aid, text, later, title))
        gold[aid] = d["doc_id"]
    return articles, gold, len(family)


def bench_syndication() -> dict:
    articles, gold, n_family = syndication_set()
    t0 = time.perf_counter()
    found = find_duplicates(articles, DedupOptions())
    dt = time.perf_counter() - t0
    tp = sum(1 for aid, info in found.items() if gold[aid] == info.duplicate_of)
    fp = len(found) - tp
    fn = sum(1 for aid, orig in gold.items() if orig is not None and aid not in found)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    per_kind: dict[str, list[int]] = {}
    for aid, orig in gold.items():
        if orig is None:
            continue
        kind = aid.split("-")[1]
        hit = aid in found and found[aid].duplicate_of == orig
        per_kind.setdefault(kind, [0, 0])[0] += hit
        per_kind[kind][1] += 1
    errors = [
        {"article": aid, "found": found[aid].duplicate_of if aid in found else None, "gold": gold[aid]}
        for aid in gold
        if (aid in found and found[aid].duplicate_of != gold[aid]) or (gold[aid] and aid not in found)
    ][:20]
    n_neg = sum(1 for v in gold.values() if v is None)
    print("\n## Syndication (ECB+ copies; every other ECB+ document is a hard negative)\n")
    print("| articles | copies | hard negatives | P | R | F1 | docs/s |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(articles)} | {len(articles) - n_neg} | {n_neg} | {p:.3f} | {r:.3f} | {f:.3f} | {len(articles) / dt:.0f} |"
    )
    print("\nrecall by kind: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per_kind.items())))
    print(f"left out: {n_family} ECB+ documents that share text with another (wire rewrites)")
    print("anchor (ANCHORS.md): text-dedup MinHash F1 0.9455 on its own near-duplicate benchmark")
    small = small_block_recall()
    return {
        "small_block_recall": small,
        "articles": len(articles),
        "P": round(p, 4),
        "R": round(r, 4),
        "F1": round(f, 4),
        "docs_per_s": round(len(articles) / dt),
        "recall_by_kind": per_kind,
        "left_out_wire_family_docs": n_family,
        "errors": errors,
    }


def small_block_recall(sizes: Sequence[int] = (30, 40, 60, 100), trials: int = 150) -> dict:
    """How often a block of n words from a 2n-word source, embedded mid-way in another ECB+ article,
    is found as a partial copy, by print sampling rate: what the sparser default sample costs."""
    texts = [d["text"] for d in load_ecb() if len(d["text"].split()) > 250]
    out: dict[str, dict[str, float]] = {}
    for mod in (4, 8):
        row = out.setdefault(f"fingerprint_mod={mod}", {})
        for n in sizes:
            rng, hit = random.Random(n), 0
            for _ in range(trials):
                a, c = rng.sample(range(len(texts)), 2)
                wa, wc = texts[a].split(), texts[c].split()
                s = rng.randrange(0, len(wa) - n)
                half = len(wc) // 2
                host = " ".join(wc[:half]) + "\n\n" + " ".join(wa[s : s + n]) + "\n\n" + " ".join(wc[half:])
                index = DedupIndex(DedupOptions(fingerprint_mod=mod))
                index.add(make_article("src", " ".join(wa[max(0, s - n) : s + n]), "2020-01-01"))
                hit += index.add(make_article("host", host, "2020-01-02")) is not None
            row[str(n)] = round(hit / trials, 3)
    print("\nsmall embedded blocks (n words of a 2n-word source) found as partial copies:\n")
    print("| print sample | " + " | ".join(f"{n} words" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, row in out.items():
        print(f"| {name} | " + " | ".join(f"{row[str(n)]:.2f}" for n in sizes) + " |")
    return out


# --------------------------------------------------------------------------- throughput

WORD_RE = re.compile(r"\w+")


CAP_RE = re.compile(r"\b[A-Z][a-z]+\b")


def _rename(lines: list[str], prefix: str) -> list[str]:
    """Capitalized words replaced by made-up names, one per distinct word."""
    names: dict[str, str] = {}

    def name(m: re.Match[str]) -> str:
        return names.setdefault(m.group(), f"{prefix}{len(names)}")

    return [CAP_RE.sub(name, line) for line in lines]


def perturbed_stream(n: int, seed: int = 13, per_day: int = 300) -> list[Article]:
    """n articles in stories of about six, at a fixed rate per day, built from ECB+ sentences.

    Each story draws 20 random ECB+ sentences (an article takes 14, about the
    length of an ECB+ document) and renames their
    capitalized words to story-specific made-up names, so that stories do not
    collapse into the 43 ECB+ topics; each article takes a random subset of its
    story's sentences with one word in six replaced. One article in five is a
    light copy (last line dropped) of a recent one. The rate is the same at every
    size, so per-article costs at 10k and 100k are comparable.
    """
    rng = random.Random(seed)
    lines = [line for d in load_ecb() for line in d["text"].split("\n") if len(line.split()) >= 6]
    vocab = sorted({w for line in lines[:3000] for w in WORD_RE.findall(line)})
    base = date(2024, 1, 1)
    out: list[Article] = []
    story_lines: list[str] = []
    for i in range(n):
        day = (base + timedelta(days=i // per_day)).isoformat()
        if i % 6 == 0:
            srng = random.Random(i)
            story_lines = _rename([lines[srng.randrange(len(lines))] for _ in range(20)], f"Z{i:x}q")
        if i >= 10 and i % 5 == 0:
            src = out[i - 1 - rng.randrange(min(i - 1, 50))]
            parts = src.text.split("\n")
            text = "\n".join(parts[:-1] if len(parts) > 2 else parts)
        else:
            chosen = rng.sample(story_lines, k=min(len(story_lines), 14))
            words = " ".join(chosen).split(" ")
            for _ in range(max(3, len(words) // 6)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            text = " ".join(words)
            text = "\n".join(text[k : k + 400] for k in range(0, len(text), 400))
        out.append(make_article(f"t{i}", text, day))
    return out


def two_cores(stream: Sequence[Article], verdicts: dict, clusterer: StoryClusterer) -> dict:
    """The product path with one worker process beside this one; checked against the serial run."""
    from newsdesk.parallel import worker_count
    from newsdesk.pipeline import PARALLEL_MIN_ARTICLES

    options = Options(workers=0)  # one per core less this one
    index = DedupIndex(options.dedup)
    stories = StoryClusterer(options.cluster)
    t0 = time.perf_counter()
    found = dedup_in_order(index, stream, options)
    t1 = time.perf_counter()
    cluster_in_order(stories, stream, {}, {d.article_id: d for d in found}, options)
    t2 = time.perf_counter()
    same = {d.article_id: d for d in found} == verdicts
    same = same and stories.stories() == clusterer.stories()
    return {
        "articles_per_wall_s": round(len(stream) / (t2 - t0)),
        "dedup_s": round(t1 - t0, 2),
        "assign_s": round(t2 - t1, 2),
        "workers": worker_count(options.workers, len(stream), PARALLEL_MIN_ARTICLES),
        "same": same,
    }


def bench_speed(sizes: Sequence[int]) -> dict:
    import resource

    results = {}
    for n in sizes:
        stream = perturbed_stream(n)
        dedup = DedupIndex(DedupOptions())
        clusterer = StoryClusterer(ClusterOptions())
        chunk = max(1000, n // 20)
        curve = []
        verdicts = {}  # article id -> DuplicateInfo, to check the 2-core run against
        t_dedup = t_assign = 0.0
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t_chunk = 0.0
        wall0 = time.perf_counter()
        for i, a in enumerate(stream, 1):
            # CPU time of this process: the machine is shared, so wall time mostly measures neighbours.
            t0 = time.process_time()
            info = dedup.add(a)
            t1 = time.process_time()
            clusterer.assign(a, None, info.duplicate_of if info else None)
            t2 = time.process_time()
            if info is not None:
                verdicts[a.id] = info
            t_dedup += t1 - t0
            t_assign += t2 - t1
            t_chunk += t2 - t1
            if i % chunk == 0:
                curve.append({"store": i, "assign_ms": round(1000 * t_chunk / chunk, 3)})
                t_chunk = 0.0
        wall = time.perf_counter() - wall0
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        two = two_cores(stream, verdicts, clusterer)
        dedup_bytes = len(dedup.to_bytes())
        cluster_bytes = len(clusterer.to_bytes())
        total = t_dedup + t_assign
        results[n] = {
            "articles": n,
            "articles_per_s": round(n / total),
            "articles_per_wall_s": round(n / wall),
            "dedup_ms": round(1000 * t_dedup / n, 3),
            "assign_ms": round(1000 * t_assign / n, 3),
            "stories": len(clusterer.stories()),
            "dedup_state_bytes_per_article": round(dedup_bytes / n),
            "cluster_state_bytes_per_article": round(cluster_bytes / n),
            "max_rss_growth_mb": round((rss1 - rss0) / 1024),
            "assign_ms_curve": curve,
            "two_cores": two,
        }
        del stream, dedup, clusterer
    print("\n## Throughput (dedup + assignment, NLP excluded, one process)\n")
    print("CPU time of the one process (wall-clock articles/s in the JSON; the machine is shared)\n")
    print(
        "| articles | articles/s | dedup ms/art | assign ms/art | stories | dedup B/art | cluster B/art | max RSS growth MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results.values():
        print(
            f"| {r['articles']} | {r['articles_per_s']} | {r['dedup_ms']} | {r['assign_ms']} | {r['stories']} | "
            f"{r['dedup_state_bytes_per_article']} | {r['cluster_state_bytes_per_article']} | {r['max_rss_growth_mb']} |"
        )
    print("\n## Throughput on 2 cores: the product path (`pipeline.dedup_in_order` + `cluster_in_order`)\n")
    print("Wall time; the pure per-article work (shingles, MinHash, feature vectors) in a worker process\n")
    print(
        "| articles | articles/s | dedup s | assign s | workers | same verdicts and stories as one process |"
    )
    print("|---|---|---|---|---|---|")
    for r in results.values():
        t = r["two_cores"]
        print(
            f"| {r['articles']} | {t['articles_per_wall_s']} | {t['dedup_s']} | {t['assign_s']} | "
            f"{t['workers']} | {t['same']} |"
        )
    for r in results.values():
        curve = r["assign_ms_curve"]
        print(
            f"assign ms/article by store size ({r['articles']}): "
            + ", ".join(f"{c['store']}:{c['assign_ms']}" for c in curve)
        )
    return {str(k): v for k, v in results.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller grids, 2k/10k throughput, no 'all' on UCI")
    ap.add_argument("--only", default="ecb,bound,uci,syn,speed", help="comma-separated sections")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if not ECB.exists():
        sys.exit(f"benchmark data not found under {SHARED}")
    out: dict = {"command": " ".join(["bench/cluster.py", *sys.argv[1:]])}
    if "ecb" in only:
        out["ecbplus"] = bench_ecb(args.quick)
    if "bound" in only:
        out["ecbplus_topic_bound"] = bench_topic_bound()
    if "uci" in only:
        out["uci_news"] = bench_uci(args.quick)
    if "syn" in only:
        out["syndication"] = bench_syndication()
    if "speed" in only:
        out["throughput"] = bench_speed([2_000, 10_000] if args.quick else [10_000, 100_000])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous.update(out)
    RESULTS.write_text(json.dumps(previous, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
