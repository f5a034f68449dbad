"""Validation of rule files: the national laws (``workflows/law/*.toml``) and a profile's ``[[rules]]``.

Errors name the file, the rule and the field.  A profile may tighten a national rule (``tightens``:
the same kind, a stricter recording mode, a shorter period), never loosen it: that is refused on load.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from handlers.catalogue import CATALOGUE, moment_field
from handlers.law.acts import known
from handlers.law.base import RuleBase
from handlers.law.facts import ESTABLISHED_BY, FACTS, start_source
from handlers.law.matrix import article_no, number, refs, span
from handlers.law.model import KINDS, MEDIA, MODES, STRICTNESS, Rule, conditions, rule_from_json
from handlers.law.periods import PeriodError, parse_period

LAW_DIR = Path(__file__).resolve().parents[2] / "workflows" / "law"


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file, the rule and every field at fault."""


def basis_field(required: bool = True) -> fields.String:
    return fields.String(required=required, validate=validate.Regexp(
        r"^.*(第.+条|[一二三四五六七八九十]+（[一二三四五六七八九十]+）)",
        error="依据须写明条款，如“fushun-culture 第三十一条”“行政处罚法 第六十条”或“国办发〔2018〕118号 三（八）”"))


def _period(value: str) -> None:
    try:
        parse_period(value)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from exc


def _known_act(value: str) -> None:
    if not known(value):
        raise ValidationError(f"未知的执法行为：{value}（见 handlers/law/acts.py）")


def _known_acts(value: str) -> None:
    """An order entry: one act, or alternatives ``A|B`` any of which meets it."""
    for act in value.split("|"):
        _known_act(act)


