"""Server-sent events: the worker publishes, every open `/events` stream receives.

The worker is a thread and the streams live on the server's event loop, so
`publish` hands each event to the loop (`call_soon_threadsafe`). Events carry
increasing ids and the last `keep` are kept, so a browser that reconnects
with `Last-Event-ID` (EventSource does so by itself) misses nothing. A stream
that cannot keep up (its queue is full) is closed; it reconnects and replays.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

KEEPALIVE_SECONDS = 15.0
QUEUE_SIZE = 1000
RETRY_MS = 3000


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: str  # story | conflict | job
    data: dict[str, Any]

    def encode(self) -> bytes:
        body = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.kind}\ndata: {body}\n\n".encode()


class EventHub:
    """Fan-out of worker events to the open streams, with a replay buffer."""

    def __init__(self, keep: int = 500) -> None:
        self._ids = itertools.count(1)
        self._recent: deque[Event] = deque(maxlen=keep)
        self._queues: set[asyncio.Queue[Event | None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the streams run on (set when the server starts)."""
        self._loop = loop

    def publish(self, kind: str, data: dict[str, Any]) -> Event:
        """Send an event to every stream; safe from any thread."""
        with self._lock:
            event = Event(next(self._ids), kind, data)
            self._recent.append(event)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in between: nobody listens
                loop.call_soon_threadsafe(self._fanout, event)
        return event

    def _fanout(self, event: Event) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # too slow: end that stream; the client reconnects and replays
                self._queues.discard(queue)
                queue.get_nowait()
                queue.put_nowait(None)

    def recent(self, after: int = 0) -> list[Event]:
        with self._lock:
            return [e for e in self._recent if e.id > after]

    def close(self) -> None:
        """End every open stream (server shutdown)."""
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._queues.clear()

    async def stream(self, last_id: int | None = None) -> AsyncIterator[bytes]:
        """The bytes of one `/events` response: replay after `last_id`, then live events and keep-alives."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
            if last_id is not None:
                for event in self.recent(last_id):
                    yield event.encode()
            seen = last_id or 0
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if event is None:
                    return
                if event.id > seen:
                    seen = event.id
                    yield event.encode()
        finally:
            self._queues.discard(queue)
