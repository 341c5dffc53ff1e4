"""Load a benchmark script (bench/*.py) as a module, so gates and tests score with its own code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_bench(root: Path, name: str) -> ModuleType:
    """bench/<name>.py of the checkout at `root`, imported under a private module name."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", root / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
