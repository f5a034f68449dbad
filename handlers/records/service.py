"""送达: the 送达回证 of direct service (fushun-culture 第二十二条, 民事诉讼法 第八十七、八十八条)."""
from __future__ import annotations

from handlers.record_kind import RecordKind
from handlers.records.fields import ServedDocument, Signed, choice, moment, text


class ServiceReceipt(ServedDocument, Signed):
    """送达回证: the server and the recipient (or a lawful signee) sign; the recipient dates it."""

    signers_needed = {"server": 1, "recipient|signee": 1}
    recipient = text("受送达人")
    method = choice("送达方式", {"direct": "直接送达"})
    place = text("送达地点")
    served_at = moment("送达时间", "以受送达人在送达回证上注明的签收日期为准（民事诉讼法 第八十七条）")


KINDS = [
    RecordKind("service_receipt", "送达回证", ServiceReceipt,
               ("fushun-culture 第二十二条", "民事诉讼法 第八十七条")),
]
