"""Officers named on a record must hold a valid 执法证 (行政处罚法 第四十二条：执法人员不得少于两人，
法律另有规定的除外；第五十五条：主动出示执法证件).

A record lists its officers with their certificate numbers (``officers``); the agency's roster knows each
number's validity.  A number the roster holds with a date that has passed is refused, on the API as on the
page; a number the roster does not know is left to the reviewer (another agency's officer in a joint action).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

BASIS = "行政处罚法 第四十二条"


def expired(payload: Mapping[str, Any], valid_until: Mapping[str, dt.date | None], on: dt.date) -> dict[str, list[str]]:
    """Field errors (``officers.N.certificate_no``) for every officer whose certificate had expired on ``on``."""
    out: dict[str, list[str]] = {}
    officers = payload.get("officers")
    for i, officer in enumerate(officers if isinstance(officers, list) else []):
        number = str(officer.get("certificate_no") or "").strip() if isinstance(officer, Mapping) else ""
        until = valid_until.get(number)
        if until is not None and until < on:
            who = officer.get("name") or "该执法人员"
            out[f"officers.{i}.certificate_no"] = [f"{who}的执法证（{number}）已于 {until.isoformat()} 到期，不能作为执法人员"]
    return out
