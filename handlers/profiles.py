"""Agency profiles: each local regulation as data (``workflows/profiles/<code>/profile.toml``).

A profile says which procedures the agency runs, its deadlines (archiving, A/V handover), A/V
retention and long-term triggers, device and confidentiality rules, document-number prefix, the
rules its diagrams must enforce (each with its article), and how its diagrams differ from base:
whole override diagrams (``*.bpmn`` in the profile folder replace the base file of the same name)
and property patches (``[[patches]]``: stricter A/V or deadlines on named tasks of a base
diagram, so a fix to base reaches every agency).  Loading validates everything and names the
file and field at fault.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from lxml import etree
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from handlers.law import schema
from handlers.law.model import Rule, rule_from_json
from handlers.law.schema import (
    RuleSchema,
    articles_field,
    basis_field,
    check_tightening,
    format_errors,
    organisational_field,
)
from handlers.settings import (
    DEFAULT_ARCHIVE_DAYS,
    DEFAULT_AV_HANDOVER_HOURS,
    DEFAULT_AV_RETENTION_MONTHS,
    DEFAULT_WARNING_HOURS,
    Settings,
)
from handlers.workcalendar import Calendar

PROFILES_DIR = Path(__file__).resolve().parent.parent / "workflows" / "profiles"
PROFILE_CODES = ("fushun-culture", "pishan-culture", "changli-market", "naiman-culture", "lishui-city")

#: No national law fixes these; where a regulation is silent the agency keeps the base diagram's
#: 60-day archiving deadline and a 24-hour A/V handover, and keeps A/V at least as long as
#: the strictest shipped regulation (pishan-culture 第二十条, three years).

LONG_TERM_TRIGGERS = {
    "evidence": "作为行政、刑事案件证据使用的",
    "obstruction": "当事人或者现场其他人员有阻碍执法、妨害公务行为的",
    "major_incident": "处置重大突发事件、群体性事件的",
    "complaint": "当事人提出信访、申诉、复议、诉讼、复核、国家赔偿的",
    "other": "其他重大、疑难、复杂的情况或执法部门认为应当长期保存的",
}
CONFIDENTIALITY = {"internal": "内部资料，不向社会公开", "restricted": "按保密规定和权限管理"}
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and every field at fault."""


class _Strict(Schema):
    class Meta:
        unknown = "raise"


class ArchiveSchema(_Strict):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    basis = basis_field(required=False)


class AvSchema(_Strict):
    handover_hours = fields.Integer(validate=validate.Range(min=1, max=720))
    handover_working_days = fields.Integer(validate=validate.Range(min=1, max=30))
    handover_basis = basis_field(required=False)
    retention_months = fields.Integer(validate=validate.Range(min=1, max=1200))
    retention_basis = basis_field(required=False)
    long_term_triggers = fields.List(fields.String(validate=validate.OneOf(list(LONG_TERM_TRIGGERS))))
    long_term_basis = basis_field(required=False)

    @validates_schema
    def _one_handover(self, data: dict[str, Any], **_: Any) -> None:
        if "handover_hours" in data and "handover_working_days" in data:
            raise ValidationError("移交期限只能写 handover_hours 或 handover_working_days 之一", "handover_hours")


class WarningsSchema(_Strict):
    """黄牌 before 红牌: how long before a period ends its task shows yellow and its users are told."""

    deadline_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 90))


class DevicesSchema(_Strict):
    officers_per_recorder = fields.Integer(validate=validate.Range(min=1, max=10))
    officers_per_recorder_basis = basis_field(required=False)
    check_before_use = fields.Boolean()
    check_before_use_basis = basis_field(required=False)

    @validates_schema
    def _rules_cite(self, data: dict[str, Any], **_: Any) -> None:
        for key in ("officers_per_recorder", "check_before_use"):
            if data.get(key) and not data.get(f"{key}_basis"):
                raise ValidationError(f"设备规则须写明依据条款（{key}_basis）", f"{key}_basis")


class CalendarSchema(_Strict):
    holidays = fields.List(fields.Date())
    workdays = fields.List(fields.Date())
    basis = fields.String()


class PatchSchema(_Strict):
    process = fields.String(required=True)
    task = fields.String(required=True)
    properties = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    basis = basis_field()


class SignInSchema(_Strict):
    """How the agency's users sign in: ``local_passwords = false`` leaves only the 统一身份认证 (OpenID Connect)."""

    local_passwords = fields.Boolean(load_default=True)


FORMAT_SETS = {"culture": "文化市场综合行政执法文书格式范本", "market": "市场监督管理行政处罚文书格式范本（2021年修订版）"}


class RemediesSchema(_Strict):
    """What a 决定书 tells the party about remedies (行政处罚法 第五十九条（五）): the organ, the court, the periods."""

    review_organ = fields.String(required=True, validate=validate.Length(min=2))
    court = fields.String(required=True, validate=validate.Length(min=2))
    review_days = fields.Integer(load_default=60, validate=validate.Range(min=60, max=365))  # 行政复议法 第二十条
    litigation_months = fields.Integer(load_default=6, validate=validate.Range(min=6, max=24))  # 行政诉讼法 第四十六条


