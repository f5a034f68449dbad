"""State survives a restart; cases keep the diagram version they started on; schema = migrations."""
from __future__ import annotations

import json
import math

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event

from handlers.diagrams import parse
from tests.support import WORKFLOWS
from tests.support.walker import Walker
from webapp import create_app
from webapp.db import db, json_loads
from webapp.engine import runner
from webapp.engine.deployment import deploy
from webapp.engine.diagrams import base_sources, save_version
from webapp.loadgen.flows import file_case
from webapp.models import Agency


def test_a_fresh_app_instance_continues_a_half_finished_case(app, walker, agency):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    before = walker.case(cid)
    restarted = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "LIUHEN_FILE_STORE", "TESTING",
                                                          "LIUHEN_SIGNING_KEY_FILE", "LIUHEN_DOCUMENT_CERTS",
                                                          "LIUHEN_RENDER_INLINE")},
                            "SECRET_KEY": "other"})
    w2 = Walker(restarted.test_client(), agency.tokens)
    after = w2.case(cid)
    assert [t["name"] for t in w2.ready(cid)] == ["t_inquiry", "t_inspection"]
    assert after["revision"] == before["revision"] and after["records"] == before["records"]
    w2.do(cid, "t_inquiry", {"inquiry_record": None})
    assert [t["name"] for t in walker.ready(cid)] == ["t_inspection"]


def test_running_cases_keep_their_diagram_version(app, walker, agency):
    old_case = walker.create_case()["id"]
    with app.app_context():
        sources = base_sources()
        changed = sources["general_procedure.bpmn"].replace("填写立案审批表".encode(), "填写程序启动审批表".encode())
        version = save_version("general_procedure", {**sources, "general_procedure.bpmn": changed}, agency.id)
        deploy(db.session.get(Agency, agency.id), version)
        db.session.commit()
        new_version = version.version
    new_case = walker.create_case()["id"]
    assert walker.task(old_case, "t_filing")["title"] == "填写立案审批表"
    assert walker.task(new_case, "t_filing")["title"] == "填写程序启动审批表"
    assert walker.case(new_case)["diagram_version"] == new_version
    assert walker.case(old_case)["diagram_version_id"] != walker.case(new_case)["diagram_version_id"]
    walker.do(old_case, "t_filing", {"case_filing": None})


def test_reading_a_case_names_its_diagram_version_without_loading_the_diagram(app, walker):
    """A case's JSON gives its diagram version's number; the version's BPMN sources and 130 KB spec stay unread."""
    cid = walker.create_case()["id"]
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(conn, cursor, statement, *_):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        case = walker.case(cid)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert isinstance(case["diagram_version"], int) and any("diagram_versions" in s for s in seen)
    assert not [s for s in seen if "diagram_versions.spec" in s or "diagram_versions.sources" in s]


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_case_state_does_not_embed_the_diagram(app, walker):
    cid = walker.create_case()["id"]
    from webapp.models import Case, DiagramVersion

    with app.app_context():
        case = db.session.get(Case, cid)
        spec = db.session.get(DiagramVersion, case.diagram_version_id).spec
        assert '"spec"' not in case.state and len(case.state) < len(spec) / 4


def test_json_read_off_the_database_is_the_json_written(app, walker):
    """JSON columns are read by orjson (the profile snapshot and the records on every completion); what orjson refuses
    — an integer beyond 64 bits, NaN — the standard library still reads, so nothing stored becomes unreadable."""
    with app.app_context():
        assert db.engine.dialect._json_deserializer is json_loads
    big = {"n": 2**70 + 1, "m": -(2**63) - 1, "x": 1.5, "s": "当事人“星光网吧”", "l": [None, True]}
    for text in (json.dumps(big), json.dumps(big).encode()):  # orjson read these integers as floats, digits lost
        assert json_loads(text) == big and isinstance(json_loads(text)["n"], int)
    assert math.isnan(json_loads('{"v": NaN}')["v"])
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    assert walker.complete(cid, task).status_code == 200  # the completion read the profile and the records through it


def test_a_workflow_state_keeps_an_integer_beyond_64_bits():
    """The state is written by orjson, or by json where orjson cannot (an integer beyond 64 bits in task data), and read
    back whole: orjson alone read such an integer as a float and lost its last digits."""
    spec, subs = parse({p.name: p.read_bytes() for p in (WORKFLOWS / "base").glob("*.bpmn")}, "general_procedure")
    wf = BpmnWorkflow(spec, subs, script_engine=runner.ENGINE)
    wf.data["n"] = 2**70 + 1
    assert runner.restore(runner.dump(wf), spec, subs).data["n"] == 2**70 + 1
