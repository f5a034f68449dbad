"""Rules for audio/video evidence, as pure functions: content types, handover deadlines, retention,
confidentiality and the masking of protected persons in exports.

Nothing here knows about Flask or the database; the web app passes the agency's settings
(:class:`handlers.profiles.Settings`: handover hours or working days, remote handover, calendar,
retention, device checks, confidentiality) and the facts, and gets back dates, verdicts and masked copies.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from handlers import workcalendar

if TYPE_CHECKING:  # for annotations only: settings → rules → catalogue → records → here
    from handlers.settings import Settings

#: the acts of a recording's own handling, as the rules of a regulation name them (the vocabulary in
#: handlers/law/acts.py lists them; they are named here because the rule base imports the catalogue, which imports
#: this module)
HANDOVER_ACT, REMOTE_HANDOVER_ACT, GAP_ACT = "音像记录.移交", "音像记录.移交.返回后", "音像记录.中断说明"
VIEW_ACT, MASK_ACT = "音像记录.查阅", "复制.当事人.遮蔽"


# --------------------------------------------------------------------------- the agency's articles


def articles(settings: Settings, act: str, kind: str, mode: str | None = None) -> tuple[str, ...]:
    """The articles of the agency's rules of ``kind`` (and ``mode``) on one of a recording's own acts (its handover,
    the explanation of a gap): its regulation's rule file says which article binds, never a county named here."""
    return tuple(dict.fromkeys(r.basis for r in settings.law().governing("", (), act)
                               if r.kind == kind and (mode is None or r.mode == mode)))


def handover_basis(settings: Settings) -> tuple[str, ...]:
    """The articles behind the agency's handover period (fushun-culture 第三十一条, pishan-culture 第十九条 …)."""
    return articles(settings, HANDOVER_ACT, "period")


def gap_basis(settings: Settings) -> tuple[str, ...]:
    """The articles that make an interrupted or incomplete recording need an explanation (naiman-culture 第十条,
    pishan-culture 第十九条), from the agency's ``recording`` rules of mode ``on_gap``."""
    return articles(settings, GAP_ACT, "recording", "on_gap")


def mask_basis(settings: Settings) -> tuple[str, ...]:
    """The articles that keep complainants', informants' and third parties' identities out of a party's copy
    (naiman-culture 第十二条), from the agency's ``access`` rules on that act."""
    return articles(settings, MASK_ACT, "access")


def level_basis(settings: Settings, level: Level) -> tuple[str, ...]:
    """The articles behind a confidentiality level's limits: the agency's ``access`` rules on viewing recordings
    (naiman-culture 第十二条, pishan-culture 第十七条), its regulation's article on managing secret and private
    records by their permissions (the profile's ``confidentiality_basis``: fushun-culture 第三十四条, lishui-city
    第二十三条, changli-market 第二十条), then the national law the level names."""
    own = (settings.confidentiality_basis,) if settings.confidentiality_basis and level.view_roles is not None else ()
    return tuple(dict.fromkeys((*articles(settings, VIEW_ACT, "access"), *own, *level.basis)))


# --------------------------------------------------------------------------- content types

MEDIA_KINDS = {"video": "视频", "audio": "音频", "photo": "照片"}