class RuleSchema(Schema):
    class Meta:
        unknown = "raise"

    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]*$", error="规则编号只能用小写字母、数字、-、_"))
    title = fields.String(required=True, validate=validate.Length(min=2))
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS), error="规则种类须为：{choices}"))
    basis = basis_field()
    text = fields.String(load_default="")
    records = fields.List(fields.String(), load_default=list)
    tasks = fields.List(fields.String(), load_default=list)
    acts = fields.List(fields.String(validate=_known_act), load_default=list)
    media = fields.String(validate=validate.OneOf(list(MEDIA)), load_default="video")
    mode = fields.String(validate=validate.OneOf(list(MODES)))
    within = fields.String(validate=_period)
    requires = fields.List(fields.String(), load_default=list)
    required = fields.Boolean(load_default=False)
    tightens = fields.String()
    fact = fields.String(validate=validate.OneOf(list(FACTS), error="未知的案件事实：{input}（可用：{choices}）"))
    value = fields.Decimal(as_string=True)
    start = fields.String(validate=validate.Regexp(r"^(case|[a-z_]+\.[a-z_]+|[\u4e00-\u9fff.]+)$",
                                                   error="起算须为 case、“记录类型.时间字段”或执法行为"))
    until = fields.String(validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$", error="延长后的期限须为“记录类型.时间字段”"))
    procedures = fields.List(fields.String(), load_default=list)
    preceded_by = fields.List(fields.String(validate=_known_acts), load_default=list)
    followed_by = fields.List(fields.String(validate=_known_acts), load_default=list)
    not_after = fields.List(fields.String(validate=_known_act), load_default=list)
    at = fields.String(validate=validate.Regexp(r"^([a-z_]+\.)?[a-z_]+(\[\]\.[a-z_]+|@[a-z_]+)?$",
                                                error="须为“记录类型.字段”或“字段”，如 hearing_record.held_at、executed_at；"
                                                      "数额规则可写“记录类型.列表[].字段”（各项合计）；审批的时间可写"
                                                      "“记录类型.signatures@签名身份”，如 filing_approval.signatures@approver"))
    when = fields.String()
    states = fields.List(fields.String(), load_default=list)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if not (data.get("records") or data.get("tasks") or data.get("acts")):
            raise ValidationError("规则须以 acts（执法行为）、records（记录类型）或 tasks（任务编号）指明所管的执法环节", "acts")
        unknown = [k for k in (*data.get("records", []), *data.get("requires", [])) if k not in CATALOGUE]
        if unknown:
            raise ValidationError(f"记录目录中没有这些记录类型：{'、'.join(unknown)}", "records")
        if data["kind"] == "period" and not data.get("within"):
            raise ValidationError("期限规则须写 within（如 P30D）", "within")
        if data["kind"] == "period" and data.get("start") not in (None, "case") and start_source(data["start"]) is None:
            raise ValidationError(f"起算点 {data['start']} 不对应任何案件事实：须为 case、“记录类型.时间字段”、"
                                  f"案件事实（{'、'.join(FACTS)}）或确立事实的执法行为（{'、'.join(ESTABLISHED_BY)}）", "start")
        if data.get("until") and (data["kind"] != "period" or not moment_field(data["until"])):
            raise ValidationError(f"延长后的期限 {data['until']} 须为期限规则所引记录的时间字段（“记录类型.时间字段”）", "until")
        if data["kind"] == "record" and not data.get("requires"):
            raise ValidationError("记录规则须写 requires", "requires")
        _known_fields(data)
        if data["kind"] == "not_before" and not (data.get("fact") and data.get("within")):
            raise ValidationError("不早于规则须写 fact（起算的案件事实）和 within（期限）", "fact")
        if data["kind"] == "after" and not (data.get("at") and data.get("fact")):
            raise ValidationError("先后顺序规则须写 at（本环节记录中的时间字段）和 fact（在先的案件事实）", "at")
        if data["kind"] == "same" and not (data.get("at") and data.get("fact")):
            raise ValidationError("一致性规则须写 at（记录中的字段）和 fact（案件事实）", "at")
        if data["kind"] == "subset":
            _subset_fields(data)
        if data["kind"] == "amount" and not (data.get("at") and (data.get("fact") or data.get("value") is not None)):
            raise ValidationError("数额规则须写 at（记录中的数额字段）以及 fact（案件事实）或 value（法定数值）", "at")
        if "[]." in (data.get("at") or ""):
            _total_field(data)
        if data["kind"] == "order" and not (data.get("preceded_by") or data.get("followed_by") or data.get("not_after")):
            raise ValidationError("顺序规则须写 preceded_by（之前须有的环节）、followed_by（之后须有的环节）"
                                  "或 not_after（不得在其后的环节）", "preceded_by")
        if data["kind"] == "presence" and not data.get("acts"):
            raise ValidationError("环节规则须以 acts 写明程序中须有的执法行为", "acts")
        if data["kind"] == "recording" and not data.get("mode"):
            raise ValidationError(f"音像记录规则须写 mode（{'、'.join(MODES)}）", "mode")


def articles_field() -> fields.Integer:
    """How many articles the law or regulation has: the matrix lists each (``liuhen law matrix``)."""
    return fields.Integer(validate=validate.Range(min=1, error="条文数须为正整数"))


_ARTICLE = "第[一二三四五六七八九十百零]+条"


def organisational_field() -> fields.Dict:
    """Articles no software can check (``第N条`` or a run ``第N条至第M条`` → why): the matrix lists them as
    organisational.  A run keeps a chapter with one reason (设定权, 法律责任) to one line."""
    return fields.Dict(keys=fields.String(validate=validate.Regexp(
        rf"^{_ARTICLE}(至{_ARTICLE})?$", error="须写“第N条”或“第N条至第M条”（条文编号用汉字，如第十八条）")),
        values=fields.String(validate=validate.Length(min=4, error="须写明理由")), load_default=dict)


def organisational_problems(data: Mapping[str, Any], rules: Sequence[Rule]) -> list[str]:
    """Why the ``[organisational]`` table of a law or profile cannot be used: a run backwards or past the
    last article, an article listed twice, or an article a rule of the same file cites (a rule means software
    checks it, so calling it organisational would hide it from the matrix's count)."""
    out: list[str] = []
    seen: dict[int, str] = {}
    last = data.get("articles")
    for key in data.get("organisational") or {}:
        start, end = span(key)
        if not start or not end or start > end:
            out.append(f"[organisational] {key}：起止条文无效（起始条须不大于终止条）")
            continue
        if last and end > last:
            out.append(f"[organisational] {key}：超出本法规的条文数（articles = {last}）")
        for n in range(start, end + 1):
            if n in seen:
                out.append(f"[organisational] {key}：{article_no(n)}已在“{seen[n]}”中列出")
            seen.setdefault(n, key)
    cited = {(number(art), r.id) for r in rules for code, art in refs(r.basis) if code == data.get("code")}
    out += [f"[organisational] {seen[n]}：{article_no(n)}被规则 {rid} 引用，软件检查的条文不能列为组织性规定"
            for n, rid in sorted(cited) if n in seen]
    return out


class LawFileSchema(Schema):
    class Meta:
        unknown = "raise"

    code = fields.String(required=True, validate=validate.Length(min=2))
    title = fields.String(required=True, validate=validate.Regexp(
        r"^(中华人民共和国|国务院|[\u4e00-\u9fff]+(规定|条例)$)", error="须写法律、行政法规或国务院文件的全称"))
    articles = articles_field()
    organisational = organisational_field()
    # a department's 规章 (部门规章: 国家市场监督管理总局令 …) binds only the agencies of that department's system, each
    # naming it in its profile (``department_rules``); a file without it binds every agency
    department = fields.String(validate=validate.Length(min=2))
    rules = fields.List(fields.Nested(RuleSchema), required=True)


def format_errors(messages: Any, prefix: str = "") -> list[str]:
    """marshmallow's nested messages as ``field.path：message`` lines."""
    if isinstance(messages, dict):
        return [line for k, v in messages.items()
                for line in format_errors(v, prefix if k == "_schema" else f"{prefix}{k}.")]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix.rstrip('.') or '（整体）'}：{'；'.join(messages)}"]
    return [f"{prefix.rstrip('.')}：{messages}"]


