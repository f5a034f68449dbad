"""The deploy-time proof, applied: a diagram version is stored and deployed only if the agency's law holds on it.

:mod:`handlers.law.proof` checks every rule on every path of the composed diagram and the data flow of
every condition; :mod:`handlers.law.dryrun` walks it in the real engine.  Both are pure; this module
gives them the agency's binding rules (less the exceptions an administrator recorded for rules whose
article allows discretion) and turns their findings into one refusal (422) naming each element, rule
and article.  Results are kept per process by content hash, so the shipped diagrams deployed to many
agencies are proved once per process and rule set.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from handlers.law import dryrun, proof
from handlers.law.cite import Citer
from handlers.law.model import Rule
from handlers.law.schema import binding, national_titles
from webapp.db import db
from webapp.errors import ServiceError
from webapp.models import Agency, ComplianceException

_STATIC: dict[tuple[Any, ...], list[proof.Finding]] = {}
_DRY: dict[tuple[str, str], list[dryrun.Fault]] = {}
_CACHE_SIZE = 512


class ComplianceRefused(ServiceError):
    """The diagrams would leave a rule of the agency's law unenforced (or could not run)."""

    status, code = 422, "compliance_refused"


def waived_rules(agency_id: int) -> set[str]:
    """Rules with an exception in force: the newest grant-or-revoke row of each rule decides."""
    latest: dict[str, str] = {}
    for row in db.session.scalars(select(ComplianceException).where(ComplianceException.agency_id == agency_id)
                                  .order_by(ComplianceException.id)):
        latest[row.rule_id] = row.action
    return {rule for rule, action in latest.items() if action == "grant"}


def law_of(agency: Agency | None) -> tuple[tuple[Rule, ...], Citer]:
    """The rules a version of ``agency`` must satisfy and how to cite them (shipped versions: national law)."""
    if agency is None:
        return binding(()), Citer(national=national_titles())
    waived = waived_rules(agency.id)
    return tuple(r for r in agency.settings.law() if r.id not in waived), agency.settings.citer()


def _bounded(cache: dict[Any, Any]) -> None:
    if len(cache) > _CACHE_SIZE:
        cache.clear()


def findings(process_id: str, sources: Mapping[str, bytes], sha: str, rules: Sequence[Rule],
             citer: Citer) -> list[proof.Finding]:
    key = (sha, process_id, tuple(rules), citer.own_code, citer.own_title)
    if key not in _STATIC:
        _bounded(_STATIC)
        _STATIC[key] = proof.prove(sources, [process_id], rules, citer)
    return _STATIC[key]


def faults(process_id: str, sha: str, spec: Any, subprocess_specs: dict[str, Any]) -> list[dryrun.Fault]:
    key = (sha, process_id)
    if key not in _DRY:
        _bounded(_DRY)
        _DRY[key] = dryrun.dry_run(spec, subprocess_specs)
    return _DRY[key]


def require(agency: Agency | None, process_id: str, sources: Mapping[str, bytes], sha: str, spec: Any,
            subprocess_specs: dict[str, Any], doing: str = "保存") -> None:
    """Refuse (:class:`ComplianceRefused`, 422) a version whose proof or dry run finds anything."""
    rules, citer = law_of(agency)
    problems: list[dict[str, str]] = [f.to_json() for f in findings(process_id, sources, sha, rules, citer)]
    if not problems:  # a diagram that breaks the law is not worth running
        problems = [f.to_json() for f in faults(process_id, sha, spec, subprocess_specs)]
    if problems:
        raise ComplianceRefused(
            f"流程图 {process_id} 未通过法定规则校验，未予{doing}：\n" + "\n".join(f"- {p['text']}" for p in problems),
            problems=problems, rules=sorted({p["rule"] for p in problems if p.get("rule")}))


def agency_of(agency_id: int | None) -> Agency | None:
    return db.session.get(Agency, agency_id) if agency_id is not None else None
