"""RecordKind: a record's schema, the articles that call for it, and the fields gateways may read."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError, fields

from handlers import clock


@dataclass(frozen=True)
class RecordKind:
    code: str
    title: str
    schema: type[Schema]
    basis: tuple[str, ...]
    exports: tuple[str, ...] = ()
    #: fields holding the SHA-256 of stored files: a list of hashes (``files``), or ``list.field`` for the hash field of
    #: a list of objects that also name each file (``extracted.sha256``: 电子数据提取笔录's file name and hash)
    file_fields: tuple[str, ...] = ()
    #: (field, why): a record stored before the act it proves has happened (an electronic sending still queued) does
    #: not yet satisfy its task until a later version fills ``field`` in (:meth:`unsettled`)
    awaits: tuple[str, str] | None = None
    #: acts (the vocabulary of :mod:`handlers.law.acts`, a group covers the acts under it) whose task page offers this
    #: kind beside the records the diagram requires: what an officer may need to record there and no step demands
    #: (a summons before questioning, a party's refusal, an expert's opinion)
    offered_on: tuple[str, ...] = ()
    _schema: Schema = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_schema", self.schema())

    def validate(self, payload: Mapping[str, Any], file_exists: Callable[[str], bool]) -> dict[str, Any]:
        """Return field errors (empty when valid); files named in ``file_fields`` must be stored."""
        try:
            data = self._schema.load(payload)
        except ValidationError as exc:
            # marshmallow leaves normalized_messages() unannotated; it always returns a dict
            messages: dict[str, Any] = exc.normalized_messages()  # type: ignore[no-untyped-call]
            return messages
        errors: dict[str, Any] = {}
        for name in self.file_fields:
            absent = [h for h in self._hashes_of(name, data) if not file_exists(h)]
            if absent:
                errors[name.partition(".")[0]] = [f"记录库中没有这些文件：{', '.join(absent)}"]
        return errors

    def hashes(self, payload: Mapping[str, Any]) -> list[str]:
        """The SHA-256 of every stored file the record names (:attr:`file_fields`), in order."""
        return [h for name in self.file_fields for h in self._hashes_of(name, payload)]

    @staticmethod
    def _hashes_of(name: str, payload: Mapping[str, Any]) -> list[str]:
        top, _, sub = name.partition(".")
        values = payload.get(top) or []
        found = [v.get(sub) if sub and isinstance(v, Mapping) else v for v in values] if isinstance(values, list) else []
        return [h for h in found if isinstance(h, str)]

    def unsettled(self, payload: Mapping[str, Any]) -> dict[str, list[str]]:
        """The field still awaited, with why, as field errors (empty when the record proves its act)."""
        if self.awaits is None or payload.get(self.awaits[0]):
            return {}
        return {self.awaits[0]: [self.awaits[1]]}

    def exported(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The fields gateways may read, as they go into workflow data under the kind's code."""
        return {name: payload.get(name) for name in self.exports}

    def display(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload as a 文书 shows it: choice codes become their Chinese labels (the code kept as ``<field>_code``)."""
        return _display(self._schema, payload)

    def lines(self, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(title, text) per field, for the case file: choices, yes/no and moments spelled out as people read them."""
        return [(_title(self._schema.fields.get(k), k), _text(self._schema.fields.get(k), v)) for k, v in payload.items()]

    def field_names(self) -> tuple[str, ...]:
        return tuple(self._schema.fields)

    def field_title(self, name: str) -> str:
        return _title(self._schema.fields.get(name), name)

    def describe(self) -> dict[str, Any]:
        """A JSON description of the fields, for API clients and generated forms."""
        return {"code": self.code, "title": self.title, "basis": list(self.basis),
                "fields": {name: _describe_field(f) for name, f in self._schema.fields.items()}}


def _describe_field(f: Any) -> dict[str, Any]:
    out = {"type": type(f).__name__, "required": f.required, **f.metadata}
    inner = getattr(f, "inner", None)
    if inner is not None:
        out["items"] = _describe_field(inner)
    nested = getattr(f, "schema", None) if type(f).__name__ == "Nested" else getattr(inner, "schema", None)
    if nested is not None:
        out["fields"] = {n: _describe_field(x) for n, x in nested.fields.items()}
    return out


def _display(schema: Schema, payload: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in payload.items():
        f = schema.fields.get(name)
        out[name] = _label(f, value) if f is not None else value
        if f is not None and f.metadata.get("choices") and isinstance(value, str):
            out[f"{name}_code"] = value
    return out


def _label(f: fields.Field[Any], value: Any) -> Any:
    if value is None:
        return None
    choices = f.metadata.get("choices")
    if choices and isinstance(value, str):
        return choices.get(value, value)
    if isinstance(f, fields.Nested) and isinstance(value, Mapping):
        return _display(f.schema, value)
    if isinstance(f, fields.List) and isinstance(value, list):
        return [_label(f.inner, v) for v in value]
    return value


def _title(f: fields.Field[Any] | None, name: str) -> str:
    return str(f.metadata.get("title", name)) if f is not None else name


def _text(f: fields.Field[Any] | None, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(f, fields.Nested) and isinstance(value, Mapping):
        inner = f.schema.fields
        return "，".join(f"{_title(inner.get(k), k)}：{_text(inner.get(k), v)}" for k, v in value.items())
    if isinstance(f, fields.List) and isinstance(value, list):
        return ("；" if isinstance(f.inner, fields.Nested) else "、").join(_text(f.inner, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = (f.metadata.get("choices") or {}) if f is not None else {}
    if str(value) in choices:
        return str(choices[str(value)])
    if isinstance(f, fields.DateTime):
        return _moment(str(value))
    return str(value)


def _moment(value: str) -> str:
    """Local time to the minute; a value that is not an aware moment is shown as stored."""
    try:
        aware = dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        aware = False
    return clock.local_text(value) if aware else value.replace("T", " ")
