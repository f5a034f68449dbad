"""What a 文书 reports on (``DocumentKind.needs``), judged once for the gate and for 案卷评查.

``kind.field``: the case holds a record of that kind and the 文书's act is not dated before the field (a 鉴定结果告知书
not before the 鉴定意见 it tells); ``kind.field=a|b``: the record is of that sort (a 协助扣押通知书 only on a 查封 or
扣押 decision).  The gate refuses the record that would make such a 文书; 案卷评查 scores a case that holds one anyway
(a version saved before the rule, an import): both say the same thing in the same words.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import documents
from handlers.catalogue import CATALOGUE
from handlers.clock import local_text, moment


@dataclass(frozen=True)
class Need:
    """One thing a 文书 needs, judged: ``dated`` when the date order was judged (its refusal belongs on the date)."""

    ok: bool
    text: str
    dated: bool = False


def judged(dk: documents.DocumentKind, payloads: Mapping[str, Mapping[str, Any]],
           held: Mapping[str, Mapping[str, Any]], format_set: str = "culture") -> list[Need]:
    """Each of ``dk.needs`` against ``held`` (the case's newest payload per kind); ``payloads`` date the 文书's act,
    named as its paper is in the agency's format set.  A date order neither side states is not judged (the record's own
    schema asks for its date)."""
    out: list[Need] = []
    own, named = moment(documents.act_moment(dk, payloads)), dk.printed_title(format_set, {**held, **payloads})
    for ref in dk.needs:
        code, _, rest = ref.partition(".")
        name, sort, allowed = rest.partition("=")
        record, title = held.get(code), _title(code)
        if not record:
            out.append(Need(False, f"本案尚无“{title}”记录，不能制作{named}"))
        elif sort:
            out.append(_of_sort(named, code, name, allowed.split("|"), record))
        elif own is not None and (earlier := moment(record.get(name))) is not None:
            what = f"{title}的{_field_title(code, name)}"
            out.append(Need(True, f"{named}：已符合（不早于{what}）", True) if own >= earlier else
                       Need(False, f"{named}的日期 {local_text(own)} 早于{what} {local_text(earlier)}", True))
    return out


def _of_sort(named: str, code: str, name: str, allowed: list[str],
             record: Mapping[str, Any]) -> Need:
    rk = CATALOGUE.get(code)
    shown = rk.display(record).get(name, record.get(name)) if rk else record.get(name)
    what = f"{_title(code)}为“{shown}”（{_field_title(code, name)}）"
    if str(record.get(name)) in allowed:
        return Need(True, f"{named}：本案的{what}，相符")
    return Need(False, f"本案的{what}，不能制作{named}")


def _title(code: str) -> str:
    return CATALOGUE[code].title if code in CATALOGUE else code


def _field_title(code: str, name: str) -> str:
    return CATALOGUE[code].field_title(name) if code in CATALOGUE else name
