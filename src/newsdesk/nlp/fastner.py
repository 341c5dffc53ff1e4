"""A drop-in for the model's `ner`: the same entities from the same weights in a third of the time.

spaCy's greedy transition decoder is C, but the compiled BILUO validity checks
of spaCy 3.8 take and release the GIL on every call, and a step checks all 74
moves of every state: about half of the recognizer's time went to GIL
hand-offs, and the recognizer was 40% of the whole parse (162 -> 51 us a word,
most of the rest being its own tok2vec). This component runs the model's own
layers (its tok2vec, the precomputed lower layer, the upper layer) through
thinc exactly as spaCy's `ParserStepModel` does, and replays the decoder in
numpy: one step for all sentences of a batch at once, the same float32 sums
in the same order, the same gemm (thinc's blis), the same move validity, the
same first-best argmax.

Sentences are decoded as independent states. That is the stock decoder's
behaviour too: an entity may not begin or continue into a token that starts a
sentence, so no state carries anything across a sentence start.

Anything this replay does not cover (entities already set on the doc, beam
search, a model of another shape) is handed to the stock component.
`tests/test_fastner.py` checks the entities token by token against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.tokens import Span
from spacy.util import minibatch

if TYPE_CHECKING:
    from spacy.pipeline import EntityRecognizer
    from spacy.tokens import Doc

_BEGIN, _IN, _LAST, _UNIT, _OUT = range(5)
_KIND = {"B": _BEGIN, "I": _IN, "L": _LAST, "U": _UNIT, "O": _OUT}


class FastEntityRecognizer:
    """Pipeline component built from a loaded `EntityRecognizer` (its weights and moves, not copies)."""

    def __init__(self, ner: EntityRecognizer) -> None:
        self.ner = ner
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        kinds, labels = [], []
        label_ids: dict[str, int] = {}
        for name in names:
            kind, _, label = name.partition("-")
            kinds.append(_KIND.get(kind, -1))
            labels.append(label_ids.setdefault(label, len(label_ids) + 1) if label else 0)
        self.kinds = np.array(kinds)
        self.labels = np.array(labels)
        self.label_names = {i: label for label, i in label_ids.items()}
        model = ner.model
        lower = model.get_ref("lower")
        self.supported = (
            -1 not in kinds
            and ner.cfg.get("beam_width", 1) == 1
            and model.attrs.get("has_upper", False)
            and lower.get_dim("nF") == 3  # the BILUO context: B0, the entity's first word, B0 - 1
            and lower.get_dim("nP") >= 2  # maxout
            and type(model.ops).__name__ == "NumpyOps"
        )
        # moves a state may take, by (entity open, last word of its sentence, word is whitespace)
        k, lab = self.kinds, self.labels
        self.closed_moves = {
            (last, space): ((k == _BEGIN) & (lab > 0) & (not last) & (not space))
            | ((k == _UNIT) & (lab > 0) & (not space))
            | (k == _OUT)
            for last in (False, True)
            for space in (False, True)
        }
        self.open_kinds = {last: (k == _LAST) | ((k == _IN) & (not last)) for last in (False, True)}

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """The stock component's batching (sorted by length, sub-batches of a quarter) and order."""
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._annotate(list(sub))
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        if not self.supported or any(doc.to_array(ENT_IOB).any() for doc in docs):
            self.ner.set_annotations(docs, self.ner.predict(docs))  # preset entities: the stock rules
            return
        docs_with_words = [doc for doc in docs if len(doc)]
        if not docs_with_words:
            return
        for doc, ents in zip(docs_with_words, self._decode(docs_with_words), strict=True):
            doc.set_ents(ents, default="outside")

    def _decode(self, docs: list[Doc]) -> list[list[Span]]:
        model = self.ner.model
        tok2vec, lower, upper = model.layers[0], model.layers[1], model.layers[2]
        tokvecs = tok2vec.predict(docs)
        cached = lower.predict(tokvecs)  # (words + 1, nF, nO, nP); row 0 is the padding
        n_rows, n_feats, n_out, n_pieces = cached.shape
        cached = cached.reshape(n_rows, n_feats, n_out * n_pieces)
        bias = lower.get_param("b").reshape(n_out * n_pieces)
        weights, scores_bias = upper.get_param("W"), upper.get_param("b")
        ops = model.ops

        # sentences of the batch as states, longest first, in batch word indices
        starts, lengths, space = [], [], []
        offset = 0
        for doc in docs:
            cols = doc.to_array([SENT_START, IS_SPACE])
            cuts = np.flatnonzero(cols[1:, 0] == 1) + 1
            bounds = np.concatenate(([0], cuts, [len(doc)]))
            starts.append(bounds[:-1] + offset)
            lengths.append(np.diff(bounds))
            space.append(cols[:, 1].astype(bool))
            offset += len(doc)
        start = np.concatenate(starts)
        length = np.concatenate(lengths)
        is_space = np.concatenate(space)
        order = np.argsort(-length, kind="stable")
        start, length = start[order], length[order]
        n_states = len(start)
        open_label = np.zeros(n_states, dtype=np.int64)
        ent_start = np.zeros(n_states, dtype=np.int64)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        active = n_states
        labels, kinds = self.labels, self.kinds
        for t in range(int(length[0])):
            while length[active - 1] <= t:
                active -= 1
            word = start[:active] + t
            is_open = open_label[:active] > 0
            row_first = np.where(is_open, ent_start[:active] + 1, 0)
            row_prev = np.where(is_open, word, 0)  # (word - 1) + 1
            unmaxed = cached[word + 1, 0] + cached[row_first, 1]
            unmaxed += cached[row_prev, 2]
            unmaxed += bias
            hidden = unmaxed.reshape(active, n_out, n_pieces).max(axis=2)
            scores = ops.gemm(hidden, weights, trans2=True)
            scores += scores_bias
            last = length[:active] - 1 == t
            valid = np.empty(scores.shape, dtype=bool)
            space_now = is_space[word]
            for (is_last, sp), moves in self.closed_moves.items():
                rows = ~is_open & (last == is_last) & (space_now == sp)
                valid[rows] = moves
            for is_last, moves in self.open_kinds.items():
                rows = is_open & (last == is_last)
                valid[rows] = moves[None, :] & (labels[None, :] == open_label[:active][rows, None])
            scores[~valid] = -np.inf
            best = scores.argmax(axis=1)
            kind, label = kinds[best], labels[best]
            begin = kind == _BEGIN
            open_label[:active][begin] = label[begin]
            ent_start[:active][begin] = word[begin]
            close = kind == _LAST
            if close.any():
                found.append((ent_start[:active][close], word[close] + 1, label[close]))
                open_label[:active][close] = 0
            unit = kind == _UNIT
            if unit.any():
                found.append((word[unit], word[unit] + 1, label[unit]))

        out: list[list[Span]] = [[] for _ in docs]
        if not found:
            return out
        ent_from = np.concatenate([f[0] for f in found])
        ent_to = np.concatenate([f[1] for f in found])
        ent_label = np.concatenate([f[2] for f in found])
        doc_starts = np.cumsum([0] + [len(doc) for doc in docs])
        which = np.searchsorted(doc_starts, ent_from, side="right") - 1
        for i in np.lexsort((ent_from, which)).tolist():
            d = int(which[i])
            base = int(doc_starts[d])
            label_name = self.label_names[int(ent_label[i])]
            out[d].append(Span(docs[d], int(ent_from[i]) - base, int(ent_to[i]) - base, label=label_name))
        return out
