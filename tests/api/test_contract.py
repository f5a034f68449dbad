"""The API contract (issue 16, point 2): the OpenAPI description covers every JSON endpoint, and schemathesis,
run against the app served on 127.0.0.1 with a fixed seed and a fixed number of examples per operation, finds no
server error and no answer outside the description — on SQLite, and on PostgreSQL when LIUHEN_TEST_DATABASE_URL
is set.  The inputs that once gave HTML 500s are asserted one by one below."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from tests.support.app import make_agency
from tests.support.media import upload
from tests.support.walker import Walker

pytestmark = pytest.mark.xdist_group("contract")  # its module fixture is built once, on one worker

EXAMPLES = 12
#: operations that end the fuzzing caller's own token; their behaviour is tested in test_security.py
NOT_FUZZED = r"^/api/(logout|tokens/\{token_id\}|password)$"


@pytest.fixture(scope="module")
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def target(app, live):
    """An agency with a case, a task and a recording, so generated ids sometimes name real rows."""
    agency = make_agency(app)
    walker = Walker(app.test_client(), agency.tokens)
    case_id = walker.create_case()["id"]
    upload(walker, case_id, seed=1616)
    return SimpleNamespace(base=live, token=agency.tokens["officer1"])


@pytest.fixture(scope="module")
def api_schema(target):
    return schemathesis.openapi.from_url(f"{target.base}/api/openapi.json").exclude(path_regex=NOT_FUZZED)


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


def test_fuzzing_finds_no_server_error_and_no_answer_outside_the_contract(api_schema, target):
    """Every operation, EXAMPLES generated requests each (fixed seed, no shrinking): all failures are listed."""
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @seed(16)
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {target.token}"}, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure is reported, not just the first
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)


def test_the_description_covers_every_json_endpoint(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/oversight/api/")) and rule.endpoint != "static":
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                if path not in ("/api/openapi.json", "/api/docs"):
                    assert (path, method.lower()) in described, (path, method)
    create = spec["paths"]["/api/cases"]["post"]
    body = spec["components"]["schemas"]["CaseIn"]["properties"]
    assert body["title"]["maxLength"] == 300 and body["party_name"]["maxLength"] == 200
    assert create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_swagger_ui_is_served_from_this_site(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "/static/js/api_docs.js" in page
    assert "http" not in page.replace('content="', "")  # no CDN
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def _auth(agency, who="officer1"):
    return {"Authorization": f"Bearer {agency.tokens[who]}"}


@pytest.mark.parametrize("raw", [
    '{"username": "\\ud800", "password": "x"}',  # a lone surrogate (was UnicodeEncodeError)
    "[" * 5000 + "]" * 5000,  # 5,000 deep (was RecursionError)
    '{"username": "a\\u0000b", "password": "x"}',  # NUL (PostgreSQL refuses it)
    '{"username": ' + "{\"a\": " * 30 + "1" + "}" * 30 + ', "password": "x"}',  # nesting beyond 20
])
def test_unstorable_json_is_refused_in_chinese_before_any_service(client, raw):
    res = client.post("/api/login", data=raw, content_type="application/json")
    assert res.status_code == 422 and res.is_json
    assert res.get_json()["error"] == "invalid" and "请求体" in res.get_json()["message"]


def test_limits_are_the_schemas_alike_on_both_databases(client, agency):
    long_title = client.post("/api/cases", headers=_auth(agency), json={"title": "案" * 301, "party_name": "人"})
    long_party = client.post("/api/cases", headers=_auth(agency), json={"title": "案", "party_name": "人" * 201})
    assert long_title.status_code == 422 and "title" in long_title.get_json()["fields"]
    assert long_party.status_code == 422 and "party_name" in long_party.get_json()["fields"]
    ok = client.post("/api/cases", headers=_auth(agency), json={"title": "案" * 300, "party_name": "人" * 200})
    assert ok.status_code == 201 and len(ok.get_json()["title"]) == 300


def test_nested_lists_and_huge_ids_in_bodies_are_refused(client, agency):
    for body in ({"case_id": 1, "media_ids": [[1]], "purpose": "file", "extractor": "张明"},
                 {"case_id": 2**63, "media_ids": [1], "purpose": "file", "extractor": "张明"},
                 {"case_id": 1, "media_ids": [2**63], "purpose": "file", "extractor": "张明"}):
        res = client.post("/api/media/exports", headers=_auth(agency), json=body)
        assert res.status_code == 422 and res.get_json()["error"] == "invalid", body
    res = client.post("/api/media/requests", headers=_auth(agency),
                      json={"kind": "copy_external", "media_ids": [{"a": 1}], "reason": "调取复制用于复议"})
    assert res.status_code == 422 and "media_ids" in res.get_json()["fields"]


@pytest.mark.parametrize("path", ["/api/cases/9223372036854775808", "/api/media/99999999999",
                                  "/api/documents/18446744073709551616/pdf"])
def test_ids_beyond_the_databases_are_not_found(client, agency, path):
    res = client.get(path, headers=_auth(agency))
    assert res.status_code == 404 and res.get_json()["error"] == "not_found"


@pytest.mark.parametrize("path", ["/api/tasks?per_page=abc", "/api/tasks?page=%C2%B2",
                                  "/oversight/api/spot-checks?checker=99999999999999999999",
                                  "/oversight/api/supervision?agency=x", "/api/tasks?x=%00"])
def test_non_numeric_and_unstorable_query_values_are_422(client, agency, path):
    who = "approver1" if "oversight" in path else "officer1"
    res = client.get(path, headers=_auth(agency, who))
    assert res.status_code == 422 and res.get_json()["error"] == "invalid", res.get_data(as_text=True)


def test_a_nul_in_a_path_part_is_refused(client, agency):
    cid = Walker(client, agency.tokens).create_case()["id"]
    res = client.get(f"/api/cases/{cid}/tasks/a%00b", headers=_auth(agency))
    assert res.status_code == 422 and res.is_json


def test_every_json_answer_is_described_by_a_schema(client):
    """No JSON answer is a bare ``object``: API clients (and the fuzzer) check each answer against its schema."""
    spec = client.get("/api/openapi.json").get_json()
    bare = [(path, method) for path, ops in spec["paths"].items() for method, op in ops.items()
            for status, answer in op["responses"].items() if status.startswith("2")
            and answer.get("content", {}).get("application/json", {}).get("schema") == {"type": "object"}]
    assert bare == []
    catalogue = spec["paths"]["/api/catalogue"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    kind = spec["components"]["schemas"][catalogue["additionalProperties"]["$ref"].rsplit("/", 1)[1]]
    assert {"code", "title", "basis", "fields"} <= set(kind["properties"]) and "fields" in kind["required"]
    compliance = spec["paths"]["/oversight/api/compliance"]["get"]["responses"]["200"]["content"]["application/json"]
    assert compliance["schema"]["$ref"].endswith("/ComplianceOut")
