"""The JSON API's contract as marshmallow schemas: what each endpoint takes (validated here, so a length or range
the database would refuse is refused alike on SQLite and PostgreSQL, with a Chinese message) and what it answers
(published in ``/api/openapi.json``).  Services that validate their own input with a schema of
:mod:`handlers.records` name that schema here instead of a second copy."""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from handlers import av_rules
from handlers.records.fields import REQUIRED, ROW_ID
from webapp.evidence.access import REQUEST_KINDS

MESSAGES = REQUIRED


def text(limit: int, *, required: bool = False, min_len: int = 0, description: str = "", **kw: Any) -> fields.String:
    """A string of at most ``limit`` characters (the column's length, where one holds it)."""
    return fields.String(required=required, error_messages=MESSAGES, metadata={"description": description}, **kw,
                         validate=validate.Length(min=min_len, max=limit, error=f"长度应在 {min_len} 至 {limit} 个字之间"))


def row_id(*, required: bool = False, allow_none: bool = False, strict: bool = True) -> fields.Integer:
    """A row id: a JSON number in a body (``strict``), digits in a query string."""
    return fields.Integer(required=required, allow_none=allow_none, strict=strict, validate=ROW_ID,
                          error_messages=MESSAGES)


def id_list(limit: int = 100) -> fields.List:
    return fields.List(row_id(required=True), load_default=list, error_messages=MESSAGES,
                       validate=validate.Length(max=limit, error=f"至多 {limit} 项"))


class In(Schema):
    """A request body: unknown keys are dropped (older clients may send more), never stored."""

    class Meta:
        unknown = EXCLUDE


# --------------------------------------------------------------------------- requests


class LoginIn(In):
    username = text(64, required=True, min_len=1)
    password = text(256, required=True, min_len=1)
    device = text(100, description="设备名称（令牌按设备签发，可分别注销）")


class SsoLoginIn(In):
    id_token = text(8192, required=True, min_len=1, description="统一身份认证平台签发的 ID 令牌（JWT），受众为本系统")
    device = text(100, description="设备名称（令牌按设备签发，可分别注销）")


class PasswordIn(In):
    old_password = text(256, required=True, min_len=1)
    new_password = text(256, required=True, min_len=1)


class CaseIn(In):
    title = text(300, required=True, min_len=1, description="案由")
    party_name = text(200, required=True, min_len=1, description="当事人")
    process_id = text(100, load_default="general_procedure")
    emergency = fields.Boolean(load_default=False, error_messages=MESSAGES)


class RecordIn(In):
    kind = text(50, required=True, min_len=1)
    payload = fields.Dict(required=True, error_messages=MESSAGES, metadata={"description": "见 GET /api/catalogue"})


class RenderIn(In):
    kind = text(50, required=True, min_len=1)


class HoldIn(In):
    trigger = text(20, required=True)
    note = text(2000, required=True)
    media_id = row_id(allow_none=True)


class MediaRequestIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(list(REQUEST_KINDS), error="未知的申请类型"),
                         error_messages=MESSAGES)
    sha256 = text(64)
    media_ids = id_list()
    department = text(200)
    recipient_kind = text(20)
    case_reference = text(200)
    reason = text(2000, required=True)


class DecisionIn(In):
    approve = fields.Boolean(required=True, error_messages=MESSAGES)
    note = text(2000, load_default="")


class ExportIn(In):
    case_id = row_id(required=True)
    media_ids = id_list()
    purpose = fields.String(required=True, error_messages=MESSAGES,
                            validate=validate.OneOf(list(av_rules.EXPORT_PURPOSES), error="未知的用途"))
    extractor = text(200, required=True)
    department = text(200)
    recipient_kind = text(20)
    case_reference = text(200)


class PageQuery(In):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6), error_messages=MESSAGES)
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500), error_messages=MESSAGES)
    after = fields.Integer(validate=ROW_ID, error_messages=MESSAGES, metadata={
        "description": "从此待办（id 见 Link 头）之后取一页：再深也不变慢，翻页间新增的待办不重复、不遗漏"})
    before = fields.Integer(validate=ROW_ID, error_messages=MESSAGES, metadata={"description": "取此待办之前的一页（Link 头 rel=\"prev\"）"})


