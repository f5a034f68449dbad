"""Field builders with Chinese titles, help text and error messages.

Every field carries ``metadata`` (title, help) so forms and API schemas can be generated from
the record catalogue rather than written twice.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

if TYPE_CHECKING:  # type-only import: marshmallow documents marshmallow.types as provisional
    from marshmallow.types import ErrorMessages

#: party kind → (python-stdnum module, the number's name, the national standard that defines its check digit)
ID_NUMBERS: dict[str, tuple[Any, str, str]] = {"citizen": (ric, "公民身份号码", "GB 11643"),
                                               "organisation": (uscc, "统一社会信用代码", "GB 32100")}
REQUIRED: ErrorMessages = {"required": "必填项", "null": "不能为空", "invalid": "格式不正确"}
#: a row id: the databases keep ids in 32-bit integers, so a larger number names nothing (and must not reach them)
ROW_ID = validate.Range(min=1, max=2**31 - 1, error="编号应为 1 至 2147483647 之间的整数")


def _meta(title: str, help: str | None) -> dict[str, Any]:
    return {"title": title, **({"help": help} if help else {})}


def text(title: str, help: str | None = None, required: bool = True, min_len: int = 1,
         max_len: int | None = None) -> fields.String:
    """A text field; ``max_len`` where a database column holds it (both databases then refuse alike, here)."""
    checks = [validate.Length(min=min_len, error=f"{title}至少 {min_len} 个字")] if required else []
    if max_len is not None:
        checks.append(validate.Length(max=max_len, error=f"{title}不能超过 {max_len} 个字"))
    return fields.String(required=required, metadata=_meta(title, help), error_messages=REQUIRED,
                         validate=checks or None)


def choice(title: str, options: dict[str, str], help: str | None = None, required: bool = True) -> fields.String:
    return fields.String(
        required=required, error_messages=REQUIRED,
        metadata={**_meta(title, help), "choices": options},
        validate=validate.OneOf(list(options), error=f"{title}只能是：" + "、".join(options.values())),
    )


def flag(title: str, help: str | None = None, required: bool = True) -> fields.Boolean:
    return fields.Boolean(required=required, metadata=_meta(title, help), error_messages=REQUIRED)


def moment(title: str, help: str | None = None, required: bool = True) -> fields.AwareDateTime:
    return fields.AwareDateTime(
        required=required, metadata=_meta(title, help), default_timezone=None,
        error_messages={**REQUIRED, "invalid": "时间格式应为 ISO 8601，并带时区，如 2026-03-02T09:00:00+08:00",
                        "invalid_awareness": "时间须带时区"},
    )


def amount(title: str, help: str | None = None, required: bool = True) -> fields.Decimal:
    return fields.Decimal(
        required=required, as_string=True, places=2, metadata=_meta(title, help), error_messages=REQUIRED,
        validate=validate.Range(min=0, error=f"{title}不能为负数"),
    )


def days(title: str, help: str | None = None, required: bool = True, most: int = 365) -> fields.Integer:
    """A period in whole days, at least one: what a 文书 announces or grants (公告期限, 期限), counted by the rules of
    the law that sets it where it is checked."""
    return fields.Integer(required=required, allow_none=not required, metadata=_meta(title, help),
                          error_messages={**REQUIRED, "invalid": f"{title}应为整数"},
                          validate=validate.Range(min=1, max=most, error=f"{title}应为 1 至 {most} 日"))


def document_ref(title: str, help: str | None = None, required: bool = False) -> fields.Integer:
    """A 文书 of the case, chosen by its id: the 文书 quoting it prints the issued 文号, title and date from it."""
    return fields.Integer(required=required, allow_none=not required, validate=ROW_ID, error_messages=REQUIRED,
                          metadata={**_meta(title, help), "refers": "document"})


def many(nested: type[Schema] | fields.Field[Any], title: str, min_len: int = 1, help: str | None = None,
         required: bool = True) -> fields.List[Any]:
    inner = fields.Nested(nested) if isinstance(nested, type) else nested
    return fields.List(
        inner, required=required, metadata=_meta(title, help), error_messages=REQUIRED,
        validate=validate.Length(min=min_len, error=f"{title}至少 {min_len} 项"),
    )


def one(nested: type[Schema], title: str, help: str | None = None, required: bool = True) -> fields.Nested:
    return fields.Nested(nested, required=required, metadata=_meta(title, help), error_messages=REQUIRED)


def in_order(data: dict[str, Any], earlier: str, later: str, message: str, *, strictly: bool = False) -> None:
    """Refuse the moment ``later`` before ``earlier`` (or at it, ``strictly``) when both are typed: a reply due before
    the letter was sent, a notice received before it was issued — refused where typed, with ``message`` on ``later``."""
    first, then = data.get(earlier), data.get(later)
    if first and then and (then <= first if strictly else then < first):
        raise ValidationError(message, later)


class Strict(Schema):
    """Unknown fields are an error, not silently dropped: nothing typed is lost without a word."""

    class Meta:
        unknown = "raise"


class Party(Strict):
    name = text("当事人名称或姓名")
    kind = choice("当事人类型", {"citizen": "公民", "organisation": "法人或其他组织"})
    id_number = text("身份证件号码或统一社会信用代码", "公民填 18 位居民身份号码，法人或其他组织填 18 位统一社会信用代码")
    licence = text("主体资格证照名称", "如营业执照、事业单位法人证书；法人或其他组织填写", required=False)
    representative = text("法定代表人（负责人、经营者）", "法人或其他组织必填；有字号的个体工商户填经营者", required=False)
    address = text("住所或地址")
    phone = text("联系电话", required=False)

    @validates_schema
    def _representative(self, data: dict[str, Any], **_: Any) -> None:
        """A 决定书 to an organisation names who answers for it (行政处罚法 第五十九条 asks for the party's name and
        address; both official formats print the 法定代表人（负责人）): refused while it is blank."""
        if data.get("kind") == "organisation" and not (data.get("representative") or "").strip():
            raise ValidationError("法人或其他组织须填写法定代表人（负责人、经营者）", "representative")

    @validates_schema
    def _id_number(self, data: dict[str, Any], **_: Any) -> None:
        """A mistyped number names another person or nobody: both numbers end in a check digit
        (GB 11643 公民身份号码, GB 32100 统一社会信用代码), checked here so a wrong one is refused as it is typed."""
        if problem := id_number_problem(data.get("kind"), data.get("id_number")):
            raise ValidationError(problem, "id_number")


def id_number_problem(kind: str | None, number: str | None) -> str | None:
    """Why ``number`` is not a valid 居民身份号码 (a citizen) or 统一社会信用代码 (an organisation), or ``None``."""
    if not number or kind not in ID_NUMBERS:
        return None
    module, name, standard = ID_NUMBERS[kind]
    try:
        module.validate(number)
    except stdnum_errors.InvalidChecksum:
        return f"{name}校验位不符（{standard}），请逐位核对"
    except stdnum_errors.ValidationError:
        return f"不是有效的{name}（{standard}：18 位，含校验位），请核对"
    return None


class Officer(Strict):
    name = text("执法人员姓名")
    certificate_no = text("执法证件编号")


class Signature(Strict):
    """A signature, or a refusal to sign with the officer's note of it (lishui-city 第十三条)."""

    signer = text("签名人")
    capacity = choice("签名身份", {
        "officer": "执法人员", "party": "当事人", "witness": "见证人", "present": "在场人员",
        "recipient": "受送达人", "signee": "代收人", "server": "送达人", "approver": "负责人",
        "reviewer": "审核人", "recorder": "记录人", "chair": "主持人",
    })
    signed = flag("已签名或盖章")
    signed_at = moment("签名时间", required=False)
    image = fields.String(required=False, metadata=_meta("手写签名", "在屏幕上签名后自动存档（按 SHA-256），随本版记录一并封存"),
                          validate=validate.Regexp(r"^[0-9a-f]{64}$", error="手写签名应为已存档图像的 SHA-256"))
    refusal_note = text("拒绝签名情况记录", "当事人或有关人员拒绝签名的，执法人员现场记录具体情况", required=False)

    @validates_schema
    def _signed_or_refused(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("image") and not data.get("signed"):
            raise ValidationError("有手写签名的，应选择“已签名或盖章”", "signed")
        if data.get("signed"):
            return
        if data.get("capacity") in {"officer", "server", "approver", "reviewer", "recorder", "chair"}:
            raise ValidationError("执法人员和审批人员必须签名", "signed")
        if not data.get("refusal_note"):
            raise ValidationError("未签名的，须记录拒绝签名的具体情况（lishui-city 第十三条）", "refusal_note")


def require_signers(data: dict[str, Any], needs: dict[str, int]) -> None:
    """Raise unless ``data['signatures']`` has at least ``needs[capacity]`` entries per capacity group.

    A key may name alternatives with ``|`` (``party|present``: the party or a person present).  A party
    may refuse (the refusal noted), but a witness who does not sign witnesses nothing: a witness counts
    only when signed (行政强制法 第十八条（六）, 民事诉讼法 第八十九条).
    """
    found = [s.get("capacity") for s in data.get("signatures", [])
             if s.get("capacity") != "witness" or s.get("signed") is True]
    for group, count in needs.items():
        options = group.split("|")
        if sum(1 for c in found if c in options) < count:
            names = "或".join(Signature._declared_fields["capacity"].metadata["choices"][o] for o in options)
            refusal = "（或拒签记录）" if set(options) - {"witness"} else ""
            raise ValidationError(f"须有{names}签名{refusal}至少 {count} 人", "signatures")


class Signed(Strict):
    """A record that the people concerned sign (fushun-culture 第十一条: 上述文书均应由…签字或盖章)."""

    signers_needed: dict[str, int] = {}
    signatures = many(Signature, "签名", help="执法人员、当事人及有关人员的签名或拒签记录")

    @validates_schema
    def _signers(self, data: dict[str, Any], **_: Any) -> None:
        require_signers(data, self.signers_needed)


class Witnessed(Signed):
    """A record made by at least two officers who showed their certificates (行政处罚法 第四十二条、第五十五条, fushun-culture 第九条)."""

    officers = many(Officer, "执法人员", min_len=2, help="至少两名持证执法人员（行政处罚法 第四十二条）")
    certificates_shown = flag("已出示执法证件", "记录执法证件出示情况（fushun-culture 第九条）")

    @validates_schema
    def _shown(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("certificates_shown") is False:
            raise ValidationError("执法人员须向当事人出示执法证件（fushun-culture 第九条）", "certificates_shown")


class ServedDocument(Strict):
    """The 文书 a service record concerns, picked from the case by id (the 文书 made from the record prints its issued
    title, 文号 and date), or named where the case has not made it (a 听证通知书 served before its 文书 exists)."""

    document_id = document_ref("送达的文书", "选择本案已制作的文书；其名称、文号和日期以签发的为准")
    document = text("送达文书名称", "未选择本案文书时填写（如本案尚未制作该文书）", required=False)
    document_no = text("文号", "未选择本案文书时填写", required=False)

    @validates_schema
    def _names_the_document(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("document_id") and not data.get("document"):
            raise ValidationError("须选择送达的文书（或在尚未制作时写明文书名称）（民事诉讼法 第八十七条）", "document_id")
