"""文号: ``<agency prefix><series>〔<year>〕<n>号``, e.g. ``抚文执罚〔2026〕12号``.

The prefix and the series of each kind come from the agency profile (``documents.prefix`` and
``documents.series``), defaulting to the first character of the agency's name + ``执`` and the
kind's own series; the counter itself lives in the database (``webapp.sealing``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents.kinds import DocumentKind


def prefix_of(profile: Mapping[str, Any], agency_name: str) -> str:
    configured = profile.get("doc_prefix")  # the profile file's doc_prefix (workflows/profiles/<code>/profile.toml)
    return str(configured) if configured else f"{agency_name[:1]}执"


def series_of(kind: DocumentKind, profile: Mapping[str, Any]) -> str:
    return str(((profile.get("documents") or {}).get("series") or {}).get(kind.code) or kind.series)


def format_number(prefix: str, series: str, year: int, n: int) -> str:
    return f"{prefix}{series}〔{year}〕{n}号"
