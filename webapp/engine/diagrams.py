"""Diagram versions and deployments: immutable versions, and which one an agency's new cases use."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from handlers import diagrams

from webapp.store import audit
from webapp.db import db
from webapp.errors import NotFound
from webapp.models import Agency, Deployment, DiagramVersion
from webapp.engine.runner import dump_spec


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
    """Parse and check the diagrams, then store them as a new version (or return the identical one)."""
    sha = _sha(sources)
    same = db.session.scalar(select(DiagramVersion).where(
        DiagramVersion.process_id == process_id, DiagramVersion.agency_id.is_(agency_id) if agency_id is None
        else DiagramVersion.agency_id == agency_id, DiagramVersion.sources_sha256 == sha))
    if same:
        return same
    spec, subprocesses = diagrams.parse(sources, process_id)
    latest = db.session.scalar(select(func.max(DiagramVersion.version)).where(
        DiagramVersion.process_id == process_id,
        DiagramVersion.agency_id.is_(None) if agency_id is None else DiagramVersion.agency_id == agency_id)) or 0
    version = DiagramVersion(process_id=process_id, agency_id=agency_id, version=latest + 1,
                             sources={k: v.decode("utf-8") for k, v in sources.items()}, sources_sha256=sha,
                             spec=dump_spec(spec, subprocesses), created_by=user_id)
    db.session.add(version)
    db.session.flush()
    return version


def deploy(agency: Agency, version: DiagramVersion, user_id: int | None = None) -> Deployment:
    current = deployed(agency.id, version.process_id)
    if current and current.id == version.id:
        return db.session.scalar(select(Deployment).where(
            Deployment.agency_id == agency.id, Deployment.process_id == version.process_id)
            .order_by(Deployment.id.desc()).limit(1))
    from webapp.engine.profiles import guard_deploy

    guard_deploy(agency, version)  # refuses a version that leaves a rule of the agency's profile unenforced
    row = Deployment(agency_id=agency.id, process_id=version.process_id, diagram_version_id=version.id,
                     deployed_by=user_id)
    db.session.add(row)
    audit.append(agency.id, "diagram.deployed", actor_id=user_id,
                 detail={"process_id": version.process_id, "version": version.version,
                         "diagram_version_id": version.id, "sources_sha256": version.sources_sha256})
    return row


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


def deploy_base(agency: Agency, procedures: tuple[str, ...], user_id: int | None = None) -> list[DiagramVersion]:
    """Store the shipped base diagrams (a new version only if they changed) and deploy them."""
    sources = base_sources()
    versions = [save_version(pid, sources, None, user_id) for pid in procedures]
    for v in versions:
        deploy(agency, v, user_id)
    return versions