class PaymentSchema(_Strict):
    """Where a fine is paid (行政处罚法 第六十七条: the designated bank or the electronic payment system)."""

    bank = fields.String(required=True, validate=validate.Length(min=2))
    account_name = fields.String(required=True, validate=validate.Length(min=2))
    account = fields.String(required=True, validate=validate.Length(min=4))


class DocumentsSchema(_Strict):
    format_set = fields.String(load_default="culture", validate=validate.OneOf(list(FORMAT_SETS)))
    series = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1, max=10)))
    remedies = fields.Nested(RemediesSchema)
    payment = fields.Nested(PaymentSchema)


class ProfileSchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]+$"))
    name = fields.String(required=True, validate=validate.Length(min=2))
    regulation = fields.String(required=True)
    seed = fields.String(required=True)
    region = fields.String(required=True)
    scope = fields.List(fields.String(), required=True)
    procedures = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    doc_prefix = fields.String(required=True, validate=validate.Length(min=1, max=20))
    confidentiality = fields.String(required=True, validate=validate.OneOf(list(CONFIDENTIALITY)))
    confidentiality_basis = basis_field()
    archive = fields.Nested(ArchiveSchema, load_default=dict)
    av = fields.Nested(AvSchema, load_default=dict)
    devices = fields.Nested(DevicesSchema, load_default=dict)
    calendar = fields.Nested(CalendarSchema, load_default=dict)
    rules = fields.List(fields.Nested(RuleSchema), load_default=list)
    patches = fields.List(fields.Nested(PatchSchema), load_default=list)
    sign_in = fields.Nested(SignInSchema, load_default=dict)
    articles = articles_field()
    organisational = organisational_field()
    warnings = fields.Nested(WarningsSchema, load_default=dict)
    documents = fields.Nested(DocumentsSchema, load_default=dict)

    @validates_schema
    def _unique_rules(self, data: dict[str, Any], **_: Any) -> None:
        ids = [r["id"] for r in data.get("rules", [])]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValidationError(f"规则编号重复：{'、'.join(dupes)}", "rules")


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    data: Mapping[str, Any]
    rules: tuple[Rule, ...]
    folder: Path | None = None
    override_files: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def procedures(self) -> tuple[str, ...]:
        return tuple(self.data["procedures"])

    @property
    def archive_days(self) -> int:
        return int(self.data.get("archive", {}).get("days", DEFAULT_ARCHIVE_DAYS))

    @property
    def patches(self) -> list[dict[str, Any]]:
        return list(self.data.get("patches", []))

    def calendar(self, national: Calendar) -> Calendar:
        return national.with_local(self.data.get("calendar"))

    def agency_profile(self, national: Calendar) -> dict[str, Any]:
        """The JSON kept in ``Agency.profile``: flat keys other modules read (A/V handover and retention,
        archiving, the working-day calendar with this agency's regional days), and the rules."""
        av = self.data.get("av", {})
        devices = self.data.get("devices", {})
        calendar = self.calendar(national)
        months = int(av.get("retention_months", DEFAULT_AV_RETENTION_MONTHS))
        out: dict[str, Any] = {
            "code": self.code, "name": self.name, "regulation": self.data["regulation"],
            "procedures": list(self.procedures),
            "archive_days": self.archive_days,
            "archive_basis": self.data.get("archive", {}).get("basis"),
            "av_retention_months": months,
            "av_retention_days": round(months * 365 / 12),
            "av_retention_basis": av.get("retention_basis"),
            "av_handover_basis": av.get("handover_basis"),
            "long_term_triggers": list(av.get("long_term_triggers", [])),
            "long_term_basis": av.get("long_term_basis"),
            "av_required_records": sorted({k for r in self.rules if r.kind == "recording" for k in r.records}),
            "officers_per_recorder": devices.get("officers_per_recorder"),
            "officers_per_recorder_basis": devices.get("officers_per_recorder_basis"),
            "device_check_before_use": bool(devices.get("check_before_use", False)),
            "device_check_basis": devices.get("check_before_use_basis"),
            "confidentiality": self.data["confidentiality"],
            "confidentiality_basis": self.data["confidentiality_basis"],
            "doc_prefix": self.data["doc_prefix"],
            "calendar": {k: [d.isoformat() for d in self.data.get("calendar", {}).get(k, [])]
                         for k in ("holidays", "workdays")},
            "holidays": sorted(d.isoformat() for d in calendar.holidays),
            "makeup_workdays": sorted(d.isoformat() for d in calendar.workdays),
            "timezone_hours": 8,
            "local_passwords": bool(self.data.get("sign_in", {}).get("local_passwords", True)),
            "deadline_warning_hours": int(self.data.get("warnings", {}).get("deadline_hours", DEFAULT_WARNING_HOURS)),
            "rules": [r.to_json() for r in self.rules],
            "documents": dict(self.data.get("documents") or {}),
        }
        if "handover_working_days" in av:
            out["av_handover_working_days"] = int(av["handover_working_days"])
        else:
            out["av_handover_hours"] = int(av.get("handover_hours", DEFAULT_AV_HANDOVER_HOURS))
        return out


