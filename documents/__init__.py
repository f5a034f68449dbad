"""The 文书: one HTML template per kind sharing one stylesheet, rendered to PDF by WeasyPrint, and 文号 formatting.

Nothing here knows about Flask or the database (DESIGN.md): ``webapp.sealing`` numbers, stores and
audits what :func:`render` makes.
"""
from __future__ import annotations

from documents.case_file import Appended, Filed
from documents.case_file import assemble as assemble_case_file
from documents.kinds import BY_CODE, DOCUMENT_KINDS, DocumentKind, act_moment, kind, made_on, signed_at
from documents.numbering import format_number, prefix_of
from documents.render import SlowFontSubsetting, render, subsetter

__all__ = ["Appended", "BY_CODE", "DOCUMENT_KINDS", "DocumentKind", "Filed", "act_moment", "assemble_case_file",
           "SlowFontSubsetting", "format_number", "kind", "made_on", "prefix_of", "render", "signed_at", "subsetter"]
