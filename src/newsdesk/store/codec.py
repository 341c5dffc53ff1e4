"""Exact JSON round-trip for the records in `records.py`.

The store keeps records as JSON text so that both SQLite and PostgreSQL can
hold them and a human can read them. Plain `json` loses the difference
between tuples and lists and cannot rebuild nested dataclasses, so the
encoder and decoder here are derived from each dataclass's fields and type
hints (compiled once per type and cached): a new field in `records.py` needs
no change here.

Values typed `Any` (a fact's value, `extra` pairs) keep their Python shape:
tuples, dicts with non-string keys and embedded records are tagged.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import numbers
import types
import typing
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from functools import cache
from typing import Any, TypeVar

from .. import records

T = TypeVar("T")

Codec = Callable[[Any], Any]

_TUPLE = "__tuple__"
_PAIRS = "__pairs__"
_RECORD = "__record__"
_FLOAT = "__float__"
_SET = "__set__"
_FROZENSET = "__frozenset__"
_BYTES = "__bytes__"
_TAGS = (_TUPLE, _PAIRS, _RECORD, _FLOAT, _SET, _FROZENSET, _BYTES)


def _record_classes() -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(records).items()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == records.__name__
    }


# --------------------------------------------------------------------------- Any


def _enc_any(value: Any) -> Any:
    """Encode an untyped value so that `_dec_any` gives back an equal value of the same shape."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {_FLOAT: repr(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_RECORD: type(value).__name__, "value": _encoder(type(value))(value)}
    if isinstance(value, tuple):
        return {_TUPLE: [_enc_any(v) for v in value]}
    if isinstance(value, list):
        return [_enc_any(v) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) for k in value) and not any(t in value for t in _TAGS):
            return {k: _enc_any(v) for k, v in value.items()}
        return {_PAIRS: [[_enc_any(k), _enc_any(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        items = sorted((_enc_any(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return {_FROZENSET if isinstance(value, frozenset) else _SET: items}
    if isinstance(value, (bytes, bytearray)):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    # numpy and other numeric scalars: stored as the plain number they equal
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _enc_any(float(value))
    raise TypeError(f"cannot encode {type(value).__name__} value {value!r}")


def _dec_any(data: Any) -> Any:
    if isinstance(data, list):
        return [_dec_any(v) for v in data]
    if isinstance(data, dict):
        if len(data) == 1 and _TUPLE in data:
            return tuple(_dec_any(v) for v in data[_TUPLE])
        if len(data) == 1 and _PAIRS in data:
            return {_dec_any(k): _dec_any(v) for k, v in data[_PAIRS]}
        if len(data) == 1 and _FLOAT in data:
            return float(data[_FLOAT])
        if len(data) == 1 and _SET in data:
            return {_dec_any(v) for v in data[_SET]}
        if len(data) == 1 and _FROZENSET in data:
            return frozenset(_dec_any(v) for v in data[_FROZENSET])
        if len(data) == 1 and _BYTES in data:
            return base64.b64decode(data[_BYTES])
        if len(data) == 2 and _RECORD in data:
            return _decoder(_record_classes()[data[_RECORD]])(data["value"])
        return {k: _dec_any(v) for k, v in data.items()}
    return data


def _identity(value: Any) -> Any:
    return value


def _enc_float(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {_FLOAT: repr(value)}
    return value


def _dec_float(data: Any) -> Any:
    return float(data[_FLOAT]) if isinstance(data, dict) else data


# --------------------------------------------------------------------------- typed


def _parts(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(tp), typing.get_args(tp)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional_inner(args: tuple[Any, ...]) -> Any | None:
    """`X` for `X | None`; None for any other union."""
    rest = [a for a in args if a is not type(None)]
    return rest[0] if len(rest) == 1 and len(args) == 2 else None


def _field_codecs(cls: type, make: Callable[[Any], Codec]) -> list[tuple[str, Codec]]:
    hints = _hints(cls)
    return [(f.name, make(hints[f.name])) for f in dataclasses.fields(cls)]


def _compile(name: str, source: str, namespace: dict[str, Any]) -> Codec:
    exec(compile(source, f"<newsdesk.store.codec {name}>", "exec"), namespace)
    return typing.cast(Codec, namespace[name])


def _inline(fn: Codec, arg: str, i: int, namespace: dict[str, Any]) -> str:
    """Source for `fn(arg)`, with the identity and the tuple/list builtins inlined."""
    if fn is _identity:
        return arg
    if fn is tuple or fn is list:
        return f"{fn.__name__}({arg})"
    namespace[f"_c{i}"] = fn
    return f"_c{i}({arg})"


def _record_encoder(cls: type) -> Codec:
    """A generated `value -> dict` for one dataclass (a loop over fields is 3x slower)."""
    namespace: dict[str, Any] = {}
    items = ", ".join(
        f"{name!r}: {_inline(enc, f'v.{name}', i, namespace)}"
        for i, (name, enc) in enumerate(_field_codecs(cls, _encoder))
    )
    return _compile("enc", f"def enc(v):\n    return {{{items}}}\n", namespace)


def _record_decoder(cls: type) -> Codec:
    """A generated `dict -> record` for one dataclass; data from before a field existed takes its default."""
    fields = _field_codecs(cls, _decoder)

    def slow(data: Any) -> Any:
        return cls(**{name: dec(data[name]) for name, dec in fields if name in data})

    namespace: dict[str, Any] = {"_cls": cls, "_slow": slow}
    args = ", ".join(_inline(dec, f"d[{name!r}]", i, namespace) for i, (name, dec) in enumerate(fields))
    source = (
        f"def dec(d):\n    try:\n        return _cls({args})\n    except KeyError:\n        return _slow(d)\n"
    )
    return _compile("dec", source, namespace)


@cache
def _encoder(tp: Any) -> Codec:
    """A function that maps a value of type `tp` to JSON-ready data."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _record_encoder(tp)
    origin, args = _parts(tp)
    if tp in (str, int, bool) or origin is typing.Literal:
        return _identity
    if tp is float:
        return _enc_float
    if origin in (typing.Union, types.UnionType):
        inner = _optional_inner(args)
        if inner is None:
            return _enc_any
        enc_inner = _encoder(inner)
        if enc_inner is _identity:
            return _identity
        return lambda value: None if value is None else enc_inner(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            enc_item = _encoder(args[0])
            if enc_item is _identity:
                return list
            return lambda value: [enc_item(v) for v in value]
        if args:
            encs = [_encoder(a) for a in args]
            if all(e is _identity for e in encs):
                return list
            return lambda value: [e(v) for e, v in zip(encs, value, strict=True)]
        return _enc_any
    if origin is list:
        enc_item = _encoder(args[0]) if args else _enc_any
        return lambda value: [enc_item(v) for v in value]
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        if args and args[0] is str:
            enc_val = _encoder(args[1])
            return lambda value: {k: enc_val(v) for k, v in value.items()}
        return _enc_any
    return _enc_any


@cache
def _decoder(tp: Any) -> Codec:
    """The inverse of `_encoder(tp)`."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _record_decoder(tp)
    origin, args = _parts(tp)
    if tp in (str, int, bool) or origin is typing.Literal:
        return _identity
    if tp is float:
        return _dec_float
    if origin in (typing.Union, types.UnionType):
        inner = _optional_inner(args)
        if inner is None:
            return _dec_any
        dec_inner = _decoder(inner)
        if dec_inner is _identity:
            return _identity
        return lambda data: None if data is None else dec_inner(data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            dec_item = _decoder(args[0])
            if dec_item is _identity:
                return tuple
            return lambda data: tuple([dec_item(v) for v in data])
        if args:
            decs = [_decoder(a) for a in args]
            if all(d is _identity for d in decs):
                return tuple
            return lambda data: tuple([d(v) for d, v in zip(decs, data, strict=True)])
        return _dec_any
    if origin is list:
        dec_item = _decoder(args[0]) if args else _dec_any
        return lambda data: [dec_item(v) for v in data]
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        if args and args[0] is str:
            dec_val = _decoder(args[1])
            return lambda data: {k: dec_val(v) for k, v in data.items()}
        return _dec_any
    return _dec_any


# --------------------------------------------------------------------------- public


def to_data(record: Any) -> Any:
    """JSON-ready data for a record (or any value built from records)."""
    return _encoder(type(record))(record)


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a record of type `cls` from `to_data` output."""
    return typing.cast(T, _decoder(cls)(data))


def to_json(record: Any) -> str:
    """Compact JSON text for a record; `from_json(type(record), text) == record`."""
    return json.dumps(to_data(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def from_json(cls: type[T], text: str | bytes) -> T:
    return from_data(cls, json.loads(text))


class LazyRecords(MutableMapping[str, T]):
    """Records by id, kept as stored JSON until one is read (then decoded once).

    A warm re-run needs to know which extractions exist, but reads few of them
    when its dossiers and flags come from the cache: decoding all 982 of ECB+
    took a third of such a run. `update` with another `LazyRecords` moves the
    undecoded text over, so merging two of them decodes nothing.
    """

    def __init__(self, cls: type[T], raw: Mapping[str, str | bytes] | None = None) -> None:
        self._cls = cls
        self._raw: dict[str, str | bytes | None] = dict(raw or {})
        self._done: dict[str, T] = {}

    def __getitem__(self, key: str) -> T:
        if key in self._done:
            return self._done[key]
        record = from_json(self._cls, self._raw[key])  # KeyError for an id it does not hold
        self._done[key] = record
        self._raw[key] = None  # None: decoded, the record is in _done
        return record

    def __setitem__(self, key: str, value: T) -> None:
        self._done[key] = value
        self._raw[key] = None

    def __delitem__(self, key: str) -> None:
        del self._raw[key]
        self._done.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def update(self, other: Any = (), /, **kwargs: T) -> None:
        if isinstance(other, LazyRecords) and not kwargs:
            for key, text in other._raw.items():
                if text is None:
                    self[key] = other._done[key]
                else:
                    self._raw[key] = text
                    self._done.pop(key, None)
            return
        super().update(other, **kwargs)

    def decoded(self) -> int:
        """How many records have been decoded (or set) so far."""
        return len(self._done)
