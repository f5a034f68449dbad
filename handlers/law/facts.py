"""Facts a case holds: the moment a record of a named act says something happened, bound to that record by id.

A period runs from such a fact, never from a date retyped into a later record: the court application
counts from the 送达回证 of *that* 催告书 (行政强制法 第五十四条), not from a date the officer types.
A source names the record kind and field that establish the fact and, where the same kind serves
several acts (a 送达回证 serves every document), the record it must follow.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from handlers.catalogue import CATALOGUE


@dataclass(frozen=True)
class Proof:
    """A record kind that proves the fact: its field holds the moment, ``days`` later where the law says so."""

    field: str
    days: int = 0
    amount: bool = False  # the field holds a sum of money (yuan), not a moment
    text: bool = False  # the field holds a name or a number as written
    signer: str | None = None  # ``field`` is a list of signatures: the moment this capacity signed (a 审批 has no date field)
    items: bool = False  # the field holds a list of items as written (the contents of a 补正告知书)


@dataclass(frozen=True)
class FactSource:
    title: str
    proofs: Mapping[str, Proof]
    after: str | None = None  # the newest record of this kind must precede the fact's record
    optional: bool = False  # a case with no ``after`` record at all is not bound (an enforcement begun on its own)
    first: bool = False  # the first such record of the case (its newest version) establishes it, not the newest record


@dataclass(frozen=True)
class Fact:
    name: str
    title: str
    value: dt.datetime | Decimal | str | tuple[str, ...]
    record_id: int

    @property
    def at(self) -> dt.datetime:
        if not isinstance(self.value, dt.datetime):
            raise TypeError(f"{self.title} 不是时间")
        return self.value


# 送达 by each method (民事诉讼法 第八十七至九十五条): the date on the 送达回证, the receipt date of the mail,
# the day of 留置; a 公告 counts as served thirty days after publication (第九十五条), whatever is typed.
SERVED = {"service_receipt": Proof("served_at"), "relay_receipt": Proof("served_at"),
          "mail_receipt": Proof("received_at"), "lodging_record": Proof("refused_at"),
          "public_notice": Proof("published_at", days=30), "electronic_service": Proof("delivered_at")}
FACTS: dict[str, FactSource] = {
    "催告书送达": FactSource("催告书送达", SERVED, after="enforcement_reminder"),
    "事先告知": FactSource("行政处罚事先告知", {"prior_notice": Proof("notified_at")}),
    "听证通知送达": FactSource("听证通知书送达", SERVED, after="hearing_arrangement"),
    "代履行催告": FactSource("代履行前催告", {"substitute_performance": Proof("reminded_at")}),
    "当场收缴": FactSource("当场收缴罚款", {"fine_collection": Proof("collected_at")}),
    "具名投诉举报人": FactSource("投诉举报登记的具名投诉举报人", {"complaint_record": Proof("complainant", text=True)}),
    "决定书送达": FactSource("行政处罚决定书送达", SERVED, after="penalty_decision", optional=True),
    # the chronology of a case (行政处罚法 第五十四条、第五十七条): 立案 is approved before anything is decided on it,
    # and a decision exists before it is served
    "立案": FactSource("负责人批准立案", {"filing_approval": Proof("signatures", signer="approver")}),
    "行政处罚决定": FactSource("作出行政处罚决定", {"penalty_decision": Proof("decided_at")}),
    "电子送达地址": FactSource("送达地址确认书确认的电子送达地址",
                         {"service_address_confirmation": Proof("electronic_address", text=True)}),
    "罚款数额": FactSource("行政处罚决定的罚款数额", {"penalty_decision": Proof("fine", amount=True),
                                                 "onspot_decision": Proof("fine", amount=True)}),
    # 行政处罚法 第五十六条: the seven days to decide on preserved evidence run from the head's approval of it
    "先行登记保存": FactSource("经负责人批准先行登记保存", {"evidence_preservation": Proof("approved_at")}),
    # 行政强制法 第二十七条: the 处理 of what was sealed or seized comes after the 决定, within its period (issue 17)
    "查封扣押决定": FactSource("作出行政强制措施决定", {"coercive_decision": Proof("decided_at")}),
    # 行政处罚法 第六十五条: the 听证报告 comes after the hearing it reports
    "听证举行": FactSource("举行听证", {"hearing_record": Proof("held_at")}),
    # 行政处罚法 第六十六条: a fine whose payment was deferred with approval is due on the approved day
    "延期缴纳期限": FactSource("经批准延期缴纳罚款的期限", {"payment_deferral": Proof("deferred_until")}),
    # 行政执法机关移送涉嫌犯罪案件的规定 第五条: the head decides within three days of receiving the 专案组's written
    # report, and a case approved for transfer goes to the police within 24 hours of that decision
    "移送涉嫌犯罪案件报告": FactSource("负责人接到专案组移送涉嫌犯罪案件的书面报告",
                               {"decision_approval": Proof("crime_report_at")}),
    "移送涉嫌犯罪案件决定": FactSource("负责人作出移送涉嫌犯罪案件的决定",
                               {"decision_approval": Proof("transfer_decided_at")}),
    # 市场监督管理行政处罚程序规定 第十八条: the period to decide on 立案 runs from receiving the materials of a case a
    # higher agency assigned or designated (the notice, offered on the 立案 step, not required: a case without one is
    # not bound, hence optional)
    "收到交办或指定管辖案件材料": FactSource("收到上级交办或者指定管辖的案件材料",
                                {"jurisdiction_notice": Proof("received_at")}, optional=True),
    # 市场监督管理行政处罚程序规定 第五十九条: the 责令退款通知书 comes before the decision
    "责令退款": FactSource("发出责令退款通知书", {"refund_order": Proof("ordered_at")}),
    # 行政许可法 第三十二条: what the first 补正告知书 of the case listed is everything the applicant must supply
    "首次补正告知": FactSource("首次补正告知书所列需要补正的全部内容",
                         {"supplement_notice": Proof("items", items=True)}, first=True),
}
#: the fact an act establishes, where a period rule's ``start`` names the act (the proof matches the act to the
#: diagram's ``deadline_from``; the deadline service counts from the fact the act's record proves)
ESTABLISHED_BY: dict[str, str] = {"立案审批": "立案", "先行登记保存": "先行登记保存"}


@dataclass(frozen=True)
class StoredRecord:
    """What a fact is read from: a stored record's id, kind and payload, in the order they were made."""

    id: int
    kind: str
    payload: Mapping[str, Any]
    task: str | None = None  # the task instance that made it (its versions share it)


