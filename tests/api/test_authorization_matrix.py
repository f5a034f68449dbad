"""The authorization matrix (issue 16, points 5 and 7): every JSON endpoint that reads or acts on agency data,
called as anonymous, as an officer of another agency and as each role — one table, one expected status per cell.

Least privilege, each row with its reason: case data only for case readers (a designer sees diagrams, never cases);
recordings, 文书 and export packages only for those who handle the case — its officers and the managers on its path
(pishan-culture 第十九条、第二十条; naiman-culture 第十二条); ``officer3`` is an officer of the agency who has
nothing to do with the case.  ``/oversight/api/*`` answers 401/403 in JSON like ``/api/*``.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.support.app import make_agency
from tests.support.media import upload
from tests.support.walker import Walker
from webapp.accounts import create_user, issue_token
from webapp.db import db
from webapp.engine.diagrams import deployed
from webapp.loadgen.flows import file_case
from webapp.models import Agency, Document

pytestmark = pytest.mark.xdist_group("authorization_matrix")  # its module fixture is built once, on one worker

WHO = ("anonymous", "stranger", "officer1", "officer3", "reviewer1", "legal1", "approver1", "designer1", "admin1")
OK, NO, NOPE, LOGIN = 200, 403, 404, 401

#: path template → expected status for each caller in WHO (the order above)
MATRIX = {
    "GET /api/me": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/tasks": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/catalogue": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/cases/{case}": (LOGIN, NO, OK, OK, OK, OK, OK, NO, OK),
    "GET /api/cases/{case}/tasks/{task}": (LOGIN, NO, OK, OK, OK, OK, OK, NO, OK),
    "GET /api/cases/{case}/documents": (LOGIN, NO, OK, OK, OK, OK, OK, NO, OK),
    "GET /api/documents/{document}/pdf": (LOGIN, NO, OK, NO, OK, OK, OK, NO, NO),
    "GET /api/media/cases/{case}": (LOGIN, NO, OK, OK, OK, OK, OK, NO, OK),
    "GET /api/media/{media}": (LOGIN, NOPE, OK, NO, OK, OK, OK, NO, NO),
    "GET /api/media/{media}/content": (LOGIN, NOPE, OK, NO, OK, OK, OK, NO, NO),
    "GET /api/media/exports/{export}/package": (LOGIN, NOPE, OK, NO, OK, OK, OK, NO, NO),
    "GET /api/media/figures": (LOGIN, NO, NO, NO, OK, OK, OK, NO, OK),
    "POST /api/cases": (LOGIN, 201, 201, 201, NO, NO, NO, NO, NO),
    "POST /api/media/cases/{case}/holds": (LOGIN, NO, 201, 201, 201, 201, 201, NO, 201),
    "GET /api/tokens": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /oversight/api/compliance": (LOGIN, NO, NO, NO, NO, OK, OK, OK, OK),
    "GET /oversight/api/deadlines": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /oversight/api/supervision": (LOGIN, NO, NO, NO, OK, OK, OK, NO, OK),
    "GET /oversight/api/spot-checks": (LOGIN, NO, NO, NO, OK, OK, OK, NO, OK),
    "GET /oversight/api/cases/{case}/review": (LOGIN, NO, OK, OK, OK, OK, OK, NO, OK),
    # deploying a diagram version: the agency's designers only (the version deployed already: nothing changes);
    # with no token a POST to /oversight/api is a browser session's and fails its CSRF check first (400, JSON)
    "POST /oversight/api/diagrams/versions/{version}/deploy": (400, NO, NO, NO, NO, NO, NO, OK, NO),
}
BODIES = {"POST /api/cases": {"title": "矩阵测试", "party_name": "当事人"},
          "POST /api/media/cases/{case}/holds": {"trigger": "complaint", "note": "当事人已投诉"}}
CELLS = [(route, who, codes[i]) for route, codes in MATRIX.items() for i, who in enumerate(WHO)]


@pytest.fixture(scope="module")
def world(app):
    """One agency with a filed case (so a 文书 exists), a recording and an export package; another agency."""
    home, other = make_agency(app), make_agency(app)
    walker = Walker(app.test_client(), home.tokens)
    case_id = file_case(walker)
    media = upload(walker, case_id, seed=1607)
    export = walker.call("post", "/api/media/exports", "officer1", json={
        "case_id": case_id, "media_ids": [media["id"]], "purpose": "file", "extractor": "张明"}).get_json()
    with app.app_context():
        outsider = create_user(db.session.get(Agency, home.id), f"officer3-{home.id}", "吴刚（承办人）", ["officer"], "pw")
        db.session.commit()
        tokens = {**home.tokens, "officer3": issue_token(outsider), "stranger": other.tokens["officer1"]}
        document = db.session.query(Document).filter_by(case_id=case_id).first()
        version = deployed(home.id, "general_procedure").id
    task = walker.case(case_id)["tasks"][0]["id"]
    ids = {"case": case_id, "task": task, "media": media["id"], "export": export["id"], "document": document.id,
           "version": version}
    return SimpleNamespace(tokens=tokens, ids=ids)


@pytest.mark.parametrize("route,who,expected", CELLS, ids=[f"{r} as {w}" for r, w, _ in CELLS])
def test_authorization_matrix(client, world, route, who, expected):
    method, template = route.split(" ", 1)
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {world.tokens[who]}"}
    res = client.open(template.format(**world.ids), method=method, headers=headers, json=BODIES.get(route))
    assert res.status_code == expected, (route, who, res.get_data(as_text=True)[:300])
    if expected >= 400:
        assert res.is_json and res.get_json()["error"] and res.get_json()["message"]  # JSON, in Chinese, never a page
