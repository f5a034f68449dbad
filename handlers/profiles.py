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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from lxml import etree
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from handlers.av_rules import HANDOVER_ACT
from handlers.law import schema
from handlers.law.model import Rule, rule_from_json
from handlers.law.periods import Period, parse_period
from handlers.law.schema import (
    RuleSchema,
    articles_field,
    basis_field,
    check_tightening,
    format_errors,
    named_rules,
    organisational_field,
    organisational_problems,
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
FieldT = TypeVar("FieldT", bound=fields.Field[Any])
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and every field at fault."""


class _Strict(Schema):
    class Meta:
        unknown = "raise"


#: Units a period field is entered in (number × factor = the stored value, in the unit the field's name says).
HOURS = (("小时", 1), ("日", 24))
DAYS = (("日", 1),)
MONTHS = (("个月", 1), ("年", 12))
BASIS_HELP = "写明所依据的条款：法律如“行政处罚法 第六十条”，本机构实施办法写作“机构代码 第十九条”"


def _meta(label: str, help: str = "", **extra: Any) -> dict[str, Any]:
    """A field's Chinese label and help, read by the administrator's form, its error messages and docs alike."""
    return {"label": label, "help": help, **extra}


def _labelled(f: FieldT, label: str, help: str = "", **extra: Any) -> FieldT:
    """A shared field (an article citation, an article count) with this profile's label."""
    f.metadata = {**f.metadata, **_meta(label, help, **extra)}
    return f


def _one_of(choices: Mapping[str, str]) -> validate.OneOf:
    """A choice refused by naming the choices as people read them (the form shows the same names)."""
    return validate.OneOf(list(choices), error="须为以下之一：" + "；".join(choices.values()))


class ArchiveSchema(_Strict):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=365), metadata=_meta(
        "归档期限", "执法行为终结之日起多少日内立卷归档（1 至 365 日）", units=DAYS))
    basis = _labelled(basis_field(required=False), "归档期限依据", BASIS_HELP)


class AvSchema(_Strict):
    handover_hours = fields.Integer(validate=validate.Range(min=1, max=720), metadata=_meta(
        "音像记录移交时限", "执法结束后多少时间内将音像记录移交存储（按小时不超过 720 小时，按工作日不超过 30 个工作日）；"
        "留空则为 24 小时", units=HOURS))
    handover_working_days = fields.Integer(validate=validate.Range(min=1, max=30), metadata=_meta(
        "音像记录移交时限（工作日）", "与按小时计的移交时限二选一", units=(("个工作日", 1),), joins="handover_hours"))
    handover_basis = _labelled(basis_field(required=False), "移交时限依据", BASIS_HELP)
    retention_months = fields.Integer(validate=validate.Range(min=1, max=1200), metadata=_meta(
        "音像记录保存期限", "一般音像记录至少保存多久；留空则为 36 个月", units=MONTHS))
    retention_basis = _labelled(basis_field(required=False), "保存期限依据", BASIS_HELP)
    long_term_triggers = fields.List(fields.String(validate=_one_of(LONG_TERM_TRIGGERS)), metadata=_meta(
        "长期保存情形", "出现所选情形的案件，其音像记录长期保存", choices=LONG_TERM_TRIGGERS))
    long_term_basis = _labelled(basis_field(required=False), "长期保存依据", BASIS_HELP)

    @validates_schema
    def _one_handover(self, data: dict[str, Any], **_: Any) -> None:
        if "handover_hours" in data and "handover_working_days" in data:
            raise ValidationError("移交期限只能写 handover_hours 或 handover_working_days 之一", "handover_hours")


class WarningsSchema(_Strict):
    """黄牌 before 红牌: how long before a period ends its task shows yellow and its users are told."""

    deadline_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 90), metadata=_meta(
        "期限预警提前量", "期限届满前多久开始黄牌提醒并通知承办人（不超过 90 日）；留空则为 24 小时", units=HOURS))


