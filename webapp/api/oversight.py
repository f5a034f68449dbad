"""JSON for the oversight pages (``/oversight/api/…``): compliance, overdue items, supervision figures, case
reviews and the 检查台账.  Signed-in callers (session or token); errors as JSON like the rest of the API."""
from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, jsonify, request
from flask_login import current_user

from handlers.roles import COMPLIANCE_ROLES, OVERDUE_QUEUE_ROLES, SUPERVISION_ROLES
from handlers.spot_checks import BASIS, SpotCheckInput
from webapp.api import common
from webapp.api import schemas as s
from webapp.api.contract import op
from webapp.cases import deadlines
from webapp.db import db
from webapp.engine import compliance
from webapp.errors import Conflict, Forbidden
from webapp.models import Agency
from webapp.store.checkpoints import Inconsistent
from webapp.supervision import case_review, spot_checks
from webapp.supervision import figures as supervision
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
@op("逾期事项：我的，以及（负责人等）本机构的", answer=s.DeadlinesOut, tag="执法监督")
def deadlines_json() -> Any:
    """My overdue items, and (for managers) the agency's overdue queue."""
    out: dict[str, Any] = {"mine": [deadlines.deadline_json(d, t) for d, t in deadlines.inbox_overdue(current_user)]}
    if current_user.has_any(*OVERDUE_QUEUE_ROLES):
        out["queue"] = [deadlines.deadline_json(d, t) for d, t in deadlines.manager_queue(current_user)]
    return jsonify(out)


@bp.get("/supervision")
@op("执法监督数据", query=s.AgencyQuery, answer=s.SupervisionOut, errors=(403,), tag="执法监督")
def supervision_json(query: dict[str, Any]) -> Any:
    agency = agency_for(current_user, query.get("agency"))
    return jsonify(supervision.figures(agency.id))



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
