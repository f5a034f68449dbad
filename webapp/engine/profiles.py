"""Applying an agency profile: its values stored in ``Agency.profile``, its procedures composed and deployed.

Applying a profile stores what other modules read (archive days, A/V handover and retention, the
calendar, the rules) and deploys the agency's procedures: the base diagrams with the profile's
overrides and patches, all or nothing.  Later deployments are checked by :mod:`webapp.engine.compliance`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from handlers import compliance, diagrams, profiles
from handlers.audit_actions import Action
from handlers.workcalendar import national
from webapp import accounts
from webapp.db import db
from webapp.engine import proving, runner
from webapp.engine.compliance import ComplianceRefused, waived_rules
from webapp.engine.deployment import deploy
from webapp.engine.diagrams import base_sources, deployed, deployed_versions, save_version
from webapp.errors import Invalid, NotFound
from webapp.models import Agency, AuditEntry, DiagramVersion
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


@dataclass
class Applied:
    """What applying a profile did to each procedure: deployed a new version, or kept a designer's one."""

    versions: list[DiagramVersion]
    replaced: dict[str, int] = field(default_factory=dict)  # process → version number now deployed in its place
    kept: dict[str, int] = field(default_factory=dict)  # process → the designer's version number left deployed

    def __iter__(self) -> Iterator[DiagramVersion]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    def __getitem__(self, i: int) -> DiagramVersion:
        return self.versions[i]

    def text(self) -> str:
        parts = [f"{pid} 改用第 {n} 版" for pid, n in self.replaced.items()]
        parts += [f"{pid} 保留本机构设计的第 {n} 版（已按新配置校验）" for pid, n in self.kept.items()]
        return "；".join(parts) or "已部署的流程未变"


def _designers(agency: Agency) -> dict[str, DiagramVersion]:
    """Deployed versions the agency's designers made: its own versions that no profile application deployed."""
    last = db.session.scalar(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                      AuditEntry.action == Action.PROFILE_APPLIED.value)
                             .order_by(AuditEntry.seq.desc()).limit(1))
    by_profile = set((last.detail or {}).get("versions", {}).values()) if last else set()
    return {pid: v for pid, v in deployed_versions(agency.id).items()
            if v.agency_id == agency.id and v.id not in by_profile}


def apply_profile(agency: Agency, profile: profiles.Profile, user_id: int | None = None,
                  source: str | None = None) -> Applied:
    """Store the profile in ``Agency.profile`` (with its TOML ``source`` when edited here) and deploy its
    procedures; all or nothing.

    A version a designer deployed is never silently replaced: it stays deployed if it is proved under the
    new profile, otherwise the profile is refused with the reasons.  What changed is returned and audited."""
    base = base_sources()
    try:
        sources = profiles.compose_sources(profile, base)
        rep = compliance.check_files(profile, sources)
    except (profiles.ProfileError, diagrams.DiagramError) as exc:
        raise Invalid(str(exc)) from exc
    rep = compliance.Report(rep.profile, rep.findings, rep.processes, frozenset(waived_rules(agency.id)))
    if not rep.ok:
        raise ComplianceRefused("机构配置与流程图不符，未予应用：\n" + "\n".join(f"- {f.message()}" for f in rep.problems))
    designers = _designers(agency)
    agency.profile = {**profile.agency_profile(national()), **({"source_toml": source} if source else {})}
    agency.name = profile.name
    own = None if sources == base else agency.id
    applied = Applied([])
    for pid in profile.procedures:
        if pid in designers:
            kept = designers[pid]
            try:
                proving.require(agency, pid, {k: v.encode("utf-8") for k, v in kept.sources.items()},
                                kept.sources_sha256, *runner.spec_of(kept), doing="保留")
            except ComplianceRefused as exc:
                raise ComplianceRefused(f"本机构设计的 {pid} 第 {kept.version} 版在新配置下不合规，机构配置未予应用。"
                                        "请先在流程设计中修改该流程图：\n" + exc.message, **exc.extra) from exc
            applied.versions.append(kept)
            applied.kept[pid] = kept.version
            continue
        before = deployed(agency.id, pid)
        v = save_version(pid, sources, own, user_id)
        deploy(agency, v, user_id)
        applied.versions.append(v)
        if before is None or before.id != v.id:
            applied.replaced[pid] = v.version
    audit.append(agency.id, Action.PROFILE_APPLIED, actor_id=user_id,
                 detail={"code": profile.code, "procedures": list(profile.procedures),
                         "versions": {v.process_id: v.id for v in applied.versions if v.process_id not in applied.kept},
                         "kept": applied.kept, "replaced": applied.replaced})
    return applied


def create_agency(code: str, user_id: int | None = None) -> Agency:
    """An agency made from one of the shipped profiles (or the existing one, re-applied)."""
    profile = load_profile(code)
    agency = (db.session.scalar(select(Agency).where(Agency.code == code))
              or accounts.create_agency(code, profile.name, profile.procedures))
    apply_profile(agency, profile, user_id)
    return agency