class DevicesSchema(_Strict):
    officers_per_recorder = fields.Integer(validate=validate.Range(min=1, max=10), metadata=_meta(
        "每台执法记录仪配备执法人员数", "每多少名执法人员至少配备一台执法记录仪（1 至 10 人）", unit="人"))
    officers_per_recorder_basis = _labelled(basis_field(required=False), "配备比例依据", BASIS_HELP)
    check_before_use = fields.Boolean(metadata=_meta("使用前检查设备", "执法记录仪使用前须检查性能、电量、存储空间并校准时间"))
    check_before_use_basis = _labelled(basis_field(required=False), "设备检查依据", BASIS_HELP)

    @validates_schema
    def _rules_cite(self, data: dict[str, Any], **_: Any) -> None:
        for key in ("officers_per_recorder", "check_before_use"):
            if data.get(key) and not data.get(f"{key}_basis"):
                raise ValidationError(f"“{self.fields[key].metadata['label']}”须写明依据条款", f"{key}_basis")


class CalendarSchema(_Strict):
    holidays = fields.List(fields.Date(), metadata=_meta("本地放假日", "国家法定节假日之外本地放假的日期，每行一个，如 2026-06-03"))
    workdays = fields.List(fields.Date(), metadata=_meta("本地调休上班日", "本地调休上班的周末日期，每行一个，如 2026-06-07"))
    basis = fields.String(metadata=_meta("本地日历依据", "本地放假或调休的文件名称和文号"))


class PatchSchema(_Strict):
    process = fields.String(required=True, metadata=_meta("流程", "补丁所改的基础流程"))
    task = fields.String(required=True, metadata=_meta("任务", "流程中被修改的任务"))
    properties = fields.Dict(keys=fields.String(), values=fields.String(), required=True, metadata=_meta("修改的属性", "任务的属性及其新值，如音像要求、期限"))
    basis = _labelled(basis_field(), "补丁依据", BASIS_HELP)


class SignInSchema(_Strict):
    """How the agency's users sign in: ``local_passwords = false`` leaves only the 统一身份认证 (OpenID Connect)."""

    local_passwords = fields.Boolean(load_default=True, metadata=_meta(
        "允许用户名密码登录", "选“否”则本机构用户只能通过统一身份认证登录"))


FORMAT_SETS = {"culture": "文化市场综合行政执法文书格式范本", "market": "市场监督管理行政处罚文书格式范本（2021年修订版）"}


class RemediesSchema(_Strict):
    """What a 决定书 tells the party about remedies (行政处罚法 第五十九条（五）): the organ, the court, the periods."""

    review_organ = fields.String(required=True, validate=validate.Length(min=2), metadata=_meta(
        "行政复议机关", "决定书告知当事人的复议机关全称"))
    court = fields.String(required=True, validate=validate.Length(min=2), metadata=_meta(
        "管辖法院", "决定书告知当事人的起诉法院全称"))
    review_days = fields.Integer(load_default=60, validate=validate.Range(min=60, max=365), metadata=_meta(
        "申请复议期限", "不少于 60 日（行政复议法 第二十条）", units=DAYS))
    litigation_months = fields.Integer(load_default=6, validate=validate.Range(min=6, max=24), metadata=_meta(
        "提起诉讼期限", "不少于 6 个月（行政诉讼法 第四十六条）", units=(("个月", 1),)))


class PaymentSchema(_Strict):
    """Where a fine is paid (行政处罚法 第六十七条: the designated bank or the electronic payment system)."""

    bank = fields.String(required=True, validate=validate.Length(min=2), metadata=_meta("代收罚款银行", "当事人缴纳罚款的指定银行全称"))
    account_name = fields.String(required=True, validate=validate.Length(min=2), metadata=_meta("账户名称", "收款账户的户名"))
    account = fields.String(required=True, validate=validate.Length(min=4), metadata=_meta("账号", "收款账户的账号"))


class AppraisalSchema(_Strict):
    """How long a party has to apply for a new appraisal after the 鉴定结果告知书 (law17): the agency's applicable law
    sets it, not the officer filling in the notice, so every 告知书 prints the same period and its article."""

    objection_days = fields.Integer(required=True, validate=validate.Range(min=1, max=365, error="申请期限应为 1 至 365 日"),
                                    metadata=_meta("申请重新鉴定的期限", "自收到鉴定结果告知书之日起", units=DAYS))
    working_days = fields.Boolean(load_default=False, metadata=_meta("期限按工作日计算", "有关规定以工作日计算期限的，选“是”"))
    basis = _labelled(basis_field(required=False), "期限依据", "规定该期限的法律、法规、规章条款；" + BASIS_HELP)


