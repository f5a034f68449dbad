"""HTML forms generated from the record catalogue, and their submissions turned back into payloads.

No form is written by hand per record kind: the widgets come from ``RecordKind.describe()`` (the
marshmallow fields' type and metadata: title, help, choices), so a kind added to the catalogue is
at once fillable in the browser, with the same validation the API applies.

Input names are dotted paths under ``f.<kind>.`` (``f.inquiry_record.signatures.0.signer``); a
re-rendered form reads its values back from the submitted form, so nothing typed is lost when a
submission is refused.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from handlers import clock
from handlers.catalogue import AV_RECORDING, CATALOGUE

_LONG_TEXT = ("内容", "情况", "意见", "事实", "理由", "说明", "证据", "目录", "结论", "案情", "依据", "措施", "原因")
_LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


@dataclass
class Widget:
    """One input (or group of inputs) of a generated form, ready for the ``record_form`` macro."""

    name: str
    title: str
    kind: str  # text | textarea | select | bool | datetime | decimal | multi | lines | group | rows
    required: bool = False
    help: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    children: list[Widget] = field(default_factory=list)
    rows: list[list[Widget]] = field(default_factory=list)
    template: list[Widget] = field(default_factory=list)
    files: bool = False
    media: bool = False  # the files are recordings handed over through the resumable A/V upload
    #: for rows whose items name a stored file (``file_fields`` ``list.field``): the item field the upload fills with
    #: the file's SHA-256 (a row is added per file, its ``name`` set to the file's name)
    file_into: str | None = None


def prefix(kind: str) -> str:
    return f"f.{kind}"


def widgets(kind: str, values: Mapping[str, Any], errors: Mapping[str, list[str]],
            documents: Mapping[str, str] | None = None) -> list[Widget]:
    """The widgets of ``kind``'s form, filled from ``values`` (flat form mapping) with ``errors`` by path; a field
    that names a 文书 of the case offers ``documents`` (id → title and 文号) to pick from, never an id to type."""
    rk = CATALOGUE[kind]
    desc = rk.describe()["fields"]
    out = [_widget(prefix(kind), n, d, values, errors, n in rk.file_fields) for n, d in desc.items()
           if not d.get("system")]  # what the system records when it performs the act (电子送达) is not typed
    for w in out:
        w.media = w.files and kind == AV_RECORDING and w.name == f"{prefix(kind)}.files"
        short = w.name[len(prefix(kind)) + 1:]
        if w.kind == "rows":
            w.file_into = next((f.split(".", 1)[1] for f in rk.file_fields if f.startswith(short + ".")), None)
        if w.kind == "document":
            w.kind, w.choices = "select", dict(documents or {})
            w.help = w.help if w.choices else "本案尚无已制作的文书"
    return sorted(out, key=_signatures_last)


def _signatures_last(w: Widget) -> bool:
    """Signatures close a record on paper, so their rows come after the content they sign."""
    return w.kind == "rows" and any(c.name.endswith(".signed") for c in w.template)


def _widget(base: str, name: str, d: dict[str, Any], values: Mapping[str, Any],
            errors: Mapping[str, list[str]], files: bool = False) -> Widget:
    path = f"{base}.{name}"
    w = Widget(name=path, title=d.get("title", name), kind=_kind_of(d), required=bool(d.get("required")),
               help=d.get("help"), choices=_choices(d), errors=list(errors.get(path, [])), files=files)
    if w.kind == "group":
        w.children = [_widget(path, n, sub, values, errors) for n, sub in d["fields"].items()]
    elif w.kind == "rows":
        indices = _indices(values, path) or ([0] if w.required else [])
        w.rows = [[_widget(f"{path}.{i}", n, sub, values, errors) for n, sub in d["fields"].items()]
                  for i in indices]
        w.template = [_widget(f"{path}.__i__", n, sub, {}, {}) for n, sub in d["fields"].items()]
    elif w.kind == "multi":
        w.value = _getlist(values, path)
        w.errors += [m for p, ms in errors.items() if p.startswith(path + ".") for m in ms]
    else:
        w.value = _get(values, path)
        if w.kind == "lines":
            w.errors += [m for p, ms in errors.items() if p.startswith(path + ".") for m in ms]
    return w


def _kind_of(d: Mapping[str, Any]) -> str:
    t = d["type"]
    if d.get("refers") == "document":
        return "document"
    if t == "Nested":
        return "group"
    if t == "List":
        items = d.get("items", {})
        if items.get("type") == "Nested":
            return "rows"
        return "multi" if items.get("choices") else "lines"
    if t == "Boolean":
        return "bool"
    if t in ("AwareDateTime", "DateTime"):
        return "datetime"
    if t == "Decimal":
        return "decimal"
    if d.get("choices"):
        return "select"
    return "textarea" if any(k in d.get("title", "") for k in _LONG_TEXT) else "text"


def _choices(d: Mapping[str, Any]) -> dict[str, str]:
    return dict(d.get("choices") or d.get("items", {}).get("choices") or {})


def _get(values: Mapping[str, Any], path: str) -> str:
    v = values.get(path, "")
    return v if isinstance(v, str) else str(v)


def _getlist(values: Mapping[str, Any], path: str) -> list[str]:
    getlist = getattr(values, "getlist", None)
    if getlist is not None:
        return list(getlist(path))
    v = values.get(path, [])
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _indices(values: Iterable[str], path: str) -> list[int]:
    pat = re.compile(re.escape(path) + r"\.(\d+)\.")
    return sorted({int(m.group(1)) for k in values if (m := pat.match(k))})


# ---- what the system already knows ---------------------------------------------------------

PARTY_FIELDS = {"name", "kind", "id_number", "address"}
OFFICER_FIELDS = {"name", "certificate_no"}
CHOOSES_SERVED = "service_plan"  # the record that chooses the 文书 to serve: never prefilled with an earlier choice


@dataclass(frozen=True)
class Known:
    """What a new record can start with instead of being retyped: the case's party (as the last record that named
    it has it), the signed-in officer and their 执法证号, the present minute in local time, and the 文书 being
    served."""

    party: Mapping[str, Any]
    officer: tuple[str, str] | None
    now: str
    served: int | None = None  # the 文书 the case's newest 送达安排 chose: what every later service record concerns


def prefill(kind: str, known: Known) -> dict[str, str]:
    """Form values for a section with no stored record: the party group, the first officer (a second row left
    for the colleague, chosen from the roster) and the first signature's time."""
    out: dict[str, str] = {}
    for name, d in CATALOGUE[kind].describe()["fields"].items():
        path, sub = f"{prefix(kind)}.{name}", set(d.get("fields") or d.get("items", {}).get("fields") or {})
        if d["type"] == "Nested" and PARTY_FIELDS <= sub:
            out.update({f"{path}.{k}": str(v) for k, v in known.party.items() if k in sub and v not in (None, "")})
        elif _kind_of(d) == "rows" and sub == OFFICER_FIELDS and known.officer:
            out.update({f"{path}.0.name": known.officer[0], f"{path}.0.certificate_no": known.officer[1],
                        f"{path}.1.name": ""})
        elif _kind_of(d) == "rows" and "signed_at" in sub:
            out[f"{path}.0.signed_at"] = known.now
        elif d.get("refers") == "document" and known.served is not None and kind != CHOOSES_SERVED:
            out[path] = str(known.served)
    return out


