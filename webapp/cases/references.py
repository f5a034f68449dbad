"""A record that names another 文书 of its case names it by id: the issued document's 文号, title and date are
read from its sealed row and source records, never retyped (the 送达回证 of a 决定书 prints the 决定书's 文号).

A reference is checked when the record is stored: the document belongs to the case, and the act that refers
to it is not dated before the document it concerns (a 回证 before the 决定书 it serves is refused: 行政处罚法
第六十一条, 民事诉讼法 第八十七条).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import documents
from documents.render import cndate
from handlers import needs
from handlers.catalogue import CATALOGUE
from handlers.clock import local_text, moment
from webapp.db import db
from webapp.models import Document, Record

SERVICE_BASIS = ["行政处罚法 第六十一条", "民事诉讼法 第八十七条"]
#: the field of each referring record kind that holds the moment of its own act
ACT_FIELDS = {"service_receipt": "served_at", "electronic_service": "delivered_at", "relay_receipt": "served_at",
              "lodging_record": "refused_at", "mail_posting": "posted_at"}


@dataclass(frozen=True)
class Issued:
    """A sealed 文书 as another 文书 quotes it."""

    id: int
    kind: str
    title: str
    number: str
    moment: dt.datetime | None
    sha256: str = ""

    def quoted(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "number": self.number, "date": cndate(self.moment)}


def reference_fields(kind: str) -> tuple[str, ...]:
    rk = CATALOGUE.get(kind)
    return tuple(n for n, f in rk._schema.fields.items() if f.metadata.get("refers") == "document") if rk else ()


def issued(case_id: int, document_id: int) -> Issued | None:
    """The 文书 ``document_id`` of the case (newest version of its 文号), or ``None``."""
    doc = db.session.get(Document, document_id)
    if doc is None or doc.case_id != case_id:
        return None
    latest = db.session.scalar(select(Document).where(Document.agency_id == doc.agency_id, Document.number == doc.number)
                               .order_by(Document.version.desc()).limit(1)) or doc
    return _issued(latest)


def choices(case_id: int) -> dict[str, str]:
    """The case's 文书 an officer may pick (newest version of each 文号), id → what the picker shows."""
    latest: dict[str, Document] = {}
    for doc in db.session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)):
        latest[doc.number] = doc
    return {str(d.id): f"{d.title}（{d.number}）" for d in sorted(latest.values(), key=lambda d: d.id)}


def by_title(case_id: int, title: str) -> Issued | None:
    """The case's newest 文书 titled ``title`` (records stored before references named documents by id)."""
    doc = db.session.scalar(select(Document).where(Document.case_id == case_id, Document.title == title)
                            .order_by(Document.id.desc()).limit(1))
    return _issued(doc) if doc is not None else None


def of_kind(case_id: int, kind: str) -> Issued | None:
    """The case's newest 文书 of ``kind`` (a 强制执行申请书 quotes the 决定书 it asks the court to enforce)."""
    doc = db.session.scalar(select(Document).where(Document.case_id == case_id, Document.kind == kind)
                            .order_by(Document.id.desc()).limit(1))
    return _issued(doc) if doc is not None else None


def _issued(doc: Document) -> Issued:
    ids = [int(s[0]) for s in doc.sources or []]
    rows: list[Record] = list(db.session.scalars(select(Record).where(Record.id.in_(ids)))) if ids else []
    payloads = {r.kind: r.payload for r in rows}
    act = documents.act_moment(documents.kind(doc.kind), payloads) if doc.kind in documents.BY_CODE else None
    return Issued(doc.id, doc.kind, doc.title, doc.number, moment(act), doc.sha256)


def problems(case_id: int, kind: str, payload: Mapping[str, Any], cite: Callable[[list[str]], str]
             ) -> dict[str, list[str]]:
    """Field errors of the references in ``payload``: an unknown document, or an act dated before it."""
    out: dict[str, list[str]] = {}
    for name in reference_fields(kind):
        value = payload.get(name)
        if value in (None, ""):
            continue
        doc = issued(case_id, int(value))
        if doc is None:
            out[name] = [f"本案没有编号为 {value} 的文书"]
            continue
        served = moment(payload.get(ACT_FIELDS.get(kind, "")))
        if served is not None and doc.moment is not None and served < doc.moment:
            out[ACT_FIELDS[kind]] = [f"送达时间 {local_text(served)} 早于{doc.title}（{doc.number}）的日期 "
                                     f"{local_text(doc.moment)}（依据：{cite(SERVICE_BASIS)}）"]
    return out


def unquoted(kind: str, payload: Mapping[str, Any], held: Mapping[str, Mapping[str, Any]],
             format_set: str, cite: Callable[[list[str]], str]) -> dict[str, list[str]]:
    """A 文书 that quotes another (the 催告书 its 决定书) takes it from the case; where the case holds no such record
    (an enforcement begun on its own, the decision made in another case) the record must name it instead.  A 文书 that
    reports on another record (``needs``: the 鉴定结果告知书 on the 鉴定意见) is refused while the case holds none, or
    when its act is dated before that record's (``kind.field``: a result told before the opinion was issued).
    ``held``: the newest payload of each kind of record the case holds; 文书 are named as ``format_set`` names them,
    and a refusal cites the 文书's articles as ``cite`` prints them."""
    out: dict[str, list[str]] = {}
    for dk in documents.DOCUMENT_KINDS:
        quoted = documents.kind(dk.quotes) if dk.quotes and dk.typed_instead else None
        if dk.source == kind and quoted is not None and quoted.source not in held \
                and not str(payload.get(dk.typed_instead) or "").strip():
            title = quoted.title_in(format_set)
            out[dk.typed_instead] = [f"本案没有{title}：请写明被执行的{title}名称和文号"]
        if dk.source == kind:
            out.update(_before_what_it_reports(dk, payload, held, format_set, cite))
    return out


def _before_what_it_reports(dk: documents.DocumentKind, payload: Mapping[str, Any],
                            held: Mapping[str, Mapping[str, Any]], format_set: str,
                            cite: Callable[[list[str]], str]) -> dict[str, list[str]]:
    """What a 文书 reports on must be in the case first, of the right sort and dated no later (:mod:`handlers.needs`);
    a date out of order is refused on the record's own date field."""
    dated = dk.dated_by[0].partition(".")[2] if dk.dated_by else "_schema"
    out: dict[str, list[str]] = {}
    for need in needs.judged(dk, {dk.source: payload}, held, format_set):
        if not need.ok:
            out.setdefault(dated if need.dated else "_schema", []).append(f"{need.text}（依据：{cite(list(dk.basis))}）")
    return out
