"""The record catalogue: every kind of record a diagram may require, in one place.

Each stage module under ``handlers/records/`` lists its kinds in ``KINDS``; this module joins them
into one table.  Diagrams name kinds by code; the designer and the gate both read this table, so a
kind unknown here cannot be required anywhere.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields

from handlers.record_kind import RecordKind
from handlers.records import (
    approval,
    decision,
    enforcement,
    intake,
    investigation,
    measures,
    service,
    service_methods,
    simple,
    startup,
)

AV_RECORDING = "av_recording"
AV_NOT_SUITABLE = "av_not_suitable"
REFUSAL = "refusal_record"
REFUSABLE = investigation.REFUSABLE

STAGES = (startup, investigation, decision, service, service_methods, approval, simple, enforcement, intake,
          measures)

CATALOGUE: dict[str, RecordKind] = {}
for _stage in STAGES:
    for _kind in _stage.KINDS:
        if _kind.code in CATALOGUE:
            raise RuntimeError(f"记录类型 {_kind.code} 重复定义")
        CATALOGUE[_kind.code] = _kind


def kind(code: str) -> RecordKind:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"未知的记录类型：{code}") from None


def moment_field(ref: str) -> bool:
    """Whether ``kind.field`` names a moment (a date and time) of a catalogued record kind: where a diagram or a rule
    reads a period's start or end off a record, a typo would otherwise silently open no period or never move it."""
    code, _, name = ref.partition(".")
    rk = CATALOGUE.get(code)
    return rk is not None and isinstance(rk.schema().fields.get(name), fields.DateTime)


def display(code: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record as a 文书 shows it (:meth:`RecordKind.display`); a kind no longer catalogued shows as stored."""
    rk = CATALOGUE.get(code)
    return rk.display(payload) if rk else dict(payload)


def lines(code: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A stored record as the case file lists it (:meth:`RecordKind.lines`)."""
    rk = CATALOGUE.get(code)
    return rk.lines(payload) if rk else [(k, str(v)) for k, v in payload.items()]
