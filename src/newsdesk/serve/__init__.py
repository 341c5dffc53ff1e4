"""`newsdesk serve`: a live service for a desk of editors (extra `[web]`: FastAPI and uvicorn).

`create_app(store, options, token=...)` returns the FastAPI app: the HTTP API,
server-sent events, a background ingest worker and the web app, all in one
process. The store is passed in, so the caller chooses the backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import MissingExtra

if TYPE_CHECKING:
    from .app import ServeOptions, create_app

__all__ = ["ServeOptions", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        try:
            from . import app
        except ImportError as exc:
            if getattr(exc, "name", "") in ("fastapi", "starlette", "uvicorn"):
                raise MissingExtra("newsdesk serve", "web") from exc
            raise
        return getattr(app, name)
    raise AttributeError(name)
