"""The officer's inbox and the managers' approvals queue: open tasks of my roles, due time, overdue."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from .. import cases
from .common import MANAGER_ROLES, TASK_ROLES, overdue, paginate_list, role_required

bp = Blueprint("web_inbox", __name__)


def _rows(roles: tuple[str, ...]) -> list[dict[str, Any]]:
    from flask_login import current_user

    only_overdue = request.args.get("overdue") == "1"
    rows = [{"task": t, "case": c, "overdue": overdue(t.due_at)} for t, c in cases.open_tasks(current_user)
            if t.role in roles]
    return [r for r in rows if r["overdue"]] if only_overdue else rows


@bp.get("/inbox")
@role_required(*TASK_ROLES)
def inbox() -> Any:
    """我的待办: every open task of my roles, the overdue first in red."""
    rows = _rows(TASK_ROLES)
    return render_template("inbox.html", page=paginate_list(rows), heading="我的待办",
                           endpoint="web_inbox.inbox", overdue_count=sum(r["overdue"] for r in rows))


@bp.get("/approvals")
@role_required(*MANAGER_ROLES)
def approvals() -> Any:
    """待审批: the reviewer's, legal reviewer's and approver's queue."""
    rows = _rows(MANAGER_ROLES)
    return render_template("inbox.html", page=paginate_list(rows), heading="待审批",
                           endpoint="web_inbox.approvals", overdue_count=sum(r["overdue"] for r in rows))
