"""What every page shares: role checks, pagination, Beijing-time display, the navigation."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from flask import Flask, abort, g
from flask_login import current_user, login_required

from handlers import catalogue, clock, deadlines
from handlers.catalogue import CATALOGUE
from handlers.law.cite import Citer
from handlers.roles import MANAGER_ROLES, ROLES
from handlers.settings import Settings
from webapp.engine.diagrams import procedure_title

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


def cite(refs: str | Iterable[str] | None, agency: Any = None) -> str:
    """Articles in code form (``fushun-culture 第七条；行政处罚法 第六十条``) by their real titles, for ``agency`` (the
    agency whose figures are shown; by default the signed-in user's); another county's article is left out, and a
    reference no regulation of theirs makes is shown as —."""
    if not refs:
        return ""
    citer = _citer(agency)
    return citer.text([refs] if isinstance(refs, str) else refs) or "—"


def prose(sentence: str | None, agency: Any = None) -> str:
    """A help text or a validation message with its code-form articles cited by real title, another county's left
    out (the record catalogue's texts name articles in code form)."""
    return _citer(agency).prose(sentence or "")


def cite_note(refs: str | Iterable[str] | None, agency: Any = None) -> str:
    """``（依据：…）`` after a sentence, or nothing when no cited article binds the agency."""
    text = cite(refs, agency)
    return f"（依据：{text}）" if text and text != "—" else ""


def _citer(agency: Any) -> Citer:
    """One citer per agency per request: building it parses the agency's profile (≈ 8 ms), and a supervision page
    cites hundreds of articles."""
    if agency is not None:
        citers = g.setdefault("liuhen_citers", {})
        if agency.id not in citers:
            citers[agency.id] = agency.settings.citer()
        return cast(Citer, citers[agency.id])
    if "liuhen_citer" not in g:
        g.liuhen_citer = current_user.agency.settings.citer() if current_user.is_authenticated else Citer()
    return cast(Citer, g.liuhen_citer)


_BROWSERS = (("Edg/", "Edge"), ("MicroMessenger", "微信"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "安卓"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"), ("Mac OS", "macOS"),
            ("Linux", "Linux"))


def device(user_agent: str | None) -> str:
    """A browser's User-Agent as a person names the device (``Chrome · Linux``), not the raw header."""
    if not user_agent:
        return "—"
    browser = next((name for key, name in _BROWSERS if key in user_agent), "浏览器")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    return f"{browser} · {system}" if system else browser


def due_state(due_at: dt.datetime | None, agency: Any = None) -> str:
    """``overdue`` (红牌), ``due_soon`` (黄牌, within the agency's warning window) or ``""``: a CSS class and a tag."""
    settings = _settings(agency if agency is not None else current_user.agency)
    return deadlines.standing(due_at, clock.now(), settings.deadline_warning_hours) or ""


def _settings(agency: Any) -> Settings:
    """An agency's settings once per request (a list page asks for every row)."""
    cache = g.setdefault("liuhen_settings", {})
    if agency.id not in cache:
        cache[agency.id] = agency.settings
    return cast(Settings, cache[agency.id])


def install(app: Flask) -> None:
    app.add_template_filter(clock.local_text, "bj")
    app.add_template_filter(cite, "cite")
    app.add_template_filter(cite_note, "cite_note")
    app.add_template_filter(prose, "prose")
    app.add_template_filter(procedure_title, "procedure")
    app.add_template_filter(device, "device")
    app.add_template_global(overdue, "is_overdue")
    app.add_template_global(due_state, "due_state")
    app.add_template_global(ROLES, "ROLES")  # type: ignore[arg-type]  # Flask types globals as callables only
    app.add_template_global(MANAGER_ROLES, "MANAGER_ROLES")  # type: ignore[arg-type]  # likewise: any value works
    app.add_template_global(lambda: clock.now(), "now")
    app.add_template_global(catalogue.lines, "readable")
    app.add_template_filter(lambda code: CATALOGUE[code].title if code in CATALOGUE else code, "kind_title")
