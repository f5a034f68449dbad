"""The record catalogue: every kind of record a diagram may require, in one place.

A record kind is its schema (what a valid record holds), the articles that call for it, and the
few fields a gateway may branch on (``exports``).  Diagrams name kinds by code; the designer and
the gate both read this table, so a kind unknown here cannot be required anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from marshmallow import Schema, ValidationError

from .records import decision, investigation, service, startup


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
            return exc.normalized_messages()
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


AV_RECORDING = "av_recording"
AV_NOT_SUITABLE = "av_not_suitable"

_KINDS = [
    RecordKind("case_filing", "立案（程序启动）审批表", startup.CaseFiling,
               ("fushun-culture 第七条", "lishui-city 第八条")),
    RecordKind("emergency_start", "紧急先行启动记录", startup.EmergencyStart,
               ("fushun-culture 第七条", "lishui-city 第八条", "行政强制法 第十九条")),
    RecordKind("unit_opinion", "承办机构意见", startup.UnitOpinion,
               ("fushun-culture 第七条", "fushun-culture 第三十六条"), exports=("decision",)),
    RecordKind("filing_approval", "负责人立案审批意见", startup.FilingApproval,
               ("fushun-culture 第七条", "fushun-culture 第十九条"), exports=("decision",)),
    RecordKind(AV_RECORDING, "音像记录", startup.AvRecording,
               ("fushun-culture 第十二条", "行政处罚法 第四十七条"), file_fields=("files",)),
    RecordKind(AV_NOT_SUITABLE, "不适宜音像记录的书面说明", startup.AvNotSuitable,
               ("fushun-culture 第十二条",)),
    RecordKind("investigation_plan", "调查措施", investigation.InvestigationPlan,
               ("fushun-culture 第十一条",), exports=("measures",)),
    RecordKind("inquiry_record", "询问笔录", investigation.InquiryRecord,
               ("fushun-culture 第九条", "fushun-culture 第十一条", "行政处罚法 第五十五条")),
    RecordKind("inspection_record", "现场检查（勘验）笔录", investigation.InspectionRecord,
               ("fushun-culture 第十一条", "fushun-culture 第十二条", "lishui-city 第十一条")),
    RecordKind("sampling_record", "抽样取证通知书及物品清单", investigation.SamplingRecord,
               ("fushun-culture 第十一条", "fushun-culture 第十二条")),
    RecordKind("evidence_collection", "调取证据通知书及证据清单", investigation.EvidenceCollection,
               ("fushun-culture 第十一条",)),
    RecordKind("evidence_preservation", "证据先行登记保存通知书及清单", investigation.EvidencePreservation,
               ("fushun-culture 第十三条", "lishui-city 第十四条", "行政处罚法 第五十六条")),
    RecordKind("investigation_report", "调查终结报告", investigation.InvestigationReport,
               ("fushun-culture 第十五条", "行政处罚法 第五十七条")),
    RecordKind("case_review", "承办机构审核意见", investigation.CaseReview,
               ("fushun-culture 第十五条", "fushun-culture 第三十六条"), exports=("major_case",)),
    RecordKind("prior_notice", "行政处罚事先告知书", investigation.PriorNotice,
               ("行政处罚法 第四十四条", "fushun-culture 第十条", "lishui-city 第十二条")),
    RecordKind("statement_record", "陈述申辩笔录", investigation.StatementRecord,
               ("行政处罚法 第四十五条", "fushun-culture 第十一条", "lishui-city 第十二条"),
               exports=("hearing_requested", "waived")),
    RecordKind("hearing_record", "听证笔录", investigation.HearingRecord,
               ("行政处罚法 第六十四条", "fushun-culture 第十一条")),
    RecordKind("legal_review", "法制审核意见书", decision.LegalReview,
               ("行政处罚法 第五十八条", "fushun-culture 第十六条", "lishui-city 第十五条"), exports=("passed",)),
    RecordKind("collective_discussion", "集体讨论记录", decision.CollectiveDiscussion,
               ("行政处罚法 第五十七条", "fushun-culture 第十八条")),
    RecordKind("decision_approval", "负责人审批意见", decision.DecisionApproval,
               ("fushun-culture 第十九条", "fushun-culture 第三十六条", "lishui-city 第十五条"),
               exports=("decision",)),
    RecordKind("penalty_decision", "行政处罚决定书", decision.PenaltyDecision,
               ("行政处罚法 第五十九条", "fushun-culture 第二十条")),
    RecordKind("service_receipt", "送达回证", service.ServiceReceipt,
               ("fushun-culture 第二十二条", "民事诉讼法 第八十七条")),
    RecordKind("performance_record", "履行情况记录", decision.PerformanceRecord,
               ("fushun-culture 第二十七条", "lishui-city 第十九条"), exports=("status", "correction_ordered")),
    RecordKind("correction_review", "责令改正复查记录", decision.CorrectionReview,
               ("fushun-culture 第二十七条", "lishui-city 第十九条")),
    RecordKind("closing_report", "结案报告", decision.ClosingReport, ("fushun-culture 第三十一条",)),
    RecordKind("closing_approval", "结案审批意见", decision.ClosingApproval,
               ("fushun-culture 第十九条", "fushun-culture 第三十六条")),
    RecordKind("archive_record", "归档记录", decision.ArchiveRecord,
               ("fushun-culture 第三十一条", "档案法 第三十七条")),
]

CATALOGUE: dict[str, RecordKind] = {k.code: k for k in _KINDS}


def kind(code: str) -> RecordKind:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"未知的记录类型：{code}") from None
