"""Pages and JSON for the 检查台账 (naiman-culture 第十四条), the supervision exports and the 司法局 overview.

- ``/oversight/spot-checks``: the ledger with filters, and the form to record a check or a follow-up
  (法制审核 and 负责人 only; everyone with a supervision role may read).  JSON under
  ``/oversight/api/spot-checks``.
- ``/oversight/supervision.csv`` and ``.pdf``: the figures of one agency (``?agency=``), both built
  from :func:`webapp.supervision_report.tables`; every export is an audit entry.
- ``/oversight/overview``: the agencies a user may see, side by side (for 司法局 supervisors).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from handlers import clock
from handlers.roles import SUPERVISION_ROLES
from handlers.spot_checks import ASPECTS, BASIS, CHECKER_ROLES, FINDINGS, RECTIFY_BASIS
from webapp.db import db
from webapp.errors import Forbidden, ServiceError
from webapp.models import MediaItem, User
from webapp.paging import Page, clamp, key_from, page_label
from webapp.supervision import charts, ledger, spot_checks
from webapp.supervision import reports as supervision_report
from webapp.supervision import rollups as supervision
from webapp.supervision.scopes import agency_for, visible_agencies
from webapp.views.common import cite_note
from webapp.views.forms import Form, MultiCheckbox

bp = Blueprint("supervision", __name__, url_prefix="/oversight")
FIELDS = ("case_id", "media_id", "follow_up_of", "finding", "note", "rectification")
RECENT_RECORDINGS = 100


class SpotCheckForm(Form):
    media_id = SelectField("抽检的音像记录", choices=[], validate_choice=False)
    case_id = IntegerField("或：检查的案件编号（检查案卷）", validators=[Optional()])
    follow_up_of = IntegerField("复查的检查编号（复查时填写）", validators=[Optional()])
    aspects = MultiCheckbox("检查内容", choices=[(a, a) for a in ASPECTS])
    finding = RadioField("检查结论", choices=[(f, f) for f in FINDINGS])
    note = TextAreaField("检查情况")
    rectification = TextAreaField("整改要求（结论为存在问题的须填写：责令改正）")


def _require(*roles: str) -> None:
    if not current_user.has_any(*roles):
        raise Forbidden(f"您的角色无权访问检查台账{cite_note(BASIS)}")


# --------------------------------------------------------------------------- 检查台账


def _form_data() -> dict[str, Any]:
    f = request.form
    return {**{k: f[k].strip() for k in FIELDS if f.get(k, "").strip()}, "aspects": f.getlist("aspects")}


def _recordings() -> list[tuple[str, str]]:
    items = db.session.scalars(select(MediaItem).where(MediaItem.agency_id == current_user.agency_id)
                               .order_by(MediaItem.id.desc()).limit(RECENT_RECORDINGS))
    return [("", "（不抽检音像记录）")] + [
        (str(m.id), f"{m.id} · 案件 {m.case_id} · {m.cause} · {m.recorded_by} · {clock.local_text(m.started_at)}") for m in items]


def _ledger_page(form: SpotCheckForm, status: int = 200) -> Any:
    form.media_id.choices = _recordings()
    checkers = db.session.scalars(select(User).where(User.agency_id == current_user.agency_id).order_by(User.id))
    return render_template(
        "oversight/spot_checks.html", form=form, page=spot_checks.ledger_page(current_user.agency_id, request.args),
        checkers=[u for u in checkers if u.has_any(*CHECKER_ROLES)], findings=FINDINGS, basis=BASIS, rectify_basis=RECTIFY_BASIS,
        may_check=current_user.has_any(*CHECKER_ROLES)), status


@bp.get("/spot-checks")
@login_required
def spot_checks_page() -> Any:
    _require(*SUPERVISION_ROLES)
    form = SpotCheckForm(formdata=None, follow_up_of=request.args.get("follow_up_of", type=int))
    return _ledger_page(form)


@bp.post("/spot-checks")
@login_required
def record_spot_check() -> Any:
    _require(*SUPERVISION_ROLES)
    try:
        row = spot_checks.record(current_user, _form_data())
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _ledger_page(SpotCheckForm(), exc.status)
    flash(f"已登记检查 {row.id}：{row.finding}")
    return redirect(url_for("supervision.spot_checks_page"))


# --------------------------------------------------------------------------- exports and the overview


def page_extras(figures: dict[str, Any]) -> dict[str, Any]:
    """What the supervision page adds to the figures: the charts, the agencies to choose from, the period chosen."""
    return {"charts": charts.charts(figures), "agencies": visible_agencies(current_user),
            "period": ledger.period_of(request.args), "year": clock.local(clock.now()).year}


def _export(kind: str, mimetype: str) -> Response:
    agency = agency_for(current_user, request.args.get("agency"))
    figures = supervision.figures(agency.id, ledger.window_of(request.args))
    if kind == "xlsx":
        data = supervision_report.to_xlsx(agency, figures, [_ledger_table(agency.id, ledger.period_of(request.args))])
    else:
        data = (supervision_report.to_csv if kind == "csv" else supervision_report.to_pdf)(agency, figures)
    supervision_report.audit_export(agency, current_user, kind, data, figures)
    db.session.commit()
    name = f"supervision-{agency.code}-{clock.local_text(figures['at'], '%Y%m%d-%H%M')}.{kind}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/supervision.csv")
@login_required
def supervision_csv() -> Response:
    return _export("csv", "text/csv; charset=utf-8")


@bp.get("/supervision.xlsx")
@login_required
def supervision_xlsx() -> Response:
    """The figures as an Excel workbook, one sheet per table with its title and articles, the case 台账 last."""
    return _export("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _ledger_table(agency_id: int, period: ledger.Period | None) -> supervision_report.Table:
    title = f"案件台账（{period.label if period else '全部'}）"
    return supervision_report.Table("ledger", title, "lishui-city 第二十二条", ledger.HEADERS,
                                    ledger.rows(agency_id, period))


@bp.get("/ledger")
@login_required
def ledger_page() -> Any:
    """案件台账: the cases an agency started in a period (year, quarter, month or any range), for its managers and for
    the 司法局 supervisor assigned to it, a page at a time by key; exported whole with the figures as XLSX."""
    agency = agency_for(current_user, request.args.get("agency"))
    period = ledger.period_of(request.args)
    rows, earlier, later = ledger.page(agency.id, period, key_from(request.args))
    total = ledger.count(agency.id, period)
    number = page_label(total, ledger.PAGE) if earlier else 1
    page = Page(rows, number, clamp(1, total, ledger.PAGE)[1], total, rows[0][0] if earlier and rows else None,
                rows[-1][0] if later and rows else None, keyset=True)
    table = supervision_report.Table("ledger", f"案件台账（{period.label if period else '全部'}）", "lishui-city 第二十二条",
                                     ledger.HEADERS, rows)
    return render_template("oversight/ledger.html", agency=agency, period=period, agencies=visible_agencies(current_user),
                           table=table, page=page, year=clock.local(clock.now()).year)


@bp.get("/supervision.pdf")
@login_required
def supervision_pdf() -> Response:
    return _export("pdf", "application/pdf")


@bp.get("/overview")
@login_required
def overview_page() -> Any:
    agencies = visible_agencies(current_user)
    if not agencies:
        agency_for(current_user, None)  # raises the clear 403
    as_of: list[str] = []

    def figures_of(agency_id: int) -> dict[str, Any]:
        f = supervision.figures(agency_id)
        as_of.append(f["as_of"])
        return f

    table = supervision_report.overview(agencies, figures_of)
    return render_template("oversight/overview.html", table=table, agencies=agencies, as_of=min(as_of, default=None))