class DeadlinesQuery(In):
    list = fields.String(validate=validate.OneOf(["mine", "queue"], error="未知的列表（mine 或 queue）"), metadata={
        "description": "只翻阅这一个列表（mine：我的逾期事项；queue：本机构管理队列），与 after/before 同用"})
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500), error_messages=MESSAGES)
    after = fields.Integer(validate=ROW_ID, error_messages=MESSAGES, metadata={
        "description": "从此期限（id 见 links）之后取一页：再深也不变慢"})
    before = fields.Integer(validate=ROW_ID, error_messages=MESSAGES, metadata={"description": "取此期限之前的一页"})


class TokensQuery(In):
    user_id = row_id(strict=False)


class AgencyQuery(In):
    agency = row_id(strict=False)


def _bounded(low: int, high: int, what: str) -> fields.Integer:
    return fields.Integer(error_messages=MESSAGES, metadata={"description": what},
                          validate=validate.Range(min=low, max=high, error=f"{what}应在 {low} 至 {high} 之间"))


class SupervisionQuery(AgencyQuery):
    """The period the figures count (cases started, checks made in it): a year, a quarter or month of it, or a range."""

    year = _bounded(2000, 2100, "年度")
    quarter = _bounded(1, 4, "季度")
    month = _bounded(1, 12, "月份")
    start = fields.Date(data_key="from", error_messages={**MESSAGES, "invalid": "日期格式应为 YYYY-MM-DD"},
                        metadata={"description": "起始日期（含）"})
    end = fields.Date(data_key="to", error_messages={**MESSAGES, "invalid": "日期格式应为 YYYY-MM-DD"},
                      metadata={"description": "截止日期（含）"})

    @validates_schema
    def _one_period(self, data: dict[str, Any], **_: Any) -> None:
        if ("start" in data) != ("end" in data):
            raise ValidationError("起止日期须同时给出", "from" if "start" not in data else "to")
        if "start" in data and data["start"] > data["end"]:
            raise ValidationError("起始日期不能晚于截止日期", "from")
        if ("quarter" in data or "month" in data) and "year" not in data:
            raise ValidationError("按季度或月份统计须同时给出年度", "year")
        if "quarter" in data and "month" in data:
            raise ValidationError("季度和月份只能选一个", "month")


class CheckpointQuery(In):
    agency = row_id(strict=False)
    since = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1), error_messages=MESSAGES)


