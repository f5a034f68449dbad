"""RecordKind: a record's schema, the articles that call for it, and the fields gateways may read."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError


@dataclass(frozen=True)
class RecordKind:
    code: str
    title: str
    schema: type[Schema]
    basis: tuple[str, ...]
    exports: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()
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
            absent = [h for h in data.get(name, []) if not file_exists(h)]
            if absent:
                errors[name] = [f"记录库中没有这些文件：{', '.join(absent)}"]
        return errors

    def exported(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The fields gateways may read, as they go into workflow data under the kind's code."""
        return {name: payload.get(name) for name in self.exports}

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
