"""JSON for the oversight pages (``/oversight/api/…``): compliance, overdue items, supervision figures, case
reviews and the 检查台账.  Signed-in callers (session or token); errors as JSON like the rest of the API."""
from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from handlers.diagrams import DiagramError
from handlers.roles import COMPLIANCE_ROLES, SUPERVISION_ROLES
from handlers.spot_checks import BASIS, SpotCheckInput
from webapp.api import common
from webapp.api import schemas as s
from webapp.api.contract import op
from webapp.cases import deadline_pages, deadlines
from webapp.db import db
from webapp.engine import compliance, deployment, diagrams
from webapp.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from webapp.models import Agency, DiagramVersion
from webapp.paging import Key
from webapp.store.checkpoints import Inconsistent
from webapp.supervision import case_review, ledger, spot_checks
from webapp.supervision import rollups as supervision
from webapp.supervision.accountability import sign_checkpoint
from webapp.supervision.scopes import agency_for

bp = common.install(Blueprint("oversight_api", __name__, url_prefix="/oversight/api"))


def _require(roles: tuple[str, ...], message: str = "您的角色无权访问此页面。") -> None:
    if not current_user.has_any(*roles):
        raise Forbidden(message)


@bp.get("/compliance")
@op("合规检查：每条规则及执行它的任务", answer=s.ComplianceOut, errors=(403,), tag="执法监督")
def compliance_json() -> Any:
    _require(COMPLIANCE_ROLES)
    agency = cast(Agency, db.session.get(Agency, current_user.agency_id))  # a user's agency exists (foreign key)
    return jsonify(compliance.report(agency).to_json())


@bp.get("/deadlines")
@op("逾期事项：我的，以及（负责人等）本机构的，按届满时间逐页列出（links 给出翻页地址）", query=s.DeadlinesQuery,
    answer=s.DeadlinesOut, tag="执法监督")
def deadlines_json(query: dict[str, Any]) -> Any:
    """My overdue items, and (for managers) the agency's queue, a page of each; ``?list=`` with ``?after=`` /
    ``?before=`` pages one list by key (:mod:`webapp.cases.deadline_pages`): however many items are late, a page
    reads one page of rows."""
    names = [n for n in ("mine", "queue") if n in deadline_pages.visible(current_user)]
    only, per_page = query.get("list"), query["per_page"]
    key = Key(query.get("after"), query.get("before")) if only in names else Key()
    out: dict[str, Any] = {"links": {}}
    citer = current_user.agency.settings.citer()
    for name in [only] if only in names else names:
        p = deadline_pages.page(current_user, name, key, per_page)
        out[name] = [deadlines.deadline_json(d, t, citer=citer) for d, t in p.items]
        pages: list[tuple[str, dict[str, Any]]] = [("prev", {"before": p.before_id}), ("next", {"after": p.after_id})]
        links = {rel: url_for("oversight_api.deadlines_json", list=name, per_page=per_page, **args)
                 for rel, args in pages if None not in args.values()}
        if links:
            out["links"][name] = links
    return jsonify(out)


@bp.get("/supervision")
@op("执法监督数据（可按年度、季度、月份或起止日期统计）", query=s.SupervisionQuery, answer=s.SupervisionOut,
    errors=(403,), tag="执法监督")
def supervision_json(query: dict[str, Any]) -> Any:
    agency = agency_for(current_user, query.get("agency"))
    period = ledger.period_of(request.args)  # the query is valid (SupervisionQuery), so it reads as a period
    window = period.bounds() if period else None
    return jsonify({**supervision.figures(agency.id, window), "period": period.label if period else None})



def _visible_version(version_id: int) -> DiagramVersion:
    version = db.session.get(DiagramVersion, version_id)
    if version is None or version.agency_id not in (None, current_user.agency_id):
        raise NotFound(f"没有本机构可用的流程图版本 {version_id}")
    return version


