"""Errors that name the stage and the record (house style, DESIGN section 5.10)."""

from __future__ import annotations

from .records import ProcessingError


class NewsdeskError(Exception):
    """A failure in one stage for one record; the batch goes on."""

    def __init__(self, stage: str, path: str, message: str, record: str | None = None) -> None:
        super().__init__(f"[{stage}] {path}{f' ({record})' if record else ''}: {message}")
        self.stage = stage
        self.path = path
        self.message = message
        self.record = record

    def to_record(self) -> ProcessingError:
        return ProcessingError(path=self.path, stage=self.stage, message=self.message, record=self.record)


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says how to get it."""

    def __init__(self, what: str, extra: str, also: str = "") -> None:
        super().__init__(
            f"{what} needs the optional dependency group [{extra}]: pip install 'newsdesk[{extra}]'"
            + (f" && {also}" if also else "")
        )