def named_rules(messages: Any, rules: Sequence[Mapping[str, Any]]) -> Any:
    """Error keys ``rules.<i>`` become ``rules[<id>]`` so a reader finds the rule by its id."""
    if not isinstance(messages, dict) or "rules" not in messages or not isinstance(messages["rules"], dict):
        return messages
    named = {}
    for i, v in messages["rules"].items():
        rid = rules[int(i)].get("id", i) if str(i).isdigit() and int(i) < len(rules) else i
        named[f"[{rid}]"] = v
    return {**messages, "rules": named}


def law_file_data(path: Path) -> dict[str, Any]:
    """The validated content of one national law's rule file (its articles and organisational list too)."""
    return _law_file(path)[0]


def load_law_file(path: Path) -> tuple[str, str, tuple[Rule, ...]]:
    """(code, full title, rules) of one national law's rule file."""
    data, rules = _law_file(path)
    return data["code"], data["title"], rules


def _law_file(path: Path) -> tuple[dict[str, Any], tuple[Rule, ...]]:
    """The validated content and rules of one law file; :class:`RuleFileError` names the file and each fault."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path.name} 不是合法的 TOML：{exc}") from exc
    try:
        data = LawFileSchema().load(raw)
    except ValidationError as exc:
        lines = format_errors(named_rules(exc.messages, raw.get("rules") or []))
        raise RuleFileError(f"{path.name} 不合格：\n" + "\n".join(f"- {m}" for m in lines)) from exc
    ids = [r["id"] for r in data["rules"]]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise RuleFileError(f"{path.name}：规则编号重复：{'、'.join(dupes)}")
    rules = tuple(rule_from_json(r) for r in data["rules"])
    if problems := organisational_problems(data, rules):
        raise RuleFileError(f"{path.name} 不合格：\n" + "\n".join(f"- {m}" for m in problems))
    return dict(data), rules


@cache
def _files(root: Path = LAW_DIR) -> tuple[tuple[dict[str, Any], tuple[Rule, ...]], ...]:
    return tuple(_law_file(p) for p in sorted(root.glob("*.toml")))


def is_departmental(data: Mapping[str, Any]) -> bool:
    """Whether a law file is a department's 规章, binding only the agencies whose profile names it."""
    return bool(data.get("department"))


@cache
def national(root: Path = LAW_DIR) -> tuple[Rule, ...]:
    """Every rule that binds every agency (laws and State Council regulations; a department's 规章 is
    :func:`departmental`)."""
    return tuple(r for data, rules in _files(root) if not is_departmental(data) for r in rules)


@cache
def national_titles(root: Path = LAW_DIR) -> dict[str, str]:
    """Short name (as cited: ``行政处罚法``) → full title (``中华人民共和国行政处罚法``), of the laws that bind every
    agency; a department's 规章 is cited only for the agencies that apply it (:func:`departmental_titles`)."""
    return {data["code"]: data["title"] for data, _ in _files(root) if not is_departmental(data)}


@cache
def departmental_titles(root: Path = LAW_DIR) -> dict[str, str]:
    """Short name → full title of every department's 规章 in the rule base (what a profile may name)."""
    return {data["code"]: data["title"] for data, _ in _files(root) if is_departmental(data)}


def departmental(codes: Sequence[str], root: Path = LAW_DIR) -> tuple[Rule, ...]:
    """The rules of the departments' 规章 named ``codes`` (a profile's ``department_rules``)."""
    return tuple(r for data, rules in _files(root) if is_departmental(data) and data["code"] in codes for r in rules)


def applies(data: Mapping[str, Any], departments: Sequence[str]) -> bool:
    """Whether a law file binds an agency applying the departments' 规章 ``departments``: a law or regulation binds
    every agency, a 规章 only those that name it."""
    return not is_departmental(data) or data["code"] in departments


