"""Diagram versions: immutable, stored once per content, and which one each process of an agency runs.

Deploying a version goes through :mod:`webapp.engine.deployment`, which checks it first.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from handlers import diagrams
from handlers.law import proof
from webapp.db import db
from webapp.engine import proving
from webapp.engine.runner import dump_spec
from webapp.errors import Invalid, NotFound
from webapp.models import Agency, Deployment, DiagramVersion

#: the procedures every agency runs unless its profile names others (the shipped base diagrams)
PROCEDURES = ("general_procedure", "simple_procedure", "compulsory_enforcement", "complaint_intake", "licensing_intake",
              "inspection")


_PROCESS_TAG = re.compile(r"<(?:\w+:)?process\b[^>]*>")
_ATTR = re.compile(r'\b(id|name)="([^"]*)"')


@functools.cache
def _base_titles(directory: str) -> dict[str, str]:
    """Process id → the Chinese name its base diagram gives it (``general_procedure`` → 一般程序)."""
    out: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.bpmn")):
        for tag in _PROCESS_TAG.findall(path.read_text("utf-8")):
            attrs = dict(_ATTR.findall(tag))
            if attrs.get("id") and attrs.get("name"):
                out[attrs["id"]] = attrs["name"]
    return out


def procedure_title(process_id: str | None) -> str:
    """What people call a procedure: its Chinese name from the shipped diagram, never the process id on a screen."""
    if not process_id:
        return ""
    return _base_titles(str(base_dir())).get(process_id, process_id)


def base_dir() -> Path:
    return Path(current_app.config["LIUHEN_WORKFLOWS_DIR"]) / "base"


def base_sources() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(base_dir().glob("*.bpmn"))}


def _sha(sources: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name] + b"\0")
    return digest.hexdigest()


def save_version(process_id: str, sources: dict[str, bytes], agency_id: int | None = None,
                 user_id: int | None = None) -> DiagramVersion:
    """Parse and check the diagrams, prove them against the law of the agency that stores them (the national
    law for a shipped version) and dry-run them, then store them as a new version (or return the identical one)."""
    sha = _sha(sources)
    same = db.session.scalar(select(DiagramVersion).where(
        DiagramVersion.process_id == process_id, DiagramVersion.agency_id.is_(agency_id) if agency_id is None
        else DiagramVersion.agency_id == agency_id, DiagramVersion.sources_sha256 == sha))
    if same:
        return same
    spec, subprocesses = diagrams.parse(sources, process_id)
    proving.require(proving.agency_of(agency_id), process_id, sources, sha, spec, subprocesses)
    latest = db.session.scalar(select(func.max(DiagramVersion.version)).where(
        DiagramVersion.process_id == process_id,
        DiagramVersion.agency_id.is_(None) if agency_id is None else DiagramVersion.agency_id == agency_id)) or 0
    version = DiagramVersion(process_id=process_id, agency_id=agency_id, version=latest + 1,
                             sources={k: v.decode("utf-8") for k, v in sources.items()}, sources_sha256=sha,
                             spec=dump_spec(spec, subprocesses), created_by=user_id)
    db.session.add(version)
    db.session.flush()
    return version


def deployed(agency_id: int, process_id: str) -> DiagramVersion | None:
    row = db.session.scalar(select(Deployment).where(
        Deployment.agency_id == agency_id, Deployment.process_id == process_id)
        .order_by(Deployment.id.desc()).limit(1))
    return db.session.get(DiagramVersion, row.diagram_version_id) if row else None


def require_deployed(agency_id: int, process_id: str) -> DiagramVersion:
    version = deployed(agency_id, process_id)
    if version is None:
        raise NotFound(f"本机构未部署程序 {process_id!r}")
    return version


def deployed_versions(agency_id: int) -> dict[str, DiagramVersion]:
    """The version each process of the agency currently runs (the newest deployment row wins)."""
    ids: dict[str, int] = {}
    for row in db.session.scalars(select(Deployment).where(Deployment.agency_id == agency_id).order_by(Deployment.id)):
        ids[row.process_id] = row.diagram_version_id
    found = {v.id: v for v in db.session.scalars(  # the diagrams and spec are read when used: most callers need neither
        select(DiagramVersion).where(DiagramVersion.id.in_(set(ids.values())))
        .options(defer(DiagramVersion.sources), defer(DiagramVersion.spec)))}
    return {pid: found[vid] for pid, vid in ids.items()}  # the non-null foreign key guarantees each version exists


def defines(xml: str, process_id: str) -> bool:
    return re.search(r"<(?:\w+:)?process\b[^>]*\bid=\"" + re.escape(process_id) + "\"", xml) is not None


def process_file(sources: Mapping[str, str], process_id: str) -> tuple[str, str]:
    """The (file name, XML) that defines ``process_id``; the first file if none names it."""
    for name, xml in sources.items():
        if defines(xml, process_id):
            return name, xml
    name = next(iter(sources))
    return name, sources[name]


def save_edit(process_id: str, xml: str, base: DiagramVersion, agency_id: int, user_id: int | None) -> DiagramVersion:
    """A designer's edit of the file defining ``process_id`` in ``base``, saved (checked, proved, dry-run) as a
    version of the agency: the modeler and the JSON API save through here, so they refuse alike."""
    return save_version(process_id, edited_sources(process_id, xml, base), agency_id, user_id)


def edited_sources(process_id: str, xml: str, base: DiagramVersion) -> dict[str, bytes]:
    """``base``'s files with the one defining ``process_id`` replaced by the designer's ``xml``."""
    if not xml.strip():
        raise Invalid("流程图内容为空", fields={"xml": ["不能为空"]})
    file_name, _ = process_file(base.sources, process_id)
    sources = {name: text.encode("utf-8") for name, text in base.sources.items()}
    sources[file_name] = xml.encode("utf-8")
    return sources


def law_panel(process_id: str, xml: str, base: DiagramVersion, agency: Agency) -> dict[str, list[dict[str, Any]]]:
    """The rules binding each task of the designer's unsaved edit, each held or not by the proof (the same
    proof, cached by content, that a save runs), for the modeler's properties panel."""
    sources = edited_sources(process_id, xml, base)
    rules, citer = proving.law_of(agency)
    try:
        found = proving.findings(process_id, sources, _sha(sources), rules, citer)
        bound = proof.bindings(sources, process_id, rules, citer, found)
    except etree.XMLSyntaxError as exc:
        raise Invalid(f"流程图无法解析：{exc}", fields={"xml": ["不是有效的 BPMN XML"]}) from exc
    return {element: [b.to_json() for b in items] for element, items in bound.items()}
