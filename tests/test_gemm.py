"""`NlpOptions.gemm`: the models' matrix products through numpy's BLAS by default, blis on request.

test_fastruler.py compares the default pipeline with the stock one (blis) token by token.
"""

from __future__ import annotations

import pydantic
import pytest

from newsdesk.nlp.pipeline import component_models as _models
from newsdesk.nlp.pipeline import load_nlp
from newsdesk.options import NlpOptions


def test_default_runs_every_layer_on_numpy_gemm(nlp) -> None:
    assert NlpOptions().gemm == "numpy"
    models = list(_models(nlp))
    assert {"tok2vec", "tagger", "parser", "fast_ner"} <= set(nlp.pipe_names) and len(models) >= 3
    assert all(not node.ops.use_blis for model in models for node in model.walk())


def test_blis_is_kept_on_request() -> None:
    blis = load_nlp(NlpOptions().model, "blis")
    assert blis is not load_nlp() and blis is load_nlp(NlpOptions().model, "blis")
    assert all(node.ops.use_blis for model in _models(blis) for node in model.walk())
    text = "Union leader Tomas Brevik said on Monday that 4,000 commuters were stranded in Port Calder."
    ours, theirs = load_nlp()(text), blis(text)
    assert [(t.tag_, t.dep_, t.head.i, t.ent_type_) for t in ours] == [
        (t.tag_, t.dep_, t.head.i, t.ent_type_) for t in theirs
    ]


def test_unknown_gemm_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        NlpOptions(gemm="mkl")


def test_annotation_leaves_numpys_huge_page_setting_as_it_found_it() -> None:
    """Annotation turns numpy's huge-page advice off while it runs (see `_small_pages`), not for the caller."""
    import numpy

    from newsdesk.nlp.pipeline import _annotate_serial
    from newsdesk.records import Article

    setter = numpy._core.multiarray._set_madvise_hugepage
    before = setter(True)
    try:
        text = "Mayor Ana Ruiz said on Monday that 40 buses would run."
        article = Article(
            id="a1", path="a1", fmt="txt", text=text, title=None, title_source="absent",
            published="2026-03-02", published_source="header", body_span=(0, len(text)),
            body_segments=((0, len(text)),), word_count=11,
        )  # fmt: skip
        options = NlpOptions()
        (result,) = _annotate_serial([article], options.model, options.batch_size, options.gemm)
        assert result.quotes and setter(True) is True
    finally:
        setter(before)
