"""文号: ``<agency prefix><series>〔<year>〕<n>号``, e.g. ``抚文执罚〔2026〕12号``.

The prefix and the series of each kind come from the agency profile (``documents.prefix`` and
``documents.series``), defaulting to the first character of the agency's name + ``执`` and the
kind's own series; the counter itself lives in the database (``webapp.sealing``).
"""
from __future__ import annotations


def prefix_of(configured: str | None, agency_name: str) -> str:
    """The profile's ``doc_prefix``, else the first character of the agency's name + 执."""
    return configured or f"{agency_name[:1]}执"


def format_number(prefix: str, series: str, year: int, n: int) -> str:
    return f"{prefix}{series}〔{year}〕{n}号"
