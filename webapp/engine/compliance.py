"""Whether an agency's deployed diagrams enforce every rule of its profile, and the exceptions to that.

Every deployment passes :func:`guard_deploy`: a diagram version that would leave a rule of the agency's
profile unenforced is refused with the article named, unless an administrator has recorded an
exception for that rule (append-only, sealed in the audit chain).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import select

from handlers import compliance, profiles
from handlers.audit_actions import Action
from handlers.law.model import Rule
from webapp.db import db
from webapp.engine import runner
from webapp.engine.diagrams import deployed_versions
from webapp.engine.proving import ComplianceRefused, waived_rules
from webapp.errors import Forbidden, Invalid, NotFound
from webapp.models import Agency, ComplianceException, DiagramVersion, User
from webapp.store import audit

__all__ = ["ComplianceRefused", "exceptions", "guard_deploy", "record_exception", "report", "waived_rules"]




def _specs(versions: Iterable[DiagramVersion]) -> list[Any]:
    specs: dict[str, Any] = {}
    for v in versions:
        spec, subs = runner.spec_of(v)
        specs[spec.name] = spec
        for name, sub in subs.items():
            specs.setdefault(name, sub)
    return list(specs.values())


_REPORTS: dict[tuple[Any, ...], compliance.Report] = {}


def report(agency: Agency, versions: dict[str, DiagramVersion] | None = None) -> compliance.Report:
    """The compliance report of the agency's deployed diagrams (or of ``versions``) against its profile.

    Kept per process by the rules, the versions' content and the exceptions, as the proof is: every deployment
    checks the agency's set before and after, and the shipped diagrams are deployed to many agencies alike."""
    versions = deployed_versions(agency.id) if versions is None else versions
    profile, waived = profiles.from_agency(agency.settings), frozenset(waived_rules(agency.id))
    content = frozenset((pid, v.process_id, v.sources_sha256) for pid, v in versions.items())
    key = (profile.code, tuple(profile.rules), profile.departments, content, waived)
    if any(sha is None for _, _, sha in content):
        return compliance.check(profile, _specs(versions.values()), waived)
    if key not in _REPORTS:
        if len(_REPORTS) > 256:
            _REPORTS.clear()
        _REPORTS[key] = compliance.check(profile, _specs(versions.values()), waived)
    return _REPORTS[key]


def _problem_keys(rep: compliance.Report) -> dict[tuple[str, str], compliance.Finding]:
    out = {}
    for f in rep.problems:
        for ref, _ in f.offending or ((None, ""),):
            out[(f.rule.id, str(ref) if ref else "")] = f
    return out


def guard_deploy(agency: Agency, version: DiagramVersion) -> None:
    """Refuse a deployment that leaves a profile rule unenforced where it was not before."""
    if not agency.settings.rules:
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


def record_exception(user: User, rule_id: str, reason: str, action: str = "grant") -> ComplianceException:
    """An administrator's explicit exception to one rule (or its revocation), sealed in the audit chain."""
    if not user.has_role("admin"):
        raise Forbidden("只有机构管理员可以登记合规例外")
    agency = cast(Agency, db.session.get(Agency, user.agency_id))  # a user's agency exists (foreign key)
    rules = {r.id: r for r in agency.settings.rules}
    if rule_id not in rules:
        raise NotFound(f"本机构配置中没有规则 {rule_id!r}（可用：{'、'.join(rules) or '无'}）")
    rule = rules[rule_id]
    if action == "grant" and not discretionary(rule):
        cited = agency.settings.citer().one(rule.basis) or rule.basis
        raise Invalid(f"{cited}为强制性规定（{rule.title}），不得登记例外；只有条文本身允许变通的规则"
                      "（如“不适宜音像记录的，书面说明理由”）可以登记例外", fields={"rule_id": ["强制性规定不得例外"]})
    if action not in ("grant", "revoke"):
        raise Invalid("action 须为 grant 或 revoke")
    if len(reason.strip()) < 6:
        raise Invalid("须写明例外理由（至少 6 个字）", fields={"reason": ["至少 6 个字"]})
    row = ComplianceException(agency_id=agency.id, rule_id=rule_id, basis=rules[rule_id].basis, action=action,
                              reason=reason.strip(), user_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.append(agency.id, Action(f"compliance.exception_{action}"), actor_id=user.id,
                 detail={"exception_id": row.id, "rule_id": rule_id, "basis": row.basis, "reason": row.reason})
    return row


def discretionary(rule: Rule) -> bool:
    """Whether the article itself leaves room for an exception: a recording it excuses where unsuitable."""
    return rule.kind == "recording" and rule.mode == "unless_unsuitable"


def exceptions(agency_id: int) -> list[ComplianceException]:
    return list(db.session.scalars(select(ComplianceException).where(ComplianceException.agency_id == agency_id)
                                   .order_by(ComplianceException.id)))