class DocumentsSchema(_Strict):
    format_set = fields.String(load_default="culture", validate=_one_of(FORMAT_SETS), metadata=_meta(
        "文书格式", "决定书等执法文书采用的格式范本", choices=FORMAT_SETS))
    series = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1, max=10)),
                         metadata=_meta("文书编号代字", "各类文书编号中的代字", carried=True))
    remedies = fields.Nested(RemediesSchema, metadata=_meta("救济途径告知", "决定书告知当事人申请复议、提起诉讼的机关和期限；"
                                                         "不写则本机构的决定书无法生成救济告知"))
    payment = fields.Nested(PaymentSchema, metadata=_meta("罚款缴纳", "决定书告知当事人缴纳罚款的银行和账户"))
    appraisal = fields.Nested(AppraisalSchema, metadata=_meta("鉴定结果告知", "鉴定结果告知书告知当事人申请重新鉴定的期限及其依据"))


class ProfileSchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]+$"), metadata=_meta(
        "机构代码", "小写字母、数字和连字符，与配置目录名一致", readonly=True))
    name = fields.String(required=True, validate=validate.Length(min=2), metadata=_meta("机构名称", "执法机关全称"))
    regulation = fields.String(required=True, metadata=_meta("实施办法", "本机构执行的执法全过程记录实施办法全称"))
    seed = fields.String(required=True, metadata=_meta("实施办法原文文件", "随系统保存的实施办法原文", readonly=True))
    region = fields.String(required=True, metadata=_meta("行政区域", "如 河北省秦皇岛市昌黎县"))
    scope = fields.List(fields.String(), required=True, metadata=_meta("执法类别", "每行一项，如 行政处罚、行政检查"))
    procedures = fields.List(fields.String(), required=True, validate=validate.Length(min=1), metadata=_meta(
        "使用的执法程序", "至少选一项；保存后按新配置校验并部署这些流程", choices="procedures"))
    doc_prefix = fields.String(required=True, validate=validate.Length(min=1, max=20), metadata=_meta(
        "文书编号前缀", "文书编号中的机关代字，如 昌市监（1 至 20 字）"))
    confidentiality = fields.String(required=True, validate=_one_of(CONFIDENTIALITY), metadata=_meta(
        "保密要求", "执法记录对外的保密等级", choices=CONFIDENTIALITY))
    confidentiality_basis = _labelled(basis_field(), "保密要求依据", BASIS_HELP)
    archive = fields.Nested(ArchiveSchema, load_default=dict, metadata=_meta("立卷归档"))
    av = fields.Nested(AvSchema, load_default=dict, metadata=_meta("音像记录"))
    devices = fields.Nested(DevicesSchema, load_default=dict, metadata=_meta("执法记录仪"))
    calendar = fields.Nested(CalendarSchema, load_default=dict, metadata=_meta(
        "本地工作日历", "在国家法定节假日之外，本地的放假和调休（计算工作日期限时使用）"))
    department_rules = fields.List(fields.String(validate=lambda c: _departmental(c)), load_default=list, metadata=_meta(
        "适用的部门规章", "本机构所属系统的部门规章（规则库中的，如 市场监督管理行政处罚程序规定），每行一项；其规则约束本机构，"
        "文书和页面按其全称引用；未列出的部门规章不约束本机构，也不引用"))
    rules = fields.List(fields.Nested(RuleSchema), load_default=list, metadata=_meta(
        "执法规则", "实施办法的每条可检查规定及其条款", carried=True))
    patches = fields.List(fields.Nested(PatchSchema), load_default=list, metadata=_meta(
        "流程图补丁", "对基础流程图中指定任务的更严格要求", carried=True))
    sign_in = fields.Nested(SignInSchema, load_default=dict, metadata=_meta("登录方式"))
    articles = _labelled(articles_field(), "实施办法条文数", "实施办法共有多少条（条文对照表逐条列出）", unit="条")
    organisational = _labelled(organisational_field(), "组织性条文", "软件无法检查的条文及理由", carried=True)
    warnings = fields.Nested(WarningsSchema, load_default=dict, metadata=_meta("期限预警"))
    documents = fields.Nested(DocumentsSchema, load_default=dict, metadata=_meta("执法文书"))

    @validates_schema
    def _unique_rules(self, data: dict[str, Any], **_: Any) -> None:
        ids = [r["id"] for r in data.get("rules", [])]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValidationError(f"规则编号重复：{'、'.join(dupes)}", "rules")


