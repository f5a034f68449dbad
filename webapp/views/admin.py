"""The agency administrator: users and their roles, and the agency's profile (validated before it is kept).

The profile is edited through a form generated from its schema (webapp/views/profile_form.py) or, as an
advanced view, as the TOML text the shipped profiles use; either goes through the same schema, compliance
check and deployment as ``flask liuhen create-agency`` (webapp/engine/profiles.py).
"""
from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from typing import Any

import tomli_w
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

import documents
from handlers import clock, diagrams, profiles
from handlers.audit_actions import Action
from handlers.hashing import sha256_bytes
from handlers.law.periods import PeriodError, parse_period
from handlers.roles import ROLES
from webapp.accounts import create_user, current_session, end_all, sessions_of, set_password
from webapp.db import db
from webapp.engine import profiles as profile_service
from webapp.engine.diagrams import PROCEDURES, base_dir, base_sources, procedure_title
from webapp.errors import ServiceError
from webapp.models import User
from webapp.paging import paginate_list
from webapp.store import audit
from webapp.views import profile_form
from webapp.views.common import cite, role_required
from webapp.views.forms import CsrfOnly, ProfileForm, UserForm
from webapp.worker.service import JOB_TITLES, queue_state

bp = Blueprint("web_admin", __name__, url_prefix="/admin")


@bp.get("/worker")
@role_required("admin")
def worker() -> Any:
    """后台任务: the agency's 文书 queue (depth, oldest, failures with their error), the schedule and the workers."""
    state = queue_state(current_user.agency_id)
    now = clock.now()
    stale = current_app.config["LIUHEN_WORKER_STALE_SECONDS"]
    return render_template("admin_worker.html", state=state, now=now, job_titles=JOB_TITLES,
                           titles={code: dk.title_in(current_user.agency.settings.format_set) for code, dk in documents.BY_CODE.items()},
                           alive=[w for w in state.workers if (now - w.beat_at).total_seconds() <= stale])


