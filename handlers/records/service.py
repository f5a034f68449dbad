"""送达: the 送达回证 of direct service (fushun-culture 第二十二条, 民事诉讼法 第八十七、八十八条)."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import Signed, choice, document_ref, moment, text


class ServiceReceipt(Signed):
    """送达回证: the server and the recipient (or a lawful signee) sign; the recipient dates it."""

    signers_needed = {"server": 1, "recipient|signee": 1}
    document_id = document_ref("送达的文书", "选择本案已制作的文书；回证打印该文书的名称、文号和日期")
    document = text("送达文书名称", "未选择本案文书时填写（如本案尚未制作该文书）", required=False)
    document_no = text("文号", required=False)
    recipient = text("受送达人")
    method = choice("送达方式", {"direct": "直接送达"})
    place = text("送达地点")
    served_at = moment("送达时间", "以受送达人在送达回证上注明的签收日期为准（民事诉讼法 第八十七条）")

    @validates_schema
    def _names_the_document(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("document_id") and not data.get("document"):
            raise ValidationError("须选择送达的文书（或在尚未制作时写明文书名称）（民事诉讼法 第八十七条）", "document_id")


KINDS = [
    RecordKind("service_receipt", "送达回证", ServiceReceipt,
               ("fushun-culture 第二十二条", "民事诉讼法 第八十七条")),
]