def parse(text: str, where: str = "profile.toml", folder: Path | None = None) -> Profile:
    """Validate a profile's TOML text; :class:`ProfileError` lists every problem with its field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where} 不是合法的 TOML：{_toml_position(exc)}有语法错误（检查引号、方括号和等号）") from exc
    try:
        data = ProfileSchema().load(raw)
    except ValidationError as exc:
        raise ProfileError(f"{where} 不合格：\n" + "\n".join(f"- {m}" for m in format_errors(exc.messages))) from exc
    rules = tuple(rule_from_json(r) for r in data["rules"])
    if loose := check_tightening(rules, schema.national()):
        raise ProfileError(f"{where} 不合格：\n" + "\n".join(f"- {m}" for m in loose))
    overrides = {p.name: p.read_bytes() for p in sorted(folder.glob("*.bpmn"))} if folder else {}
    return Profile(data["code"], data["name"], data, rules, folder, overrides)


def load(code: str, root: Path = PROFILES_DIR) -> Profile:
    """Load and validate ``<root>/<code>/profile.toml`` and its override diagrams."""
    folder = root / code
    path = folder / "profile.toml"
    if not path.is_file():
        known = sorted(p.name for p in root.iterdir() if (p / "profile.toml").is_file()) if root.is_dir() else []
        raise ProfileError(f"没有机构配置 {code!r}（可用：{'、'.join(known) or '无'}）")
    profile = parse(path.read_text(encoding="utf-8"), str(path), folder)
    if profile.code != code:
        raise ProfileError(f"{path}：code = {profile.code!r} 与目录名 {code!r} 不一致")
    return profile


def compose_sources(profile: Profile, base: Mapping[str, bytes]) -> dict[str, bytes]:
    """The agency's diagram files: base, with the profile's override files and property patches applied."""
    sources = {**base, **profile.override_files}
    for patch in profile.patches:
        name = next((n for n, xml in sources.items() if _has_process(xml, patch["process"])), None)
        if name is None:
            raise ProfileError(f"{profile.code}：补丁指向的流程 {patch['process']!r} 不存在")
        sources[name] = _apply_patch(sources[name], patch, profile.code)
    return sources


def _has_process(xml: bytes, process_id: str) -> bool:
    return f'id="{process_id}"'.encode() in xml and etree.fromstring(xml).find(
        f"bpmn:process[@id='{process_id}']", _NS) is not None


def _apply_patch(xml: bytes, patch: Mapping[str, Any], code: str) -> bytes:
    root = etree.fromstring(xml)
    task = root.find(f"bpmn:process[@id='{patch['process']}']//bpmn:userTask[@id='{patch['task']}']", _NS)
    if task is None:
        raise ProfileError(f"{code}：补丁指向的任务 {patch['process']}/{patch['task']} 不存在")
    props = task.find("bpmn:extensionElements/spiffworkflow:properties", _NS)
    if props is None:
        raise ProfileError(f"{code}：任务 {patch['task']} 没有 spiffworkflow:properties，无法打补丁")
    for name, value in patch["properties"].items():
        prop = props.find(f"spiffworkflow:property[@name='{name}']", _NS)
        if prop is None:
            prop = etree.SubElement(props, f"{{{_NS['spiffworkflow']}}}property", name=name)
        prop.set("value", value)
    basis = props.find("spiffworkflow:property[@name='basis']", _NS)
    if basis is not None and patch["basis"] not in basis.get("value", ""):
        basis.set("value", f"{basis.get('value')}；{patch['basis']}")
    # lxml is untyped here; tostring() with a byte encoding returns bytes
    return cast(bytes, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def load_all(root: Path = PROFILES_DIR) -> dict[str, Profile]:
    return {code: load(code, root) for code in PROFILE_CODES}


def from_agency(settings: Settings) -> Profile:
    """A profile rebuilt from an agency's stored settings, enough for the compliance check."""
    return Profile(settings.code, settings.name, {"procedures": list(settings.procedures)}, settings.rules)


_TOML_AT = re.compile(r"at line (\d+), column (\d+)|at end of document")


def _toml_position(exc: tomllib.TOMLDecodeError) -> str:
    """Where tomllib stopped, in Chinese (its own message is English): ``第 3 行第 7 列``, or ``文末``."""
    m = _TOML_AT.search(str(exc))
    if m is None:
        return ""
    return f"第 {m[1]} 行第 {m[2]} 列" if m[1] else "文末"