def applicable(departments: Sequence[str] = ()) -> tuple[Rule, ...]:
    """The rules of national law and of the departments' 规章 named: what binds an agency before its own regulation."""
    return (*national(), *departmental(departments))


def check_tightening(rules: Sequence[Rule], base: Sequence[Rule] = ()) -> list[str]:
    """Why the profile's rules loosen a national rule they claim to tighten (empty when they do not)."""
    by_id = {r.id: r for r in base}
    out = []
    for r in rules:
        if r.tightens is None:
            continue
        n = by_id.get(r.tightens)
        if n is None:
            out.append(f"规则 {r.id}：tightens 指向的国家规则 {r.tightens!r} 不存在")
        elif n.kind != r.kind:
            out.append(f"规则 {r.id}：种类 {r.kind} 与所收紧的国家规则 {n.id}（{n.kind}）不同")
        elif r.kind == "recording" and STRICTNESS.get(r.mode or "", 0) < STRICTNESS.get(n.mode or "", 0):
            out.append(f"规则 {r.id}：音像记录方式 {r.mode} 宽于国家规则 {n.id} 的 {n.mode}（{n.basis}），只能收紧不能放宽")
        elif r.kind == "period" and r.within and n.within and (
                parse_period(r.within).nominal_days() > parse_period(n.within).nominal_days()):
            out.append(f"规则 {r.id}：期限 {r.within} 长于国家规则 {n.id} 的 {n.within}（{n.basis}），只能收紧不能放宽")
    return out


def binding(own: Sequence[Rule], departments: Sequence[str] = ()) -> RuleBase:
    """The rules that bind an agency: the national ones and those of the departments' 规章 it applies
    (``departments``, its profile's ``department_rules``), less those its regulation tightens, then its own."""
    tightened = {r.tightens for r in own if r.tightens}
    return RuleBase((*(r for r in applicable(departments) if r.id not in tightened), *own))


def _subset_fields(data: dict[str, Any]) -> None:
    """A subset rule compares a list field of the act's record (``at``) with a fact that holds a list of items."""
    if not (data.get("at") and data.get("fact")):
        raise ValidationError("子集规则须写 at（本环节记录中的列表字段，如 supplement_notice.items）和 fact（案件中首次记录所列的事项）", "at")
    if not all(p.items for p in FACTS[data["fact"]].proofs.values()):
        listed = "、".join(n for n, s in FACTS.items() if all(p.items for p in s.proofs.values()))
        raise ValidationError(f"案件事实 {data['fact']} 不是所列事项的清单，子集规则不能与之比较（可用：{listed}）", "fact")
    kind_code, dot, name = data["at"].rpartition(".")
    rk = CATALOGUE.get(kind_code) if dot else None
    if rk is None or name not in rk.field_names() or not isinstance(rk.schema().fields[name], fields.List):
        raise ValidationError(f"{data['at']} 不是记录中的列表字段：须写“记录类型.列表字段”，如 supplement_notice.items", "at")


def _total_field(data: dict[str, Any]) -> None:
    """``kind.list[].field`` adds up the items of a list (分期缴纳的各期金额): only an amount rule sums, and the list must
    be one of the record's fields whose items have that field."""
    if data["kind"] != "amount":
        raise ValidationError("只有数额规则可写“记录类型.列表[].字段”（各项合计）", "at")
    path, _, item = data["at"].partition("[].")
    kind_code, _, name = path.rpartition(".")
    rk = CATALOGUE.get(kind_code)
    listed = rk.schema().fields.get(name) if rk else None
    inner = getattr(getattr(listed, "inner", None), "schema", None)
    if not isinstance(listed, fields.List) or inner is None or item not in inner.fields:
        raise ValidationError(f"{data['at']} 不是记录中列表各项的字段：须写“记录类型.列表[].字段”，"
                              "如 payment_deferral.instalments[].sum_due", "at")


def _known_fields(data: dict[str, Any]) -> None:
    """A record rule's ``states`` and ``when`` must be fields of each record it requires."""
    named = [*data.get("states", []), *(name for name, _, _ in conditions(data["when"]))] if data.get("when") else \
        list(data.get("states", []))
    if named and data["kind"] != "record":
        raise ValidationError("只有记录规则可写 states 与 when", "states")
    for code in data.get("requires", []):
        unknown = [f for f in named if f not in CATALOGUE[code].field_names()]
        if unknown:
            raise ValidationError(f"记录类型 {code} 没有这些字段：{'、'.join(unknown)}", "states")
