"""Deploying a diagram version to an agency: proved against the agency's law first, sealed in the audit chain.

The proof runs again at deployment: the version may have been stored for another agency's law (a shipped
version) or before the agency's rules changed.
"""
from __future__ import annotations

from typing import cast

from sqlalchemy import select

from handlers.audit_actions import Action
from webapp.db import db
from webapp.engine import proving, runner
from webapp.engine.compliance import guard_deploy
from webapp.engine.diagrams import base_sources, deployed, save_version
from webapp.models import Agency, Deployment, DiagramVersion
from webapp.store import audit


def deploy(agency: Agency, version: DiagramVersion, user_id: int | None = None) -> Deployment:
    current = deployed(agency.id, version.process_id)
    if current and current.id == version.id:
        return cast(Deployment, db.session.scalar(select(Deployment).where(  # ``current`` came from this row
            Deployment.agency_id == agency.id, Deployment.process_id == version.process_id)
            .order_by(Deployment.id.desc()).limit(1)))
    sources = {name: text.encode("utf-8") for name, text in version.sources.items()}
    proving.require(agency, version.process_id, sources, version.sources_sha256, *runner.spec_of(version),
                    doing="部署")
    guard_deploy(agency, version)  # refuses a version that leaves a rule of the agency's profile unenforced
    row = Deployment(agency_id=agency.id, process_id=version.process_id, diagram_version_id=version.id,
                     deployed_by=user_id)
    db.session.add(row)
    audit.append(agency.id, Action.DIAGRAM_DEPLOYED, actor_id=user_id,
                 detail={"process_id": version.process_id, "version": version.version,
                         "diagram_version_id": version.id, "sources_sha256": version.sources_sha256})
    return row


def deploy_base(agency: Agency, procedures: tuple[str, ...], user_id: int | None = None) -> list[DiagramVersion]:
    """Store the shipped base diagrams (a new version only if they changed) and deploy them."""
    sources = base_sources()
    versions = [save_version(pid, sources, None, user_id) for pid in procedures]
    for v in versions:
        deploy(agency, v, user_id)
    return versions