def _departmental(code: str) -> bool:
    """A ``department_rules`` entry must name a department's 规章 of the rule base (``workflows/law/``)."""
    if code not in schema.departmental_titles():
        known = "、".join(schema.departmental_titles()) or "无"
        raise ValidationError(f"规则库中没有部门规章“{code}”（可选：{known}）")
    return True


def walk(schema: Schema, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], fields.Field[Any]]]:
    """Every field of a profile schema with its path, nested schemas' fields after their own (rules and
    patches, lists of nested tables, are fields of their own: the form carries them over whole)."""
    for name, f in schema.fields.items():
        yield (*prefix, name), f
        if isinstance(f, fields.Nested) and isinstance(f.schema, Schema):
            yield from walk(f.schema, (*prefix, name))


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
    def departments(self) -> tuple[str, ...]:
        """The departments' 规章 the agency applies (``department_rules``)."""
        return tuple(self.data.get("department_rules") or ())

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
            "department_rules": list(self.departments),
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
        lines = format_errors(named_rules(exc.messages, raw.get("rules") or []))
        raise ProfileError(f"{where} 不合格：\n" + "\n".join(f"- {m}" for m in lines)) from exc
    rules = tuple(rule_from_json(r) for r in data["rules"])
    if loose := (check_tightening(rules, schema.applicable(data["department_rules"])) + _handover_within_rules(data.get("av") or {}, rules)
                 + organisational_problems(data, rules)):
        raise ProfileError(f"{where} 不合格：\n" + "\n".join(f"- {m}" for m in loose))
    overrides = {p.name: p.read_bytes() for p in sorted(folder.glob("*.bpmn"))} if folder else {}
    return Profile(data["code"], data["name"], data, rules, folder, overrides)


def _handover_within_rules(av: Mapping[str, Any], rules: Sequence[Rule]) -> list[str]:
    """The ``[av]`` handover period is the agency's working setting; its regulation's handover rule is the law's
    limit, so a setting longer than the rule is refused (a profile may tighten the law, never loosen it)."""
    days = av.get("handover_working_days")
    hours = float(av.get("handover_hours", DEFAULT_AV_HANDOVER_HOURS))
    shown = f"{days}个工作日" if days else f"{hours:g}小时"
    return [f"[av] 音像记录移交时限 {shown} 长于规则 {r.id} 规定的 {parse_period(r.within).describe()}（{r.basis}），"
            "只能收紧不能放宽" for r in rules
            if r.kind == "period" and HANDOVER_ACT in r.acts and r.within and _longer(days, hours, parse_period(r.within))]


def _longer(days: int | None, hours: float, law: Period) -> bool:
    """Working days are always longer than a period in hours (the first ends at the end of a later day)."""
    if days:
        return law.is_time_only or days > law.nominal_days()
    return hours / 24 > law.nominal_days()


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
    return Profile(settings.code, settings.name, {"procedures": list(settings.procedures),
                                                  "department_rules": list(settings.department_rules)}, settings.rules)


_TOML_AT = re.compile(r"at line (\d+), column (\d+)|at end of document")


def _toml_position(exc: tomllib.TOMLDecodeError) -> str:
    """Where tomllib stopped, in Chinese (its own message is English): ``第 3 行第 7 列``, or ``文末``."""
    m = _TOML_AT.search(str(exc))
    if m is None:
        return ""
    return f"第 {m[1]} 行第 {m[2]} 列" if m[1] else "文末"
