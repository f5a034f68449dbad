"""The 电子案卷 bound at 归档: 案卷封面, 卷内目录 with page numbers, every 文书 in the order it was made, the list of
audio-visual records (file, time, officer, duration, SHA-256), the 备考表, and — as PDF/A-3 attachments — the signed
original of every 文书 and a manifest (JSON) naming each with its SHA-256 (fushun-culture 第三十一条: text and A/V
records are filed together; 档案法 第十四条).

The front matter is laid out twice: its own length decides on which page each 文书 starts.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from documents.render import renderer

TEMPLATE = "case_file.html"


@dataclass(frozen=True)
class Filed:
    """One sealed 文书 as the 案卷 holds it: re-laid out from its template and context, its signed original attached."""

    title: str
    number: str
    date: str
    template: str
    context: Mapping[str, Any]
    original: bytes
    sha256: str
    label: str = ""  # what the 卷内目录 shows as its 文号: blank for a 文书 that carries only the case's 案号


def assemble(front: Mapping[str, Any], filed: Sequence[Filed], media: Sequence[Mapping[str, Any]],
             appended: Sequence[Appended] = ()) -> tuple[bytes, dict[str, Any]]:
    """The 电子案卷 PDF/A-3 and its manifest.  ``front``: agency, case, archive_no, retention, archived_at, archivist,
    records (the case's, by kind), opinions (every 鉴定意见 the case received, listed; else its newest record's);
    ``appended``: files attached as they are (the
    鉴定意见's uploaded originals, where the caller reads them from the store)."""
    r = renderer()
    listed = appraisals(held_opinions(front))
    bodies = [r.pages(f.template, f.context) for f in filed]
    lengths = [len(b.pages) for b in bodies]
    entries: list[dict[str, Any]] = []
    head = None
    front_pages = 1
    for _ in range(3):  # the table of contents may grow by a page when page numbers get wider
        start = front_pages + 1
        entries = []
        for f, n in zip(filed, lengths, strict=True):
            entries.append({"title": f.title, "number": f.number, "label": f.label, "date": f.date, "first": start,
                            "pages": n, "sha256": f.sha256})
            start += n
        head = r.pages(TEMPLATE, {**front, "entries": entries, "media": list(media), "total": start - 1,
                                  "appraisals": listed})
        if len(head.pages) == front_pages:
            break
        front_pages = len(head.pages)
    manifest = {"case": front["case"], "archive_no": front.get("archive_no"), "documents": entries,
                "media": [{k: m[k] for k in ("file_name", "started_at", "recorded_by", "seconds", "sha256")} for m in media],
                "appraisals": listed,
                "pages": front_pages + sum(lengths)}
    attachments = [("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode(), "案卷清单（各文书及音像记录的 SHA-256）")]
    attachments += [(f"{i:02d}-{f.number}{f.title}.pdf", f.original, f"{f.title}（已签章原件）") for i, f in enumerate(filed, 1)]
    attachments += [(a.name, a.content, a.description) for a in appended]
    return r.bind([head, *bodies], attachments), manifest


@dataclass(frozen=True)
class Appended:
    """A file the case holds that no 文书 of the agency's renders (the expert's 鉴定书 as uploaded), attached as is."""

    name: str
    content: bytes
    description: str


def held_opinions(front: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every 鉴定意见 the case received (``opinions``: a case may receive several, or a corrected one), else the newest
    record of the kind among ``records``."""
    if front.get("opinions") is not None:
        return list(front["opinions"])
    newest = (front.get("records") or {}).get("expert_opinion")
    return [newest] if newest else []


def appraisals(opinions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The 鉴定意见 the case holds, as the 案卷 lists them in place of the culture set's 格式16 鉴定书: that paper is
    the 鉴定机构's and its 鉴定人's (signed and sealed by them), not the agency's, so the agency files the opinions it
    received — who issued each, when, on what, its conclusion and the SHA-256 of each uploaded file."""
    return [{"form": o.get("form"), "issuer": o.get("issuer"), "issued_at": o.get("issued_at"),
             "subject": o.get("subject"), "conclusion": o.get("conclusion"), "files": list(o.get("files") or [])}
            for o in opinions]
