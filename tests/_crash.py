"""A chunk function whose worker process dies on one item (imported by spawned workers)."""

from __future__ import annotations

import os


def upper_or_die(items: list[str]) -> list[str]:
    for item in items:
        if item == "boom":
            os._exit(3)  # what a segfault in a C library or the OOM killer does to a worker
    return [item.upper() for item in items]
