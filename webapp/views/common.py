"""What every page shares: role checks, pagination, Beijing-time display, the navigation."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from flask import Flask, abort, request
from flask_login import current_user, login_required

from handlers import clock
from handlers.roles import ROLES

from handlers.catalogue import CATALOGUE

from webapp.views.record_forms import BEIJING, readable

F = TypeVar("F", bound=Callable[..., Any])
MANAGER_ROLES = ("reviewer", "legal", "approver")
TASK_ROLES = ("officer", *MANAGER_ROLES)
PER_PAGE = 20


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed in, and holding one of ``roles``; otherwise the 403 page."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        @login_required
        def inner(*args: Any, **kwargs: Any) -> Any:
            if not any(current_user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap


@dataclass
class Page:
    """A page of a list, with what the template needs to draw the pager and keep the filters."""

    items: Sequence[Any]
    page: int
    pages: int
    total: int

    def url_args(self, page: int) -> dict[str, Any]:
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return {**args, "page": page}


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate_list(items: Sequence[Any], per_page: int = PER_PAGE) -> Page:
    page = page_number()
    pages = max(1, -(-len(items) // per_page))
    page = min(page, pages)
    return Page(items[(page - 1) * per_page: page * per_page], page, pages, len(items))


def beijing(value: dt.datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(BEIJING).strftime(fmt)


def overdue(due_at: dt.datetime | None) -> bool:
    return due_at is not None and due_at < clock.now()


def install(app: Flask) -> None:
    app.add_template_filter(beijing, "bj")
    app.add_template_global(overdue, "is_overdue")
    app.add_template_global(ROLES, "ROLES")
    app.add_template_global(MANAGER_ROLES, "MANAGER_ROLES")
    app.add_template_global(lambda: clock.now(), "now")
    app.add_template_global(readable, "readable")
    app.add_template_filter(lambda code: CATALOGUE[code].title if code in CATALOGUE else code, "kind_title")
