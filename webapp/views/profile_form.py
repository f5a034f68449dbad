"""The agency profile as a form generated from its schema (handlers/profiles.py), and the form's submission
turned back into the same profile data the TOML text gives.

Nothing here names a profile field: inputs come from the fields' types, validators and ``metadata`` (label,
help, choices, units), so a field added to the schema appears in the form with its label.  Integer periods are
entered as number + unit (``units``: the stored value is number × factor; ``joins`` puts an alternative field,
such as a handover in working days, under the same input as one more unit).  Fields the form cannot show
(lists of tables such as the rules, key-value tables, or fields marked ``carried``) are kept as they are.
Input names are dotted paths under ``f.``; a refused submission is re-rendered from what was typed.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields, validate

from handlers import profiles

PREFIX = "f."


@dataclass
class Input:
    path: tuple[str, ...]
    label: str
    kind: str  # text | number | period | bool | select | multi | lines | dates | group
    help: str = ""
    required: bool = False
    readonly: bool = False
    choices: dict[str, str] = field(default_factory=dict)
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit value "key:factor", label)
    unit: str = ""  # the fixed unit shown after a plain number
    children: list[Input] = field(default_factory=list)
    value: Any = ""
    unit_value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return PREFIX + ".".join(self.path)

    @property
    def key(self) -> str:
        return self.path[-1]


def inputs(schema: Schema, choices: Mapping[str, dict[str, str]], prefix: tuple[str, ...] = ()) -> list[Input]:
    """The inputs for ``schema``'s fields; ``choices`` resolves a field's named choice list (``"procedures"``)."""
    out = []
    for name, f in schema.fields.items():
        meta = f.metadata
        if meta.get("carried") or meta.get("joins") or _kind(f) is None:
            continue
        item = Input((*prefix, name), meta.get("label", name), _kind(f) or "text", meta.get("help", ""), f.required,
                     bool(meta.get("readonly")), _choices(f, choices), unit=meta.get("unit", ""))
        if item.kind == "period":
            item.units = [(f"{key}:{factor}", label) for key, g in _alternatives(schema, name)
                          for label, factor in g.metadata["units"]]
        if isinstance(f, fields.Nested) and isinstance(f.schema, Schema):
            item.children = inputs(f.schema, choices, item.path)
        out.append(item)
    return out


def carried(schema: Schema, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """The fields the form leaves as they are (path, label): saved from the current profile unchanged."""
    for name, f in schema.fields.items():
        if f.metadata.get("joins"):
            continue
        if f.metadata.get("carried") or _kind(f) is None:
            yield (*prefix, name), f.metadata.get("label", name)
        elif isinstance(f, fields.Nested) and isinstance(f.schema, Schema):
            yield from carried(f.schema, (*prefix, name))


def _kind(f: fields.Field[Any]) -> str | None:
    if isinstance(f, fields.Nested):
        return "group" if isinstance(f.schema, Schema) else None
    if isinstance(f, fields.List):
        inner = f.inner
        if isinstance(inner, fields.Nested):
            return None
        if f.metadata.get("choices") or _one_of(inner):
            return "multi"
        return "dates" if isinstance(inner, fields.Date) else "lines"
    if isinstance(f, fields.Boolean):
        return "bool"
    if isinstance(f, fields.Integer):
        return "period" if f.metadata.get("units") else "number"
    if isinstance(f, fields.String):
        return "select" if f.metadata.get("choices") or _one_of(f) else "text"
    return None


def _one_of(f: fields.Field[Any]) -> list[str]:
    return next((list(map(str, v.choices)) for v in f.validators if isinstance(v, validate.OneOf)), [])


def _choices(f: fields.Field[Any], named: Mapping[str, dict[str, str]]) -> dict[str, str]:
    given = f.metadata.get("choices")
    if isinstance(given, str):
        return dict(named.get(given, {}))
    if isinstance(given, Mapping):
        return dict(given)
    inner = f.inner if isinstance(f, fields.List) else f
    return {c: c for c in _one_of(inner)}


def _alternatives(schema: Schema, name: str) -> list[tuple[str, fields.Field[Any]]]:
    """A period field and the fields that join it as other units (``handover_hours`` + ``handover_working_days``)."""
    return [(name, schema.fields[name])] + [(k, g) for k, g in schema.fields.items() if g.metadata.get("joins") == name]


def fill(items: list[Input], data: Mapping[str, Any]) -> None:
    """Set each input's value from profile data (the current profile, as its TOML reads)."""
    for item in items:
        got = data.get(item.key) if isinstance(data, Mapping) else None
        if item.kind == "group":
            fill(item.children, got if isinstance(got, Mapping) else {})
        elif item.kind == "period":
            item.value, item.unit_value = _period_value(item, data)
        elif item.kind == "bool":
            item.value = "" if got is None else ("true" if got else "false")
        elif item.kind == "multi":
            item.value = [str(v) for v in got or []]
        elif item.kind in ("lines", "dates"):
            item.value = "\n".join(str(v) for v in got or [])
        else:
            item.value = "" if got is None else str(got)


