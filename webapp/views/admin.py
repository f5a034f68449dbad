"""The agency administrator: users and their roles, and the agency's profile (validated before it is kept).

The profile is ``Agency.profile`` (JSON) for now; :class:`ProfileSchema` is the one place that says
what it may hold, so a file-based profile schema (workflows/profiles/, issue 7) can replace it here.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates
from sqlalchemy import or_, select
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from werkzeug.security import generate_password_hash

from handlers.roles import ROLES

from .. import audit
from ..db import db
from ..demo import create_user
from ..forms import ProfileForm, UserForm
from ..models import DiagramVersion, User
from .common import paginate_list, role_required

bp = Blueprint("web_admin", __name__, url_prefix="/admin")


def _duration(value: str) -> None:
    try:
        TimerEventDefinition.parse_iso_duration(value)
    except Exception as exc:  # the parser raises several types for malformed text
        raise ValidationError(f"须为 ISO 8601 时长，如 P60D、PT24H，现为 {value!r}") from exc


class ProfileSchema(Schema):
    """What an agency profile holds (DESIGN.md, "Per-agency profiles"); unknown keys are refused, not dropped."""

    class Meta:
        unknown = RAISE

    procedures = fields.List(fields.String(), required=True, validate=validate.Length(min=1, error="至少一个执法程序"),
                             metadata={"title": "使用的执法程序"})
    deadlines = fields.Dict(keys=fields.String(), values=fields.String(validate=_duration),
                            metadata={"title": "期限", "help": "如 archive: P60D（fushun-culture 第三十一条）"})
    retention = fields.Dict(keys=fields.String(), values=fields.String(validate=_duration),
                            metadata={"title": "保存期限", "help": "如 av: P3Y（pishan-culture）"})
    document_prefixes = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1, max=30)),
                                    metadata={"title": "文书编号前缀", "help": "如 penalty_decision: 抚文执罚"})

    @validates("procedures")
    def _known(self, value: list[str], **_: Any) -> None:
        known = set(db.session.scalars(select(DiagramVersion.process_id).where(or_(
            DiagramVersion.agency_id.is_(None), DiagramVersion.agency_id == current_user.agency_id))))
        unknown = [p for p in value if p not in known]
        if unknown:
            raise ValidationError(f"没有这些程序的流程图：{'、'.join(unknown)}")


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
        else:
            create_user(current_user.agency, form.username.data, form.display_name.data, list(form.roles.data),
                        form.password.data)
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
        else:
            changes = {"display_name": form.display_name.data, "roles": roles, "active": bool(form.active.data)}
            user.display_name, user.roles, user.active = changes["display_name"], roles, changes["active"]
            if form.password.data:
                user.password_hash = generate_password_hash(form.password.data)
                user.api_token_hash = None
                changes["password_reset"] = True
            audit.append(user.agency_id, "user.updated", actor_id=current_user.id,
                         detail={"user_id": user.id, "username": user.username, **changes})
            db.session.commit()
            flash(f"已更新用户 {user.username}")
            return redirect(url_for("web_admin.users"))
    return render_template("admin_user.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@role_required("admin")
def profile() -> Any:
    """The agency profile: shown as a table, edited as JSON, validated by :class:`ProfileSchema`."""
    agency = current_user.agency
    form = ProfileForm()
    errors: Any = None
    if form.validate_on_submit():
        try:
            data = json.loads(form.profile.data)
            if not isinstance(data, dict):
                raise ValidationError("机构配置须为 JSON 对象")
            data = ProfileSchema().load(data)
        except json.JSONDecodeError as exc:
            errors = {"JSON": [f"第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"]}
        except ValidationError as exc:
            errors = exc.normalized_messages()
        else:
            agency.profile = data
            audit.append(agency.id, "agency.profile_changed", actor_id=current_user.id, detail={"profile": data})
            db.session.commit()
            flash("机构配置已保存")
            return redirect(url_for("web_admin.profile"))
    elif not form.is_submitted():
        form.profile.data = json.dumps(agency.profile or {}, ensure_ascii=False, indent=2)
    return render_template("admin_profile.html", form=form, agency=agency, errors=errors, fields=ProfileSchema().fields,
                           ROLES=ROLES), 422 if (errors or form.errors) else 200
