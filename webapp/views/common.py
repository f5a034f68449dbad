"""What every page shares: role checks, pagination, Beijing-time display, the navigation."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user, login_required

from handlers import catalogue, clock
from handlers.catalogue import CATALOGUE
from handlers.roles import MANAGER_ROLES, ROLES

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed in, and holding one of ``roles``; otherwise the 403 page."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        @login_required
        def inner(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_any(*roles):
                abort(403)
            return view(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap




def overdue(due_at: dt.datetime | None) -> bool:
    return due_at is not None and due_at < clock.now()


def install(app: Flask) -> None:
    app.add_template_filter(clock.local_text, "bj")
    app.add_template_global(overdue, "is_overdue")
    app.add_template_global(ROLES, "ROLES")  # type: ignore[arg-type]  # Flask types globals as callables only
    app.add_template_global(MANAGER_ROLES, "MANAGER_ROLES")  # type: ignore[arg-type]  # likewise: any value works
    app.add_template_global(lambda: clock.now(), "now")
    app.add_template_global(catalogue.lines, "readable")
    app.add_template_filter(lambda code: CATALOGUE[code].title if code in CATALOGUE else code, "kind_title")