def binds(name: str, records: Sequence[StoredRecord]) -> bool:
    """Whether a rule on fact ``name`` binds the case: an optional fact binds only once its anchor record exists."""
    source = FACTS[name]
    return not (source.optional and source.after and all(r.kind != source.after for r in records))


def establish(name: str, records: Sequence[StoredRecord]) -> Fact | None:
    """The fact ``name`` as the case's records establish it (the newest such record), or ``None``."""
    return _established(name, FACTS[name], records)


def start_source(start: str) -> tuple[str, FactSource] | None:
    """The fact a period rule's ``start`` names — a fact, the act that establishes one (:data:`ESTABLISHED_BY`), or
    ``kind.field`` of a record (``emergency_start.started_at``) — with its name; ``None`` for anything else
    (``case``: the case's own start, which no record proves)."""
    name = ESTABLISHED_BY.get(start, start)
    if name in FACTS:
        return name, FACTS[name]
    kind, dot, field = start.partition(".")
    if dot and start.isascii() and kind in CATALOGUE:
        return start, FactSource(f"{CATALOGUE[kind].title}所载时间", {kind: Proof(field)})
    return None


def establish_start(start: str, records: Sequence[StoredRecord]) -> Fact | None:
    """The fact a period rule starts from, as the case's records establish it, or ``None`` (the case holds none)."""
    found = start_source(start)
    return _established(*found, records) if found else None


def _established(name: str, source: FactSource, records: Sequence[StoredRecord]) -> Fact | None:
    if source.first:
        return _first(name, source, records)
    start = 0
    if source.after:
        marks = [i for i, r in enumerate(records) if r.kind == source.after]
        if not marks:
            return None
        start = marks[-1] + 1
    for r in reversed(records[start:]):
        proof = source.proofs.get(r.kind)
        value = _read(r.payload, proof) if proof else None
        if proof and value:
            return Fact(name, source.title, _value(value, proof), r.id)
    return None


def _first(name: str, source: FactSource, records: Sequence[StoredRecord]) -> Fact | None:
    """The fact as the case's first proving record holds it: the newest version made at the same task (a notice
    corrected before its task completed is still the first notice; the next task's notice is a later one)."""
    found = next((r for r in records if r.kind in source.proofs and _read(r.payload, source.proofs[r.kind])), None)
    if found is None:
        return None
    same = [r for r in records if r.kind == found.kind and r.task is not None and r.task == found.task] or [found]
    latest = same[-1]
    proof = source.proofs[latest.kind]
    value = _read(latest.payload, proof)
    return Fact(name, source.title, _value(value, proof), latest.id) if value else None


def _read(payload: Mapping[str, Any], proof: Proof) -> Any:
    """The proof's field, or — for a signature list — when the named capacity signed."""
    raw = payload.get(proof.field)
    if proof.signer is None:
        return raw
    return next((s.get("signed_at") for s in raw or () if isinstance(s, Mapping) and s.get("capacity") == proof.signer
                 and s.get("signed") and s.get("signed_at")), None)


def _value(raw: Any, proof: Proof) -> dt.datetime | Decimal | str | tuple[str, ...]:
    if proof.text:
        return str(raw).strip()
    if proof.items:
        return tuple(str(x).strip() for x in raw) if isinstance(raw, (list, tuple)) else (str(raw).strip(),)
    if proof.amount:
        return Decimal(str(raw))
    moment = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw))
    return moment + dt.timedelta(days=proof.days)