class LedgerQuery(In):
    finding = text(10)
    checker = row_id(strict=False)
    case_id = row_id(strict=False)
    open = fields.String(validate=validate.OneOf(["", "0", "1"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6), error_messages=MESSAGES)


class ContentQuery(In):
    download = fields.String(validate=validate.OneOf(["0", "1", "true", "false"]))


class ChunkQuery(In):
    offset = fields.Integer(validate=validate.Range(min=0, max=2**62), error_messages=MESSAGES)


# --------------------------------------------------------------------------- answers

class Out(Schema):
    """An answer: the keys listed are described; an answer may carry more (additionalProperties)."""

    class Meta:
        unknown = INCLUDE


_Str = fields.String
_Int = fields.Integer


def _opt(field: type[fields.Field]) -> fields.Field:
    return field(allow_none=True)


class Error(Out):
    error = _Str(required=True, metadata={"description": "错误代码，如 invalid、forbidden"})
    message = _Str(required=True, metadata={"description": "中文说明"})
    field_errors = fields.Dict(data_key="fields", metadata={"description": "字段 → 错误信息（422）"})


class UserOut(Out):
    id = _Int()
    username = _Str()
    display_name = _Str()
    roles = fields.List(_Str())
    agency_id = _Int()
    password_change_required = fields.Boolean()


class TokenOut(Out):
    token = _Str()
    expires_at = _Str()
    token_id = _Int()
    user = fields.Nested(UserOut)


class TokenRow(Out):
    id = _Int()
    kind = _Str()
    device = _Str()
    address = _Str()
    created_at = _Str()
    expires_at = _Str()
    last_used_at = _opt(_Str)
    current = fields.Boolean()


class TaskOut(Out):
    id = _Str()
    case_id = _Int()
    name = _Str()
    title = _Str()
    role = _opt(_Str)
    state = _Str()
    ready_at = _Str()
    due_at = _opt(_Str)
    overdue = fields.Boolean()
    completed_at = _opt(_Str)
    completed_by = _opt(_Int)
    case_title = _Str()


class RecordOut(Out):
    id = _Int()
    kind = _Str()
    title = _Str()
    task_id = _Str()
    task = _Str()
    version = _Int()
    supersedes_id = _opt(_Int)
    payload = fields.Raw()
    author_id = _Int()
    created_at = _Str()
    content_hash = _Str()


class CaseOut(Out):
    id = _Int()
    title = _Str()
    party_name = _Str()
    status = _Str()
    process_id = _Str()
    diagram_version_id = _Int()
    diagram_version = _Int()
    revision = _Int()
    created_at = _Str()
    updated_at = _Str()
    tasks = fields.List(fields.Nested(TaskOut))
    records = fields.List(fields.Nested(RecordOut))
    audit = fields.List(fields.Raw())


class TaskView(Out):
    id = _Str()
    case_id = _Int()
    name = _Str()
    title = fields.Raw()
    state = _Str()
    role = _opt(_Str)
    requires = fields.Raw()
    offered = fields.List(_Str(), metadata={"description": "本环节可附的记录类型（非必需，按需提交）"})


class FileOut(Out):
    sha256 = _Str()
    size = _Int()


class DocumentOut(Out):
    id = _Int()
    case_id = _Int()
    task_id = _opt(_Str)
    kind = _Str()
    title = _Str()
    number = _Str()
    version = _Int()
    supersedes_id = _opt(_Int)
    sha256 = _Str()
    size = _Int()
    sources = fields.Raw()
    made_by = _opt(_Int)
    made_at = _Str()
    url = _Str()


class UploadOut(Out):
    id = _Str()
    case_id = _Int()
    size = _Int()
    received = _Int()
    state = _Str()
    media_id = _opt(_Int)
    content_type = _Str()


class MediaOut(Out):
    id = _Int()
    case_id = _Int()
    file_name = _Str()
    sha256 = _Str()
    media_kind = _Str()
    repeated = fields.Boolean()


class ExplanationOut(Out):
    id = _Int()
    media_id = _Int()
    form = _Str()


class HoldOut(Out):
    id = _Int()
    case_id = _Int()
    media_id = _opt(_Int)
    trigger = _Str()


class MediaRequestOut(Out):
    id = _Int()
    kind = _Str()
    title = _Str()
    case_id = _opt(_Int)
    sha256 = _opt(_Str)
    media_ids = fields.List(_Int())
    department = _opt(_Str)
    reason = _Str()
    requested_by = _Int()
    requested_at = _Str()
    status = _Str()
    decided_by = _opt(_Int)
    decided_at = _opt(_Str)
    decision_note = _opt(_Str)


class ExportOut(Out):
    id = _Int()
    case_id = _Int()
    purpose = _Str()
    department = _opt(_Str)
    extractor = _Str()
    producer_id = _Int()
    media_ids = fields.List(_Int())
    package_sha256 = _Str()
    size = _Int()
    at = _Str()
    manifest = fields.Raw()


class Figures(Out):
    """Figures keyed by name (see README); their inner shapes vary by figure."""


class LedgerOut(Out):
    items = fields.List(fields.Raw())
    page = _Int()
    pages = _Int()
    total = _Int()
    basis = _Str()


class DeadlinesOut(Out):
    mine = fields.List(fields.Raw())
    queue = fields.List(fields.Raw())
    links = fields.Dict(metadata={"description": "每个列表的上一页、下一页（prev、next）地址；没有则不列出"})


class FileIn(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class CaseMediaOut(Out):
    case_id = _Int()
    items = fields.List(fields.Nested(MediaOut))
    flags = fields.List(fields.Raw())
    explanations = fields.List(fields.Raw())
    holds = fields.List(fields.Raw())


class MediaFiguresOut(Out):
    recordings = _Int()
    bytes = _Int()
    late = _Int()
    late_by_officer = fields.Dict()
    late_cases = fields.List(_Int())
    gaps = _Int()
    gaps_unexplained = _Int()


class SupervisionOut(Out):
    at = _Str()
    period = _Str(allow_none=True, metadata={"description": "统计期间（按立案时间），未指定为全部"})
    cases_by_stage = fields.Raw()
    cases_by_procedure = fields.Raw()
    deadlines = fields.Raw()
    overdue = fields.List(fields.Raw())
    av = fields.Raw()
    spot_checks = fields.Raw()
    av_coverage = fields.Raw()
    case_reviews = fields.Raw()
    accountability = fields.Raw()
    integrity_check = fields.Raw()
    as_of = _Str(metadata={"description": "案件、评查、音像与检查台账数据的汇总时间（后台服务定时汇总；期限与逾期为实时）"})
    refresh_minutes = fields.Float(allow_none=True, metadata={"description": "后台服务汇总的间隔（分钟）"})


class ReviewOut(Out):
    case_id = _Int()
    title = _Str()
    status = _Str()
    score = fields.Float(allow_none=True)
    checks = _Int()
    passed = _Int()
    open_steps = fields.Raw()
    defects = fields.List(fields.Raw())
    steps = fields.List(fields.Raw())


class SpotCheckOut(Out):
    id = _Int()
    case_id = _Int()
    media_id = _opt(_Int)
    checker_id = _Int()
    at = _Str()
    aspects = fields.List(_Str())
    finding = _Str()
    note = _opt(_Str)
    rectification = _opt(_Str)
    follow_up_of = _opt(_Int)


class RecordKindOut(Out):
    """One record kind of the catalogue: its fields as generated forms read them."""

    code = _Str(required=True)
    title = _Str(required=True)
    basis = fields.List(_Str(), required=True, metadata={"description": "要求制作该记录的条款"})
    fields_ = fields.Dict(data_key="fields", required=True,
                          metadata={"description": "字段名 → {type, required, title, help, choices, items, fields}"})


class TaskRefOut(Out):
    process = _Str()
    task = _Str()
    title = _Str()


class FindingOut(Out):
    rule = fields.Dict(required=True, metadata={"description": "规则：id、title、kind、basis、acts……"})
    status = _Str(required=True, metadata={"description": "enforced | violated | absent | missing"})
    status_title = _Str()
    enforced_by = fields.List(fields.Nested(TaskRefOut))
    offending = fields.List(fields.Dict())
    message = _Str()


class ComplianceOut(Out):
    profile = _Str(required=True)
    processes = fields.List(_Str())
    ok = fields.Boolean(required=True)
    waived = fields.List(_Str())
    findings = fields.List(fields.Nested(FindingOut), required=True)


class MessageOut(Out):
    message = _Str()


class CheckpointOut(Out):
    agency_id = fields.Integer()
    size = fields.Integer()
    root = fields.String()
    head = fields.String()
    at = fields.String()
    kid = fields.String()
    public_key = fields.String()
    signature = fields.String()
    format = fields.String()


class DiagramIn(Schema):
    """A designer's edit of one procedure's file, on top of a version this agency can see."""

    xml = fields.String(required=True, validate=validate.Length(min=1), metadata={"description": "BPMN 2.0 XML"})
    base_version_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                                     metadata={"description": "在其上修改的版本（基础版本或本机构版本）"})


class DiagramVersionOut(Out):
    version_id = _Int()
    process_id = _Str()
    version = _Int()
    deployed = fields.Boolean()
