"""Diagram versions as an agency may still run them: edited from the shipped XML and stored as a version saved before
the deploy proof existed (no proof, no dry run), then deployed — what running cases on old versions meet."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from handlers.diagrams import parse
from webapp.db import db
from webapp.engine.diagrams import base_sources
from webapp.engine.runner import dump_spec
from webapp.models import Deployment, DiagramVersion


def set_property(xml: str, task: str, name: str, value: str | None) -> str:
    """``xml`` with the property ``name`` of user task ``task`` set to ``value`` (``None``: removed)."""
    start = xml.index(f'id="{task}"')
    end = xml.index("</bpmn:userTask>", start)
    block = re.sub(rf'\s*<spiffworkflow:property name="{name}" value="[^"]*" />', "", xml[start:end])
    if value is not None:
        block = block.replace("<spiffworkflow:properties>",
                              f'<spiffworkflow:properties>\n          <spiffworkflow:property name="{name}" value="{value}" />', 1)
    return xml[:start] + block + xml[end:]


def deploy_unproved(app: Any, agency_id: int, process_id: str, edit: Callable[[str], str] = lambda xml: xml,
                    version: int = 90) -> None:
    """The shipped file of ``process_id`` as ``edit`` changes it, stored unproved among the shipped sources and
    deployed for the agency."""
    with app.app_context():
        sources = base_sources()
        sources[f"{process_id}.bpmn"] = edit(sources[f"{process_id}.bpmn"].decode()).encode()
        spec, subs = parse(sources, process_id)
        old = DiagramVersion(process_id=process_id, agency_id=agency_id, version=version, sources_sha256="0" * 64,
                             sources={k: v.decode() for k, v in sources.items()}, spec=dump_spec(spec, subs))
        db.session.add(old)
        db.session.flush()
        db.session.add(Deployment(agency_id=agency_id, process_id=process_id, diagram_version_id=old.id))
        db.session.commit()
        db.session.remove()