@bp.get("/users")
@role_required("admin")
def users() -> Any:
    rows = list(db.session.scalars(select(User).where(User.agency_id == current_user.agency_id).order_by(User.id)))
    return render_template("admin_users.html", page=paginate_list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user() -> Any:
    form = UserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("新用户须设置密码")
        elif db.session.scalar(select(User).where(User.username == form.username.data)) is not None:
            form.username.errors.append("用户名已被使用")
        elif _badge_taken(form.badge_no.data, None):
            form.badge_no.errors.append("该执法证号已登记在另一用户名下")
        else:
            user = create_user(current_user.agency, form.username.data, form.display_name.data, list(form.roles.data),
                               form.password.data, must_change=True)
            user.badge_no, user.badge_valid_until = (form.badge_no.data or "").strip() or None, form.badge_valid_until.data
            user.email = (form.email.data or "").strip() or None
            db.session.commit()
            flash(f"已添加用户 {form.username.data}")
            return redirect(url_for("web_admin.users"))
    return render_template("admin_user.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int) -> Any:
    user = db.session.get(User, user_id)
    if user is None or user.agency_id != current_user.agency_id:
        abort(404)
    form = UserForm(obj=user)
    form.username.data = user.username
    if form.validate_on_submit():
        roles = list(form.roles.data)
        if user.id == current_user.id and ("admin" not in roles or not form.active.data):
            form.roles.errors.append("不能取消自己的机构管理员角色或停用自己，以免本机构无人管理")
        elif _badge_taken(form.badge_no.data, user.id):
            form.badge_no.errors.append("该执法证号已登记在另一用户名下")
        else:
            badge = (form.badge_no.data or "").strip() or None
            until = form.badge_valid_until.data
            changes = {"display_name": form.display_name.data, "roles": roles, "active": bool(form.active.data),
                       "badge_no": badge, "badge_valid_until": until.isoformat() if until else None}
            user.display_name, user.roles, user.active = changes["display_name"], roles, changes["active"]
            user.badge_no, user.badge_valid_until = badge, until
            user.email = (form.email.data or "").strip() or None
            if form.password.data:
                set_password(user, form.password.data, by=current_user)
                changes["password_reset"] = True
            if not user.active:
                end_all(user, "admin")
            audit.append(user.agency_id, Action.USER_UPDATED, actor_id=current_user.id,
                         detail={"user_id": user.id, "username": user.username, **changes})
            db.session.commit()
            flash(f"已更新用户 {user.username}")
            return redirect(url_for("web_admin.users"))
    return render_template("admin_user.html", form=form, user=user, sessions=sessions_of(user),
                           current=current_session()), 422 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@role_required("admin")
def profile() -> Any:
    """The agency profile, edited through a form generated from the profile schema, or (高级) as the TOML text
    of ``workflows/profiles/<code>/profile.toml``.

    Both give one TOML text that goes the one way a profile is applied: the profile schema
    (handlers/profiles.py), the proof of the agency's diagrams against its rules, deployment
    (profile_service.apply_profile).  Any failure keeps what was typed.
    """
    agency = current_user.agency
    view = "toml" if request.method == "POST" and "profile" in request.form or request.args.get("view") == "toml" \
        else "form"
    form, csrf = ProfileForm(), CsrfOnly()
    current = _profile_data(agency)
    items = profile_form.inputs(profiles.ProfileSchema(), {"procedures": _procedure_choices(current)})
    errors: list[str] = []
    if view == "form" and form.is_submitted():
        profile_form.read(items, request.form)
    if view == "toml" and form.validate_on_submit():
        errors = _save(agency, form.profile.data)
    elif view == "form" and csrf.validate_on_submit():
        data = profile_form.build(items, current)
        try:
            profiles.ProfileSchema().load(data)
        except ValidationError as exc:
            errors = ["请按各项旁的提示修改。", *profile_form.place(items, exc.messages, profiles.ProfileSchema())]
        else:
            errors = _save(agency, FORM_HEADER + tomli_w.dumps(data))
    elif not form.is_submitted():
        form.profile.data = _profile_source(agency)
        profile_form.fill(items, current)
    if request.method == "POST" and not errors and not form.errors and not csrf.errors:
        return redirect(url_for("web_admin.profile", view=view if view == "toml" else None))
    if view == "toml" and not form.profile.data:
        form.profile.data = _profile_source(agency)
    shown = [(label, _readable(key, agency.settings)) for key, label in SHOWN]
    return render_template("admin_profile.html", form=form, csrf=csrf, agency=agency, errors=errors, shown=shown,
                           view=view, items=items, kept=_kept(current), ROLES=ROLES), \
        422 if (errors or form.errors or csrf.errors) else 200


FORM_HEADER = "# 由机构配置表单生成；表单未涵盖的部分（执法规则、流程图补丁等）沿用保存前的配置\n"


def _save(agency: Any, text: str) -> list[str]:
    """Validate, prove and deploy a profile text, audited and committed; the reasons it was refused, if it was."""
    folder = profile_service.profiles_dir() / agency.code
    try:
        parsed = profiles.parse(text, "机构配置", folder if folder.is_dir() else None)
        applied = profile_service.apply_profile(agency, parsed, current_user.id, source=text)
    except profiles.ProfileError as exc:
        errors = str(exc).splitlines()
    except ServiceError as exc:
        errors = exc.message.splitlines()
    else:
        audit.append(agency.id, Action.AGENCY_PROFILE_CHANGED, actor_id=current_user.id,
                     detail={"code": parsed.code, "source_sha256": sha256_bytes(text)})
        db.session.commit()
        flash(f"机构配置已校验并保存：{applied.text()}")
        return []
    db.session.rollback()
    return errors


def _profile_data(agency: Any) -> dict[str, Any]:
    """The current profile as its TOML text reads (unvalidated: the form shows it and keeps what it does not cover)."""
    try:
        return tomllib.loads(_profile_source(agency))
    except tomllib.TOMLDecodeError:
        return {}


def _procedure_choices(current: Mapping[str, Any]) -> dict[str, str]:
    ids = [*PROCEDURES, *(p for p in current.get("procedures", []) if p not in PROCEDURES)]
    return {pid: procedure_title(pid) for pid in ids}


def _kept(current: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """What the form leaves unchanged, by label, with what it holds now (rules by title and period in words)."""
    out = []
    for path, label in profile_form.carried(profiles.ProfileSchema()):
        value: Any = current
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value:
            out.append(("／".join(_labels(path)) if len(path) > 1 else label, _held(value)))
    return out


def _labels(path: tuple[str, ...]) -> list[str]:
    labels = {p: f.metadata.get("label", p[-1]) for p, f in profiles.walk(profiles.ProfileSchema())}
    return [labels.get(path[:n + 1], path[n]) for n in range(len(path))]


def _held(value: Any) -> list[str]:
    """A carried value in words: each rule's title, period and article; a patch's task; a table's entries."""
    if isinstance(value, Mapping):
        return [f"{k}：{v}" for k, v in value.items()]
    return [_item(v) for v in value] if isinstance(value, list) else [str(value)]


def _item(v: Any) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    within = v.get("within")
    try:
        period = f"（{parse_period(within).describe()}内）" if within else ""
    except PeriodError:
        period = ""
    what = v.get("title") or (f"{procedure_title(v.get('process'))}：{_task_title(v.get('process'), v.get('task'))}"
                              f"{_patch_change(v.get('properties') or {})}")
    return f"{what}{period}——{cite(v.get('basis'))}"


PATCH_WORDS = {("av", "required"): "须同步录音录像", ("av_on_refusal", "required"): "当事人拒绝签字时须录音录像"}


def _patch_change(props: Mapping[str, Any]) -> str:
    """What a patch makes stricter, in words (``deadline = "P30D"`` → 期限改为30日)."""
    parts = [PATCH_WORDS[(k, v)] for k, v in props.items() if (k, v) in PATCH_WORDS]
    try:
        parts += [f"期限改为{parse_period(props['deadline']).describe()}"] if props.get("deadline") else []
    except PeriodError:
        parts.append("期限格式有误")
    return f"（{'；'.join(parts)}）" if parts else ""


SHOWN = (("procedures", "使用的执法程序"), ("archive_days", "归档期限"), ("av_handover", "音像记录移交时限"),
         ("av_retention_months", "音像记录保存期限"), ("long_term_triggers", "长期保存情形"),
         ("deadline_warning_hours", "期限预警提前量"), ("doc_prefix", "文书编号前缀"), ("confidentiality", "保密要求"))
UNITS = {"archive_days": "日", "av_retention_months": "个月", "deadline_warning_hours": "小时"}


def _badge_taken(badge: str | None, user_id: int | None) -> bool:
    """A 执法证号 names one person: another user holding it already makes it unusable here."""
    badge = (badge or "").strip()
    return bool(badge) and db.session.scalar(select(User.id).where(User.badge_no == badge, User.id != (user_id or 0))) \
        is not None


def _readable(key: str, settings: Any) -> Any:
    """A setting as people read it: procedures by their Chinese names, periods with their unit ("24小时"), the
    confidentiality level and the long-term cases by their meaning."""
    if key == "av_handover":
        days = settings.av_handover_working_days
        return f"{days}个工作日" if days else f"{settings.av_handover_hours:g}小时"
    value = getattr(settings, key)
    if key in UNITS:
        return f"{value}{UNITS[key]}"
    if key == "procedures" and value:
        return [procedure_title(p) for p in value]
    if key == "confidentiality" and value:
        return profiles.CONFIDENTIALITY.get(value, value)
    if key == "long_term_triggers" and value:
        return [profiles.LONG_TERM_TRIGGERS.get(v, v) for v in value]
    return value


def _profile_source(agency: Any) -> str:
    """The agency's profile text: as last saved here, else its shipped profile file, else empty."""
    if agency.settings.source_toml:
        return agency.settings.source_toml
    shipped = profile_service.profiles_dir() / agency.code / "profile.toml"
    return shipped.read_text(encoding="utf-8") if shipped.is_file() else ""


def _task_title(process_id: Any, task: Any) -> str:
    """A patched task by its name in the base diagram (the task id only if the diagram has no such task)."""
    return _task_titles(str(base_dir()), str(process_id)).get(str(task), str(task))


@functools.cache
def _task_titles(directory: str, process_id: str) -> dict[str, str]:
    """Task id → name in a base diagram; the shipped base diagrams do not change while the app runs."""
    try:
        spec, _ = diagrams.parse(base_sources(), process_id)
    except diagrams.DiagramError:
        return {}
    return {name: str(ts.bpmn_name) for name, ts in spec.task_specs.items() if getattr(ts, "bpmn_name", None)}