def _period_value(item: Input, data: Mapping[str, Any]) -> tuple[str, str]:
    """The stored number shown in the largest unit that divides it: 48 hours as 2 日, 24 months as 2 年."""
    for value_key, _ in sorted(item.units, key=lambda u: -int(u[0].split(":")[1])):
        key, factor = value_key.split(":")
        stored = data.get(key)
        if isinstance(stored, int) and not isinstance(stored, bool) and stored % int(factor) == 0:
            return str(stored // int(factor)), value_key
    return "", item.units[0][0]


def read(items: list[Input], form: Mapping[str, Any]) -> None:
    """Set each input's value from a submitted form, exactly as typed."""
    for item in items:
        if item.kind == "group":
            read(item.children, form)
        elif item.kind == "multi":
            item.value = list(form.getlist(item.name)) if hasattr(form, "getlist") else list(form.get(item.name, []))
        else:
            item.value = str(form.get(item.name, ""))
            item.unit_value = str(form.get(f"{item.name}:unit", "")) if item.kind == "period" else ""


def build(items: list[Input], current: Mapping[str, Any]) -> dict[str, Any]:
    """The profile data: the current profile with each input's value put in (read-only inputs and the fields the
    form leaves out stay as they are); an empty optional input removes its key, so the default applies."""
    out = copy.deepcopy(dict(current))
    _put(items, out)
    return out


def _put(items: list[Input], level: dict[str, Any]) -> None:
    for item in items:
        if item.readonly:
            continue
        if item.kind == "group":
            sub = dict(level.get(item.key) or {}) if isinstance(level.get(item.key), Mapping) else {}
            _put(item.children, sub)
            _set(level, item.key, sub or None, item.required)
        elif item.kind == "period":
            for value_key, _ in item.units:
                level.pop(value_key.split(":")[0], None)
            key, _, factor = (item.unit_value or item.units[0][0]).partition(":")
            number = _number(item.value)
            _set(level, key, number * int(factor or 1) if isinstance(number, int) else number, item.required)
        else:
            _set(level, item.key, _typed(item), item.required)


def _set(level: dict[str, Any], key: str, value: Any, required: bool) -> None:
    if value in (None, "", []) and not (required and value == []):
        level.pop(key, None)
    else:
        level[key] = value


def _typed(item: Input) -> Any:
    """The value as the schema expects it; what cannot be converted is passed on as typed, for the schema to refuse."""
    text = item.value if isinstance(item.value, str) else ""
    if item.kind == "number":
        return _number(text)
    if item.kind == "bool":
        return {"true": True, "false": False}.get(text)
    if item.kind == "multi":
        return list(item.value)
    if item.kind in ("lines", "dates"):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return [_date(line) for line in lines] if item.kind == "dates" else lines
    return text.strip()


def _number(text: str) -> int | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _date(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def place(items: list[Input], messages: Any, schema: Schema) -> list[str]:
    """Put the schema's messages beside their inputs (a joined field's beside its host); the rest, a carried
    field's, come back as lines to show above the form, named by their labels."""
    by_path = {i.path: i for i in _all(items)}
    labels = {p: f.metadata.get("label", p[-1]) for p, f in profiles.walk(schema)}
    left = []
    for path, text in _flat(messages, ()):
        host = _joined(schema, path)
        target = by_path.get((*path[:-1], host) if host else path)
        if target is not None:
            target.errors.append(text)
        else:
            left.append(f"{'／'.join(labels.get(path[:n + 1], path[n]) for n in range(len(path))) or '配置'}：{text}")
    return left


def _joined(schema: Schema, path: tuple[str, ...]) -> str | None:
    level: Any = schema
    for key in path[:-1]:
        f = level.fields.get(key) if isinstance(level, Schema) else None
        level = f.schema if isinstance(f, fields.Nested) else None
    f = level.fields.get(path[-1]) if isinstance(level, Schema) and path else None
    return f.metadata.get("joins") if f is not None else None


def _flat(messages: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """marshmallow's nested messages as (field path, message); list positions and ``_schema`` name their field."""
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            yield from _flat(sub, path if key == "_schema" or isinstance(key, int) else (*path, str(key)))
    elif isinstance(messages, list):
        for sub in messages:
            yield from _flat(sub, path)
    else:
        yield path, str(messages)


def _all(items: list[Input]) -> Iterator[Input]:
    for item in items:
        yield item
        yield from _all(item.children)