@bp.post("/diagrams/<process_id>")
@op("保存流程图新版本：经校验、法定规则证明和试运行，不合格的逐条说明（元素、规则、条款）", body=s.DiagramIn,
    answer=s.DiagramVersionOut, status=201, errors=(403, 404), tag="流程设计")
def save_diagram_json(process_id: str, data: dict[str, Any]) -> Any:
    _require(("designer",), "只有流程设计人员可以保存流程图")
    base = _visible_version(data["base_version_id"])
    if base.process_id != process_id:
        raise NotFound(f"版本 {base.id} 不是流程 {process_id} 的版本")
    try:
        version = diagrams.save_edit(process_id, data["xml"], base, current_user.agency_id, current_user.id)
    except DiagramError as exc:
        db.session.rollback()
        raise Invalid("流程图未通过校验，未保存",
                      problems=[{"element": p.element, "message": p.message} for p in exc.problems]) from exc
    except ServiceError:
        db.session.rollback()
        raise
    db.session.commit()
    return jsonify({"version_id": version.id, "process_id": process_id, "version": version.version,
                    "deployed": False}), 201


@bp.post("/diagrams/versions/<int:version_id>/deploy")
@op("部署流程图版本：按本机构适用的法律再证明一次，不合格的拒绝部署并逐条说明", answer=s.DiagramVersionOut,
    errors=(403, 404), tag="流程设计")
def deploy_diagram_json(version_id: int) -> Any:
    _require(("designer",), "只有流程设计人员可以部署流程图")
    version = _visible_version(version_id)
    agency = cast(Agency, db.session.get(Agency, current_user.agency_id))  # a user's agency exists (foreign key)
    try:
        deployment.deploy(agency, version, current_user.id)
    except ServiceError:
        db.session.rollback()
        raise
    db.session.commit()
    return jsonify({"version_id": version.id, "process_id": version.process_id, "version": version.version,
                    "deployed": True})


@bp.get("/checkpoint")
@op("审计链签名检查点（供司法局见证）", query=s.CheckpointQuery, answer=s.CheckpointOut, errors=(403, 409),
    tag="执法监督")
def checkpoint_json(query: dict[str, Any]) -> Any:
    """A freshly signed checkpoint of the agency's audit log, for the supervising 司法局's witness
    (``flask liuhen witness <this address>``); ``since`` asks for the consistency proof from that size."""
    agency = agency_for(current_user, request.args.get("agency"))
    try:
        cp = sign_checkpoint(agency, query.get("since"))
    except Inconsistent as exc:
        raise Conflict(str(exc)) from exc
    db.session.commit()
    return jsonify(cp.to_json())


@bp.get("/cases/<int:case_id>/review")
@op("案卷评查", answer=s.ReviewOut, errors=(403, 404), tag="执法监督")
def case_review_json(case_id: int) -> Any:
    return jsonify(case_review.case_json(current_user, case_id))



@bp.get("/spot-checks")
@op("检查台账（naiman-culture 第十四条）", query=s.LedgerQuery, answer=s.LedgerOut, errors=(403,), tag="执法监督")
def spot_checks_json(query: dict[str, Any]) -> Any:
    _require(SUPERVISION_ROLES, f"您的角色无权访问检查台账（{BASIS}）")
    page = spot_checks.ledger_page(current_user.agency_id, request.args)
    return jsonify({"items": page.items, "page": page.page, "pages": page.pages, "total": page.total, "basis": BASIS})


@bp.post("/spot-checks")
@op("登记抽检或复查", body=SpotCheckInput, load=False, answer=s.SpotCheckOut, status=201, errors=(403, 404, 409),
    tag="执法监督")
def create_spot_check_json(data: dict[str, Any]) -> Any:
    _require(SUPERVISION_ROLES, f"您的角色无权访问检查台账（{BASIS}）")
    row = spot_checks.record(current_user, data)
    db.session.commit()
    return jsonify(spot_checks.spot_check_json(row)), 201