def _ftyp(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _mpeg_audio(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


# Declared content type → (media kind, test of the first bytes, how the file must begin).
CONTENT_TYPES: dict[str, tuple[str, Callable[[bytes], bool], str]] = {
    "video/mp4": ("video", _ftyp, "MP4（ftyp）"),
    "video/quicktime": ("video", _ftyp, "MOV（ftyp）"),
    "video/3gpp": ("video", _ftyp, "3GP（ftyp）"),
    "video/x-msvideo": ("video", _riff(b"AVI "), "AVI（RIFF…AVI）"),
    "video/x-matroska": ("video", lambda h: h[:4] == b"\x1aE\xdf\xa3", "MKV（EBML）"),
    "video/webm": ("video", lambda h: h[:4] == b"\x1aE\xdf\xa3", "WebM（EBML）"),
    "video/mp2t": ("video", lambda h: h[:1] == b"G", "MPEG-TS（0x47）"),
    "video/x-flv": ("video", lambda h: h[:3] == b"FLV", "FLV"),
    "audio/mpeg": ("audio", _mpeg_audio, "MP3（ID3 或帧同步）"),
    "audio/wav": ("audio", _riff(b"WAVE"), "WAV（RIFF…WAVE）"),
    "audio/x-wav": ("audio", _riff(b"WAVE"), "WAV（RIFF…WAVE）"),
    "audio/mp4": ("audio", _ftyp, "M4A（ftyp）"),
    "audio/x-m4a": ("audio", _ftyp, "M4A（ftyp）"),
    "audio/aac": ("audio", lambda h: len(h) > 1 and h[0] == 0xFF and h[1] & 0xF6 == 0xF0, "AAC（ADTS）"),
    "audio/amr": ("audio", lambda h: h[:5] == b"#!AMR", "AMR（#!AMR）"),
    "audio/ogg": ("audio", lambda h: h[:4] == b"OggS", "Ogg（OggS）"),
    "image/jpeg": ("photo", lambda h: h[:3] == b"\xff\xd8\xff", "JPEG（FF D8 FF）"),
    "image/png": ("photo", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", "PNG"),
    "image/heic": ("photo", _ftyp, "HEIC（ftyp）"),
}
MAGIC_BYTES_NEEDED = 12


def media_kind(content_type: str) -> str | None:
    entry = CONTENT_TYPES.get(content_type.lower())
    return entry[0] if entry else None


def type_mismatch(content_type: str, head: bytes) -> str | None:
    """Why ``head`` (the file's first bytes) cannot be ``content_type``; ``None`` when it fits.

    The declared type is what the metadata and the export will say; a file that is not what it
    claims would mislead a court, so it is refused rather than relabelled.
    """
    entry = CONTENT_TYPES.get(content_type.lower())
    if entry is None:
        return f"不支持的文件类型 {content_type}；可上传：{'、'.join(sorted(CONTENT_TYPES))}"
    _, test, expected = entry
    if not test(head):
        return f"文件内容与声明的类型 {content_type} 不符：文件开头应为 {expected}，实际为 {head[:12].hex(' ')}"
    return None


#: the stored name's length (the column's): a long 案由 is cut, never refused by one database and kept by the other
FILE_NAME_CHARS = 300


def file_name(officer: str, cause: str, content_type: str) -> str:
    """The stored name: the officer's name and the 案由 (pishan-culture 第十九条（四）), with an extension."""
    ext = {"video": ".mp4", "audio": ".mp3", "photo": ".jpg"}.get(media_kind(content_type) or "", "")
    special = {"video/quicktime": ".mov", "video/x-msvideo": ".avi", "video/x-matroska": ".mkv",
               "video/webm": ".webm", "video/mp2t": ".ts", "video/x-flv": ".flv", "video/3gpp": ".3gp",
               "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mp4": ".m4a", "audio/x-m4a": ".m4a",
               "audio/aac": ".aac", "audio/amr": ".amr", "audio/ogg": ".ogg", "image/png": ".png",
               "image/heic": ".heic"}
    ext = special.get(content_type.lower(), ext)
    safe = "".join(ch for ch in f"{officer.strip()}{cause.strip()}" if ch not in '/\\:*?"<>|\0\n\r\t')
    return f"{safe[:FILE_NAME_CHARS - len(ext)]}{ext}"


# --------------------------------------------------------------------------- handover


@dataclass(frozen=True)
class Handover:
    due_at: dt.datetime
    rule: str
    basis: tuple[str, ...]

    def late(self, received_at: dt.datetime) -> bool:
        return received_at > self.due_at


def handover_period(rule: str) -> str:
    """The period of a stored handover rule (``24小时（<articles in code form>）`` → ``24小时``), for a sentence
    whose articles are cited apart, by their titles."""
    return rule.split("（", 1)[0]


def end_of_working_days(moment: dt.datetime, days: int, settings: Settings) -> dt.datetime:
    """The end (24:00 China time) of the ``days``-th working day after the day of ``moment``."""
    day = settings.calendar(workcalendar.national()).add_working_days(workcalendar.local_date(moment), days)
    return workcalendar.end_of_day(day)


def handover_deadline(ended_at: dt.datetime, settings: Settings, *,
                      returned_at: dt.datetime | None = None, remote_reason: str | None = None) -> Handover:
    """When a recording must be in the system.

    24 h after it ends (fushun-culture 第三十一条, changli-market 第十九条), or one working day
    (pishan-culture 第十九条) when the profile says so; for remote or continuous field work with a
    reason recorded, 24 h after the officer's return if that is later (fushun-culture 第三十一条).
    The articles are those of the agency's ``period`` rules on the handover (:func:`handover_basis`).
    """
    days, basis = settings.av_handover_working_days, handover_basis(settings)
    if days:
        normal = Handover(end_of_working_days(ended_at, days, settings), f"{days}个工作日", basis)
    else:
        hours = settings.av_handover_hours
        normal = Handover(ended_at + dt.timedelta(hours=hours), f"{hours:g}小时", basis)
    if returned_at is None or not (remote_reason or "").strip():
        return normal
    remote_hours = settings.av_remote_handover_hours
    remote = returned_at + dt.timedelta(hours=remote_hours)
    if remote <= normal.due_at:
        return normal
    return Handover(remote, f"返回单位后{remote_hours:g}小时", articles(settings, REMOTE_HANDOVER_ACT, "period"))


# --------------------------------------------------------------------------- retention

# A recording in the 音像记录 of a case decided by these records is evidence of that decision.
DECISION_KINDS = ("penalty_decision", "onspot_decision")
HOLD_TRIGGERS = {
    "evidence": "作为行政、刑事案件证据使用",
    "obstruction": "当事人或者现场其他人员有阻碍执法、妨害公务行为",
    "major_incident": "处置重大突发事件、群体性事件",
    "complaint": "当事人提出信访、申诉、复议、诉讼、复核、国家赔偿",
    "other": "其他重大、疑难、复杂情况或本单位认为应当长期保存",
}


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """Calendar months later, the day clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_until(stored_at: dt.datetime, months: int) -> dt.datetime:
    return add_months(stored_at, months)


def disposal_refusal(now: dt.datetime, until: dt.datetime, holds: list[str], *, hold_basis: str = "",
                     retention_basis: str = "") -> str | None:
    """Why a recording may not be disposed of yet; ``None`` when it may.  The articles come cited by the
    caller, from the agency's own regulation (pishan-culture 第二十条, naiman-culture 第十一条)."""
    if holds:
        names = "、".join(HOLD_TRIGGERS.get(h, h) for h in sorted(set(holds)))
        return f"该音像记录须长期保存（{names}{'；依据' + hold_basis if hold_basis else ''}），不能销毁"
    if now < until:
        return (f"保存期限未满：须保存至 {until.astimezone(workcalendar.CHINA):%Y-%m-%d %H:%M}"
                f"{'（依据' + retention_basis + '）' if retention_basis else ''}，期满前不能销毁")
    return None


# --------------------------------------------------------------------------- confidentiality and access


@dataclass(frozen=True)
class Level:
    title: str
    view_roles: tuple[str, ...] | None  # None: anyone with the case's permission
    view_needs_approval: bool
    party_export: bool
    basis: tuple[str, ...] = ()  # the national law the level names; a regulation's articles: :func:`level_basis`


CONFIDENTIALITY: dict[str, Level] = {
    "none": Level("一般", None, False, True),
    "privacy": Level("个人隐私", ("officer", "reviewer", "legal", "approver"), False, False),
    "commercial_secret": Level("商业秘密", ("officer", "legal", "approver"), False, False),
    "state_secret": Level("国家秘密", ("approver",), True, False, ("保守国家秘密法",)),
}

EXPORT_PURPOSES = {
    "file": "附卷归档",
    "evidence": "作为证据使用（刻制光盘）",
    "department": "相关部门使用",
    "party": "当事人申请查阅、复制",
}

# --------------------------------------------------------------------------- masking

MASK = "＊＊＊"
#: keys whose value identifies a protected person; ``contact`` is the complainant's phone or address (投诉举报登记)
PROTECTED_KEYS = frozenset({"complainant", "complainants", "contact", "informant", "informants", "reporter", "reporters",
                            "third_party", "third_parties", "witness", "witnesses"})
PROTECTED_CAPACITIES = frozenset({"witness", "present", "signee"})
PERSON_FIELDS = ("name", "signer", "id_number", "address", "phone", "refusal_note")


def _mask_person(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if k in PERSON_FIELDS else _mask_value(v)) for k, v in value.items()}
    return MASK


def _mask_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("capacity") in PROTECTED_CAPACITIES:
        return _mask_person(value)
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key in PROTECTED_KEYS:
            out[key] = [_mask_person(v) for v in inner] if isinstance(inner, list) else _mask_person(inner)
        elif key == "interviewee" and value.get("interviewee_role") not in (None, "party"):
            out[key] = _mask_person(inner)
        else:
            out[key] = _mask_value(inner)
    return out


def mask_for_party(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A record as a party may see it: complainants', informants' and third parties' identities
    replaced by ＊＊＊ (naiman-culture 第十二条); the party's own data and the officers stay."""
    return cast("dict[str, Any]", _mask_value(dict(payload)))  # a dict in, a dict out


# --------------------------------------------------------------------------- devices and the agency's confidentiality

STATE_ORGANS = {"supervision": "监察机关", "judicial": "司法机关（法院、检察院、公安机关）", "audit": "审计机关",
                "state_organ": "其他国家机关"}


def device_check_refusal(settings: Settings, meta: Mapping[str, Any]) -> str | None:
    """Why a recording is refused at ingest for want of a device check; ``None`` when it may be stored.

    Profile ``device_check_before_use`` (naiman-culture 第十条: before use, officers check the device's
    performance, battery and storage and set its clock): the metadata must say it was done.
    """
    if not settings.device_check_before_use or meta.get("device_checked"):
        return None
    return ("使用前须检查音像记录设备的性能、电量和存储空间，并校准系统时间；请确认已检查"
            f"（依据 {settings.citer().text([settings.device_check_basis or '']) or '本机构配置 devices.check_before_use'}）")


def external_copy_refusal(settings: Settings, recipient_kind: str | None,
                          case_reference: str | None) -> str | None:
    """Why records may not be copied for another body; ``None`` when they may (after the head's approval).

    Profile ``confidentiality = "internal"`` (naiman-culture 第十二条): the records are the agency's
    internal material, not disclosed to the public; 监察、司法、审计等国家机关 that call them up for a case
    they handle are assisted.  So another body must be such an organ and state the case it handles.
    (The same article lets a party see and copy the records about them, without state secrets or the
    identities of informants, complainants and third parties: that is the ``party`` export.)
    """
    if settings.confidentiality != "internal":
        return None
    basis = settings.citer().text([settings.confidentiality_basis or ""]) or "本机构配置 confidentiality"
    if recipient_kind not in STATE_ORGANS:
        return (f"执法全过程记录为内部资料，不向社会公开（依据 {basis}）：只能向依法办案调阅、复制的"
                f"{'、'.join(STATE_ORGANS.values())}提供；请以 recipient_kind 注明调阅机关类别")
    if not (case_reference or "").strip():
        return f"国家机关调阅、复制执法全过程记录须基于办案需要，请以 case_reference 写明其案号或办案事由（依据 {basis}）"
    return None
