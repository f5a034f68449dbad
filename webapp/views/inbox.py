"""The officer's inbox and the managers' approvals queue: open tasks of my roles, due time, overdue."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from handlers.roles import MANAGER_ROLES, TASK_ROLES
from webapp.cases import notifications
from webapp.cases import queue as task_queue
from webapp.paging import PER_PAGE, Page, key_from, page_number
from webapp.views.common import overdue, role_required

bp = Blueprint("web_inbox", __name__)


def _page(roles: tuple[str, ...]) -> tuple[Page, int]:
    """One page of the open tasks of my roles among ``roles``, paged by key in SQL, and how many are overdue."""
    tp = task_queue.page_of(current_user, roles, page_number(), PER_PAGE, request.args.get("overdue") == "1",
                            key_from(request.args))
    rows = [{"task": t, "case": c, "overdue": overdue(t.due_at)} for t, c in tp.items]
    return Page(rows, tp.page, tp.pages, tp.total, tp.before_id, tp.after_id, keyset=True), tp.overdue


@bp.get("/inbox")
@role_required(*TASK_ROLES)
def inbox() -> Any:
    """我的待办: every open task of my roles, the overdue first in red."""
    page, late = _page(TASK_ROLES)
    return render_template("inbox.html", page=page, heading="我的待办", endpoint="web_inbox.inbox", overdue_count=late)


@bp.get("/approvals")
@role_required(*MANAGER_ROLES)
def approvals() -> Any:
    """待审批: the reviewer's, legal reviewer's and approver's queue."""
    page, late = _page(MANAGER_ROLES)
    return render_template("inbox.html", page=page, heading="待审批", endpoint="web_inbox.approvals",
                           overdue_count=late)


@bp.get("/notifications")
@role_required(*TASK_ROLES)
def notices() -> Any:
    """通知: new tasks, approvals waiting, periods about to end (黄牌) and ended (红牌), the urgent first."""
    return render_template("notifications.html", notices=notifications.for_user(current_user))
