"""Whose supervision figures a user may see: their own agency's, and a 司法局 supervisor's assigned agencies.

lishui-city 第五条 makes each 司法局 supervise the agencies of its administrative area, and 第二十二条 has
it check how they keep the whole-process record.  Which agencies a 司法局执法监督 user supervises is
data (append-only ``supervision_scopes`` rows, the newest per agency wins), not code.  The role
opens the supervision figures and their exports only: cases, records and recordings of another
agency stay closed to it (naiman-culture 第十二条 keeps the records internal; 司法机关 obtain them
by a formal request through the agency).
"""
from __future__ import annotations

from sqlalchemy import select

from handlers.audit_actions import Action
from handlers.roles import SUPERVISION_ROLES
from webapp.db import db
from webapp.errors import Forbidden, Invalid
from webapp.models import Agency, SupervisionScope, User
from webapp.paging import id_value
from webapp.store import audit

JUDICIAL = "judicial"
JUDICIAL_BASIS = "lishui-city 第五条、第二十二条"


def assigned_ids(user_id: int) -> list[int]:
    """Agencies currently assigned to the user, in the order they were first assigned."""
    state: dict[int, str] = {}
    for agency_id, action in db.session.execute(select(SupervisionScope.agency_id, SupervisionScope.action)
                                                .where(SupervisionScope.user_id == user_id)
                                                .order_by(SupervisionScope.id)):
        state[agency_id] = action
    return [a for a, action in state.items() if action == "grant"]


def visible_agencies(user: User) -> list[Agency]:
    ids = [user.agency_id] if user.has_any(*SUPERVISION_ROLES) else []
    if user.has_role(JUDICIAL):
        ids += [a for a in assigned_ids(user.id) if a not in ids]
    found = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def agency_for(user: User, requested: str | int | None) -> Agency:
    """The agency whose figures to show: the one asked for if the user may see it, else the first visible."""
    visible = visible_agencies(user)
    if not visible:
        raise Forbidden("您的角色无权查看执法监督数据" if not user.has_role(JUDICIAL)
                        else f"尚未为您指派所监督的行政执法机关（{JUDICIAL_BASIS}），请联系系统管理员")
    if requested in (None, ""):
        return visible[0]
    if (wanted := id_value(requested)) is None:
        raise Invalid(f"参数 agency 应为机关编号（数字），收到“{requested}”")
    match = next((a for a in visible if a.id == wanted), None)
    if match is None:
        raise Forbidden(f"无权查看机关 {requested} 的执法监督数据：执法监督人员只能查看本机关，"
                        f"司法局执法监督人员只能查看指派给其监督的机关（{JUDICIAL_BASIS}）")
    return match


def assign(user: User, agency: Agency, reason: str, by: User | None = None, revoke: bool = False) -> SupervisionScope:
    """Assign (or withdraw) one agency to a 司法局 supervisor; sealed in that agency's audit chain."""
    if not user.has_role(JUDICIAL):
        raise Invalid(f"用户 {user.username} 没有“司法局执法监督”角色，不能指派监督机关（{JUDICIAL_BASIS}）")
    if not reason.strip():
        raise Invalid("请写明指派或撤销的理由")
    row = SupervisionScope(user_id=user.id, agency_id=agency.id, action="revoke" if revoke else "grant",
                           reason=reason.strip(), granted_by=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    audit.append(agency.id, Action.SUPERVISION_SCOPE_REVOKED if revoke else Action.SUPERVISION_SCOPE_GRANTED,
                 actor_id=by.id if by else None,
                 detail={"scope_id": row.id, "user_id": user.id, "username": user.username, "reason": row.reason,
                         "basis": JUDICIAL_BASIS})
    return row
