"""The article-by-article matrix of one profile (``flask liuhen law matrix <profile>``): its regulation and the
national laws, with the rules, the tasks of the deployed version (or of the composed shipped diagrams when no
agency runs the profile yet) and the tests that cite each article."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from handlers import profiles
from handlers.law import matrix, proof
from handlers.law.schema import LAW_DIR, applies, binding, law_file_data
from webapp.db import db
from webapp.engine import profiles as engine_profiles
from webapp.engine.diagrams import base_dir, base_sources, deployed_versions
from webapp.models import Agency, Deployment, DiagramVersion


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


def _tests(files: Sequence[Path], root: Path) -> dict[str, str]:
    return {str(p.relative_to(root.parent)): p.read_text(encoding="utf-8") for p in files}


def _signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, size and modification time: a test added or a law file amended makes a new key."""
    return tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in paths)


_BUILT: dict[tuple[Any, ...], matrix.Matrix] = {}


def build(profile: profiles.Profile, agency: Agency | None = None) -> matrix.Matrix:
    """The matrix of ``profile``, with the tasks of ``agency``'s deployed versions (default: the agency whose
    code is the profile's, if any; else the composed shipped diagrams)."""
    agency = agency or db.session.scalar(select(Agency).where(Agency.code == profile.code))
    versions = deployed_versions(agency.id) if agency is not None else {}
    return _build(profile, versions, sorted(LAW_DIR.glob("*.toml")), _tests(*_test_files()))


def of_agency(agency: Agency) -> matrix.Matrix:
    """The matrix of the agency's profile and deployed versions, as the 法律依据矩阵 page shows it.

    Kept per process by what it is made of — the profile's files, the deployed versions' content (or the shipped
    diagrams), the law files and the test files (path, size, time) — and rebuilt when any of them changes: parsing
    every test for the articles it cites took about a second a request (issue 15 point 5: /oversight/ pages within
    80 ms)."""
    folder = engine_profiles.profiles_dir() / agency.settings.code
    law_files = sorted(LAW_DIR.glob("*.toml"))
    test_files, test_root = _test_files()
    content = tuple(tuple(r) for r in db.session.execute(
        select(Deployment.process_id, DiagramVersion.sources_sha256)
        .join(DiagramVersion, DiagramVersion.id == Deployment.diagram_version_id)
        .where(Deployment.agency_id == agency.id).order_by(Deployment.id)))
    shipped = () if content else _signature(sorted(base_dir().glob("*.bpmn")))  # composed when nothing is deployed
    key = (agency.id, content, shipped, _signature(sorted(folder.glob("*"))), _signature(law_files),
           _signature(test_files))
    if key not in _BUILT:
        if len(_BUILT) > 64:
            _BUILT.clear()
        _BUILT[key] = _build(engine_profiles.load_profile(agency.settings.code), deployed_versions(agency.id),
                             law_files, _tests(test_files, test_root))
    return _BUILT[key]


def _test_files() -> tuple[list[Path], Path]:
    root = Path(current_app.root_path).parent / "tests"
    return sorted(root.rglob("test_*.py")), root


def _build(profile: profiles.Profile, versions: Mapping[str, DiagramVersion], law_files: Sequence[Path],
           test_sources: Mapping[str, str]) -> matrix.Matrix:
    # a department's 规章 is listed only for the agencies that apply it (profile ``department_rules``)
    read = [(p, d) for p in law_files if applies(d := law_file_data(p), profile.departments)]
    law_files, national = [p for p, _ in read], [d for _, d in read]
    laws = [matrix.Law(profile.code, profile.data["regulation"], profile.data.get("articles"),
                       profile.data.get("organisational") or {})]
    laws += [matrix.Law(d["code"], d["title"], d.get("articles"), d.get("organisational") or {}) for d in national]
    if versions:
        by_process = {pid: {k: t.encode("utf-8") for k, t in v.sources.items()} for pid, v in versions.items()}
    else:
        composed = profiles.compose_sources(profile, base_sources())
        by_process = {pid: composed for pid in profile.procedures}
    titles = {law.title: law.code for law in laws}
    slugs = {profile.code.replace("-", "_"): profile.code, **{p.stem: d["code"] for p, d in zip(law_files, national, strict=True)}}
    tests = matrix.tests_by_article(test_sources, titles, slugs)
    return matrix.build(profile.code, laws, binding(profile.rules, profile.departments), _tasks(by_process), _settings(profile.data), tests)
