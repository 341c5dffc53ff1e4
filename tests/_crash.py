"""A chunk function whose worker process dies on one item (imported by spawned workers)."""

from __future__ import annotations

import os


def upper_or_die(items: list[str]) -> list[str]:
    for item in items:
        if item == "boom":
            os._exit(3)  # what a segfault in a C library or the OOM killer does to a worker
    return [item.upper() for item in items]


def upper_after_boom(items: list[str]) -> list[str]:
    """Like `upper_or_die`, but no item finishes before "boom" has killed its worker (the marker
    file named by NEWSDESK_TEST_BOOM names that moment): every chunk the pool holds is in flight
    when it breaks, whatever the order the workers start in."""
    import time
    from pathlib import Path

    marker = Path(os.environ["NEWSDESK_TEST_BOOM_MARKER"])
    if "boom" in items:
        marker.touch()
        os._exit(3)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return [item.upper() for item in items]
