"""Applying an agency profile, checking an agency's deployed diagrams against it, and exceptions.

Applying a profile stores its values in ``Agency.profile`` (what other modules read: archive days,
A/V handover and retention, the calendar, the rules) and deploys the agency's procedures: the base
diagrams with the profile's overrides and patches.  Every later deployment passes
:func:`guard_deploy`: a diagram version that would leave a rule of the agency's profile
unenforced is refused with the article named, unless an administrator has recorded an exception
for that rule (append-only, sealed in the audit chain).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import select

from handlers import compliance, diagrams, profiles
from handlers.workcalendar import national

from webapp.store import audit
from webapp.engine import runner
from webapp.db import db
from webapp.errors import Forbidden, Invalid, NotFound, ServiceError
from webapp.models import Agency, Deployment, DiagramVersion, User
from webapp.models import ComplianceException


class ComplianceRefused(ServiceError):
    """The diagrams would leave a rule of the agency's profile unenforced."""

    status, code = 422, "compliance_refused"


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


def waived_rules(agency_id: int) -> set[str]:
    """Rules with an exception in force: the newest grant-or-revoke row of each rule decides."""
    latest: dict[str, str] = {}
    for row in db.session.scalars(select(ComplianceException).where(ComplianceException.agency_id == agency_id)
                                  .order_by(ComplianceException.id)):
        latest[row.rule_id] = row.action
    return {rule for rule, action in latest.items() if action == "grant"}


def deployed_versions(agency_id: int) -> dict[str, DiagramVersion]:
    """The version each process of the agency currently runs (the newest deployment row wins)."""
    ids: dict[str, int] = {}
    for row in db.session.scalars(select(Deployment).where(Deployment.agency_id == agency_id).order_by(Deployment.id)):
        ids[row.process_id] = row.diagram_version_id
    return {pid: db.session.get(DiagramVersion, vid) for pid, vid in ids.items()}


def _specs(versions: Iterable[DiagramVersion]) -> list[Any]:
    specs: dict[str, Any] = {}
    for v in versions:
        spec, subs = runner.spec_of(v)
        specs[spec.name] = spec
        for name, sub in subs.items():
            specs.setdefault(name, sub)
    return list(specs.values())


def report(agency: Agency, versions: dict[str, DiagramVersion] | None = None) -> compliance.Report:
    """The compliance report of the agency's deployed diagrams (or of ``versions``) against its profile."""
    versions = deployed_versions(agency.id) if versions is None else versions
    return compliance.check(profiles.from_agency(agency.profile or {}), _specs(versions.values()),
                            waived_rules(agency.id))


def _problem_keys(rep: compliance.Report) -> dict[tuple[str, str], compliance.Finding]:
    out = {}
    for f in rep.problems:
        for ref, _ in f.offending or ((None, ""),):
            out[(f.rule.id, str(ref) if ref else "")] = f
    return out


def guard_deploy(agency: Agency, version: DiagramVersion) -> None:
    """Refuse a deployment that leaves a profile rule unenforced where it was not before."""
    if not (agency.profile or {}).get("rules"):
        return
    current = deployed_versions(agency.id)
    before = _problem_keys(report(agency, current))
    after = _problem_keys(report(agency, {**current, version.process_id: version}))
    new = [f for key, f in after.items() if key not in before]
    if new:
        raise ComplianceRefused(
            "流程图不符合本机构执法全过程记录规定，未予部署：\n" + "\n".join(f"- {f.message()}" for f in new)
            + "\n如确需部署，须由机构管理员登记例外（说明理由）",
            rules=[{"id": f.rule.id, "basis": f.rule.basis, "message": f.message()} for f in new])


def apply_profile(agency: Agency, profile: profiles.Profile, user_id: int | None = None) -> list[DiagramVersion]:
    """Store the profile in ``Agency.profile`` and deploy its procedures; all or nothing."""
    from webapp.engine.diagrams import base_sources, deploy, save_version

    base = base_sources()
    try:
        sources = profiles.compose_sources(profile, base)
        rep = compliance.check_files(profile, sources)
    except (profiles.ProfileError, diagrams.DiagramError) as exc:
        raise Invalid(str(exc)) from exc
    rep = compliance.Report(rep.profile, rep.findings, rep.processes, frozenset(waived_rules(agency.id)))
    if not rep.ok:
        raise ComplianceRefused("机构配置与流程图不符，未予应用：\n" + "\n".join(f"- {f.message()}" for f in rep.problems))
    agency.profile = profile.agency_profile(national())
    agency.name = profile.name
    own = None if sources == base else agency.id
    versions = [save_version(pid, sources, own, user_id) for pid in profile.procedures]
    for v in versions:
        deploy(agency, v, user_id)
    audit.append(agency.id, "profile.applied", actor_id=user_id,
                 detail={"code": profile.code, "procedures": list(profile.procedures),
                         "versions": {v.process_id: v.id for v in versions}})
    return versions


def create_agency(code: str, user_id: int | None = None) -> Agency:
    """An agency made from one of the shipped profiles (or the existing one, re-applied)."""
    from webapp.demo import create_agency as new_agency

    profile = load_profile(code)
    agency = db.session.scalar(select(Agency).where(Agency.code == code)) or new_agency(code, profile.name)
    apply_profile(agency, profile, user_id)
    return agency


def record_exception(user: User, rule_id: str, reason: str, action: str = "grant") -> ComplianceException:
    """An administrator's explicit exception to one rule (or its revocation), sealed in the audit chain."""
    if not user.has_role("admin"):
        raise Forbidden("只有机构管理员可以登记合规例外")
    agency = db.session.get(Agency, user.agency_id)
    rules = {r["id"]: r for r in (agency.profile or {}).get("rules", [])}
    if rule_id not in rules:
        raise NotFound(f"本机构配置中没有规则 {rule_id!r}（可用：{'、'.join(rules) or '无'}）")
    if action not in ("grant", "revoke"):
        raise Invalid("action 须为 grant 或 revoke")
    if len(reason.strip()) < 6:
        raise Invalid("须写明例外理由（至少 6 个字）", fields={"reason": ["至少 6 个字"]})
    row = ComplianceException(agency_id=agency.id, rule_id=rule_id, basis=rules[rule_id]["basis"], action=action,
                              reason=reason.strip(), user_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.append(agency.id, f"compliance.exception_{action}", actor_id=user.id,
                 detail={"exception_id": row.id, "rule_id": rule_id, "basis": row.basis, "reason": row.reason})
    return row


def exceptions(agency_id: int) -> list[ComplianceException]:
    return list(db.session.scalars(select(ComplianceException).where(ComplianceException.agency_id == agency_id)
                                   .order_by(ComplianceException.id)))
