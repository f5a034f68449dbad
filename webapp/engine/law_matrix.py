"""The article-by-article matrix of one profile (``flask liuhen law matrix <profile>``): its regulation and the
national laws, with the rules, the tasks of the deployed version (or of the composed shipped diagrams when no
agency runs the profile yet) and the tests that cite each article."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from handlers import profiles
from handlers.law import matrix, proof
from handlers.law.schema import LAW_DIR, binding, law_file_data
from webapp.db import db
from webapp.engine.diagrams import base_sources, deployed_versions
from webapp.models import Agency


def _settings(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Profile values that carry an article (``archive.basis``, ``av.handover_basis`` …)."""
    out: dict[str, str] = {}
    for k, v in data.items():
        if isinstance(v, Mapping):
            out.update(_settings(v, f"{prefix}{k}."))
        elif isinstance(v, str) and k.endswith("basis"):
            out[f"{prefix}{k}"] = v
    return out


def _tasks(sources_by_process: Mapping[str, Mapping[str, bytes]]) -> list[tuple[str, Mapping[str, str]]]:
    seen: dict[str, Mapping[str, str]] = {}
    for pid, sources in sources_by_process.items():
        g = proof.compose(sources, pid)
        for n in g.nodes.values():
            if n.props:
                seen.setdefault(f"{n.process}/{n.id}", n.props)
    return sorted(seen.items())


def _tests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root.parent)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("test_*.py"))}


def build(profile: profiles.Profile, agency: Agency | None = None) -> matrix.Matrix:
    """The matrix of ``profile``, with the tasks of ``agency``'s deployed versions (default: the agency whose
    code is the profile's, if any; else the composed shipped diagrams)."""
    national = [law_file_data(p) for p in sorted(LAW_DIR.glob("*.toml"))]
    laws = [matrix.Law(profile.code, profile.data["regulation"], profile.data.get("articles"),
                       profile.data.get("organisational") or {})]
    laws += [matrix.Law(d["code"], d["title"], d.get("articles"), d.get("organisational") or {}) for d in national]
    agency = agency or db.session.scalar(select(Agency).where(Agency.code == profile.code))
    if agency is not None and (versions := deployed_versions(agency.id)):
        by_process = {pid: {k: t.encode("utf-8") for k, t in v.sources.items()} for pid, v in versions.items()}
    else:
        composed = profiles.compose_sources(profile, base_sources())
        by_process = {pid: composed for pid in profile.procedures}
    titles = {law.title: law.code for law in laws}
    slugs = {profile.code.replace("-", "_"): profile.code, **{p.stem: law_file_data(p)["code"] for p in LAW_DIR.glob("*.toml")}}
    tests = matrix.tests_by_article(_tests(Path(current_app.root_path).parent / "tests"), titles, slugs)
    return matrix.build(profile.code, laws, binding(profile.rules), _tasks(by_process), _settings(profile.data), tests)