# ---- submitted form → payload -------------------------------------------------------------

def touched(kind: str, form: Mapping[str, Any]) -> bool:
    """Whether anything was typed or chosen in ``kind``'s section (a blank section is not a record); what the page
    filled in itself (:func:`prefill`, echoed in the section's hidden ``__prefilled`` input) is not a touch."""
    p = prefix(kind) + "."
    getlist = getattr(form, "getlist", None)
    given = _prefilled(kind, form)
    for key in form:
        if key.startswith(p) and "__" not in key[len(p):]:
            vals = getlist(key) if getlist else [form[key]]
            if any(str(v).strip() and str(v) != given.get(key) for v in vals):
                return True
    return False


def _prefilled(kind: str, form: Mapping[str, Any]) -> dict[str, str]:
    try:
        given = json.loads(form.get(f"{prefix(kind)}.__prefilled") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}


def payload_of(kind: str, form: Mapping[str, Any]) -> dict[str, Any]:
    """The record payload typed into ``kind``'s section; blank inputs are left out so the schema names them."""
    desc = CATALOGUE[kind].describe()["fields"]
    return _object(prefix(kind), desc, form)


def _object(base: str, desc: dict[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, d in desc.items():
        value = _value(f"{base}.{name}", d, form)
        if value is not None:
            out[name] = value
    return out


def _value(path: str, d: dict[str, Any], form: Mapping[str, Any]) -> Any:
    kind = _kind_of(d)
    if kind == "group":
        obj = _object(path, d["fields"], form)
        return obj or None
    if kind == "rows":
        rows = [_object(f"{path}.{i}", d["fields"], form) for i in _indices(form, path)]
        rows = [r for r in rows if r]
        return rows if rows or d.get("required") else None
    if kind == "multi":
        items = [v for v in _getlist(form, path) if v]
        return items if items or d.get("required") else None
    raw = _get(form, path).strip()
    if kind == "lines":
        items = [line.strip() for line in raw.splitlines() if line.strip()]
        return items if items or d.get("required") else None
    if not raw:
        return None
    if kind == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "datetime":
        return _aware(raw)
    if kind == "document":  # a 文书 picked from the case is stored by its id, as the API stores it
        return int(raw) if raw.isdigit() else raw
    return raw


def _aware(raw: str) -> str:
    """A ``datetime-local`` value is Beijing time (China has one zone and no summer time)."""
    if _LOCAL_MINUTE.match(raw):
        local = dt.datetime.fromisoformat(raw).replace(tzinfo=clock.CHINA)
        return local.isoformat()
    return raw


# ---- payload → form values -----------------------------------------------------------------

def form_values(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a stored payload into form values, the inverse of :func:`payload_of`."""
    out: dict[str, Any] = {}
    _flatten(prefix(kind), CATALOGUE[kind].describe()["fields"], payload, out)
    return out


def _flatten(base: str, desc: dict[str, Any], data: Mapping[str, Any], out: dict[str, Any]) -> None:
    for name, d in desc.items():
        if name not in data or data[name] is None:
            continue
        path, value, kind = f"{base}.{name}", data[name], _kind_of(d)
        if kind == "group" and isinstance(value, Mapping):
            _flatten(path, d["fields"], value, out)
        elif kind == "rows" and isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, Mapping):
                    _flatten(f"{path}.{i}", d["fields"], row, out)
        elif kind == "multi":
            out[path] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        elif kind == "lines":
            out[path] = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif kind == "bool":
            out[path] = "true" if value is True else "false" if value is False else str(value)
        elif kind == "datetime":
            out[path] = _local(str(value))
        else:
            out[path] = str(value)


def _local(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(clock.CHINA).strftime("%Y-%m-%dT%H:%M")


# ---- errors ------------------------------------------------------------------------------

def error_paths(kind: str, errors: Any) -> dict[str, list[str]]:
    """Marshmallow's nested error messages keyed by input path; schema-level ones under the section path."""
    out: dict[str, list[str]] = {}
    _collect(prefix(kind), errors, out)
    return out


def _collect(path: str, errors: Any, out: dict[str, list[str]]) -> None:
    if isinstance(errors, Mapping):
        for key, sub in errors.items():
            _collect(path if key == "_schema" else f"{path}.{key}", sub, out)
    elif isinstance(errors, (list, tuple)):
        for item in errors:
            _collect(path, item, out)
    elif errors is not None:
        out.setdefault(path, []).append(str(errors))


def unplaced(kind: str, errors: Mapping[str, list[str]]) -> list[str]:
    """Errors whose path names no input (a schema-wide rule, an unknown field): shown atop the section."""
    section = prefix(kind)
    known, lists = set(), set()
    for path, wkind in _all_paths(section, CATALOGUE[kind].describe()["fields"]):
        known.add(path)
        if wkind in ("multi", "lines"):
            lists.add(path)
    out = []
    for path, msgs in errors.items():
        if not (path == section or path.startswith(section + ".")):
            continue
        generic = re.sub(r"\.\d+(?=\.|$)", ".__i__", path)
        if generic in known or any(generic.startswith(lp + ".") for lp in lists):
            continue
        label = path[len(section) + 1:]
        out += [f"{label}：{m}" if label else m for m in msgs]
    return out


def _all_paths(base: str, desc: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for name, d in desc.items():
        path, kind = f"{base}.{name}", _kind_of(d)
        yield path, kind
        if kind == "group":
            yield from _all_paths(path, d["fields"])
        elif kind == "rows":
            yield from _all_paths(f"{path}.__i__", d["fields"])


def same_record(kind: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two payloads mean the same record (so re-saving an unchanged form makes no new version)."""
    schema = CATALOGUE[kind].schema()
    try:
        return schema.load(a) == schema.load(b)
    except ValidationError:
        return a == b
