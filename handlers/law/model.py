"""One rule of the law: its kind, the acts (or steps) it governs, its article and what it demands.

A rule is data (``workflows/law/*.toml`` for the national laws, a profile's ``[[rules]]`` for its
regulation); its ``kind`` says which reader applies it: the gate (``record``, ``recording``,
``signature``), the deadline service and the deploy check (``period``), the deploy check for all.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.law.acts import governs

KINDS = {
    "recording": "须音像记录（方式：mandatory 必须 / unless_unsuitable 不适宜的书面说明理由 / on_refusal 拒签时）",
    "period": "须在规定期限内办结（deadline 不长于规定）",
    "record": "须同时制作规定的记录",
    "signature": "须由规定人员签名，或记明拒签情况",
    "not_before": "不得早于某一事实之后的期限",
    "after": "不得早于案件中已有的某一事实（先后顺序）",
    "time_window": "不得在夜间或法定节假日实施（情况紧急的除外）",
    "amount": "数额限制与计算方法",
    "same": "须与案件中已有记录一致（不得另行填写）",
    "subset": "所列各项不得超出案件中已有记录所列的范围（如一次告知补正的全部内容）",
    "presence": "程序中须有该环节",
    "order": "环节先后顺序",
    "retention": "保存期限",
    "access": "查阅、复制须经行政机关负责人同意",
}
MODES = {"mandatory": "必须音像记录，不得以书面理由代替", "unless_unsuitable": "不适宜音像记录的，书面记录原因",
         "on_refusal": "当事人或有关人员拒绝签名的，须以视频、音频记录",
         "on_gap": "记录中断或不完整的，须以工作情况说明或语音说明原因",
         "on_obstruction": "当事人或有关人员拒绝、阻碍执法的，须全过程音像记录"}
MEDIA = {"video": "录像", "audio": "录音", "photo": "照相"}
STRICTNESS = {"unless_unsuitable": 1, "on_refusal": 1, "on_obstruction": 1, "mandatory": 2}
_LEGACY_KINDS = {"av": "recording", "av_on_refusal": "recording", "deadline": "period", "records": "record"}


@dataclass(frozen=True)
class Rule:
    """One checkable demand of a law or regulation, with its article (``basis``: ``<code> 第N条``)."""

    id: str
    title: str
    kind: str
    basis: str
    records: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    acts: tuple[str, ...] = ()
    media: str = "video"
    mode: str | None = None
    within: str | None = None
    requires: tuple[str, ...] = ()
    required: bool = False
    text: str = ""
    tightens: str | None = None
    fact: str | None = None
    at: str | None = None  # ``kind.field`` of the act's own record: its moment (not_before), its sum (amount), its list (subset)
    value: str | None = None  # amount: the sum or rate the law fixes, where no fact of the case gives it
    start: str | None = None  # period: what starts it (an act, ``kind.field`` of a record, or ``case``)
    until: str | None = None  # period: ``kind.field`` of the record of an approved extension, which states the new end
    procedures: tuple[str, ...] = ()  # presence/order: the procedures the rule binds (empty: every one)
    preceded_by: tuple[str, ...] = ()  # order: acts that must come before the rule's acts on every path
    followed_by: tuple[str, ...] = ()  # order: acts that must follow the rule's acts on every path to an end
    not_after: tuple[str, ...] = ()  # order: acts that must not come before the rule's acts on any path
    states: tuple[str, ...] = ()  # record: fields the required record must fill (where ``when`` holds)
    when: str | None = None  # record: what makes ``states`` required (:func:`conditions`), on the required record

    def governs(self, task: str, records: Sequence[str], act: str | None = None) -> bool:
        """Whether the rule applies to a step: its act, its task id, or a record kind the step makes.

        A ``record`` rule that names both acts and records governs only a step that performs one of the acts
        *and* makes one of the records: a regulation's article on the record of one act (fushun-culture 第二十二条:
        the 送达回证 of 直接送达) then neither reaches a sub-act that makes another record (送达.直接.回证) nor a
        task of the same act in another procedure that makes a different one (行政检查's 现场检查)."""
        by_act = any(governs(a, act) for a in self.acts)
        by_record = any(k in records for k in self.records)
        if self.kind == "record" and self.acts and self.records:
            return task in self.tasks or (by_act and by_record)
        return task in self.tasks or by_record or by_act

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "basis": self.basis,
                "records": list(self.records), "tasks": list(self.tasks), "acts": list(self.acts),
                "media": self.media, "mode": self.mode, "within": self.within, "requires": list(self.requires),
                "required": self.required, "text": self.text, "tightens": self.tightens,
                "fact": self.fact, "at": self.at, "value": self.value, "start": self.start, "until": self.until,
                "procedures": list(self.procedures), "preceded_by": list(self.preceded_by),
                "followed_by": list(self.followed_by), "not_after": list(self.not_after),
                "states": list(self.states), "when": self.when}


def conditions(when: str) -> tuple[tuple[str, str, str], ...]:
    """A record rule's ``when``: ``&``-joined conditions on fields of the required record, each ``field`` (a yes/no
    field that is yes), ``field=value`` or ``field!=value`` (a choice): 行政执法机关移送涉嫌犯罪案件的规定 第五条 asks
    the reason only where a transfer report was made *and* the head did not approve it."""
    out = []
    for part in (p.strip() for p in when.split("&")):
        name, op, value = part.partition("!=") if "!=" in part else part.partition("=")
        out.append((name.strip(), op, value.strip()))
    return tuple(out)


def holds(when: str | None, payload: Mapping[str, Any]) -> bool:
    """Whether every condition of ``when`` holds on the record ``payload`` (no ``when``: always)."""
    for name, op, value in conditions(when) if when else ():
        have = payload.get(name)
        if (op == "" and not have) or (op == "=" and str(have) != value) or (op == "!=" and str(have) == value):
            return False
    return True


def rule_from_json(r: Mapping[str, Any]) -> Rule:
    """A rule as stored (a profile snapshot in ``Agency.profile``, or a validated rule file).

    Snapshots taken before the rule base read kinds ``av`` / ``av_on_refusal`` / ``deadline`` /
    ``records``; they are read with the meaning they had then (``av``: a written reason was accepted).
    """
    kind = r["kind"]
    mode = r.get("mode") or ({"av": "unless_unsuitable", "av_on_refusal": "on_refusal"}.get(kind)
                             if kind in _LEGACY_KINDS else None)
    return Rule(id=r["id"], title=r["title"], kind=_LEGACY_KINDS.get(kind, kind), basis=r["basis"],
                records=tuple(r.get("records", ())), tasks=tuple(r.get("tasks", ())), acts=tuple(r.get("acts", ())),
                media=r.get("media") or "video", mode=mode, within=r.get("within"),
                requires=tuple(r.get("requires", ())), required=bool(r.get("required", False)),
                text=r.get("text") or "", tightens=r.get("tightens"), fact=r.get("fact"), at=r.get("at"), value=r.get("value"),
                start=r.get("start"), until=r.get("until"), procedures=tuple(r.get("procedures", ())),
                preceded_by=tuple(r.get("preceded_by", ())), followed_by=tuple(r.get("followed_by", ())),
                not_after=tuple(r.get("not_after", ())), states=tuple(r.get("states", ())), when=r.get("when"))


def rules_from_json(items: Sequence[Mapping[str, Any]]) -> tuple[Rule, ...]:
    return tuple(rule_from_json(r) for r in items)
