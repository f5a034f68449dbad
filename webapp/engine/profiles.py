"""Applying an agency profile: its values stored in ``Agency.profile``, its procedures composed and deployed.

Applying a profile stores what other modules read (archive days, A/V handover and retention, the
calendar, the rules) and deploys the agency's procedures: the base diagrams with the profile's
overrides and patches, all or nothing.  Later deployments are checked by :mod:`webapp.engine.compliance`.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from handlers import compliance, diagrams, profiles
from handlers.audit_actions import Action
from handlers.workcalendar import national
from webapp import accounts
from webapp.db import db
from webapp.engine.compliance import ComplianceRefused, waived_rules
from webapp.engine.deployment import deploy
from webapp.engine.diagrams import base_sources, save_version
from webapp.errors import Invalid, NotFound
from webapp.models import Agency, DiagramVersion
from webapp.store import audit


def profiles_dir() -> Path:
    return Path(current_app.config["LIUHEN_WORKFLOWS_DIR"]) / "profiles"


def load_profile(code: str) -> profiles.Profile:
    try:
        return profiles.load(code, profiles_dir())
    except profiles.ProfileError as exc:
        raise Invalid(str(exc)) from exc


def agency_by_code(code: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"没有机构 {code!r}")
    return agency


def apply_profile(agency: Agency, profile: profiles.Profile, user_id: int | None = None,
                  source: str | None = None) -> list[DiagramVersion]:
    """Store the profile in ``Agency.profile`` (with its TOML ``source`` when edited here) and deploy its
    procedures; all or nothing."""
    base = base_sources()
    try:
        sources = profiles.compose_sources(profile, base)
        rep = compliance.check_files(profile, sources)
    except (profiles.ProfileError, diagrams.DiagramError) as exc:
        raise Invalid(str(exc)) from exc
    rep = compliance.Report(rep.profile, rep.findings, rep.processes, frozenset(waived_rules(agency.id)))
    if not rep.ok:
        raise ComplianceRefused("机构配置与流程图不符，未予应用：\n" + "\n".join(f"- {f.message()}" for f in rep.problems))
    agency.profile = {**profile.agency_profile(national()), **({"source_toml": source} if source else {})}
    agency.name = profile.name
    own = None if sources == base else agency.id
    versions = [save_version(pid, sources, own, user_id) for pid in profile.procedures]
    for v in versions:
        deploy(agency, v, user_id)
    audit.append(agency.id, Action.PROFILE_APPLIED, actor_id=user_id,
                 detail={"code": profile.code, "procedures": list(profile.procedures),
                         "versions": {v.process_id: v.id for v in versions}})
    return versions


def create_agency(code: str, user_id: int | None = None) -> Agency:
    """An agency made from one of the shipped profiles (or the existing one, re-applied)."""
    profile = load_profile(code)
    agency = (db.session.scalar(select(Agency).where(Agency.code == code))
              or accounts.create_agency(code, profile.name, profile.procedures))
    apply_profile(agency, profile, user_id)
    return agency
