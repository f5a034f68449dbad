"""``flask liuhen …``: seed the demo, verify integrity, list and complete tasks from a terminal."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from . import audit, cases, timeline
from .db import db
from .demo import seed_demo
from .errors import ServiceError
from .models import User


cli = AppGroup("liuhen", help="留痕 行政执法全过程记录系统 管理命令")


@cli.command("seed-demo")
def seed_demo_cmd() -> None:
    """创建演示机构、演示用户并部署内置流程图。"""
    agency = seed_demo()
    click.echo(f"演示机构：{agency.name}（{agency.code}）已就绪")


@cli.command("verify")
def verify_cmd() -> None:
    """校验审计链、记录哈希和文件库；发现问题时以非零状态退出。"""
    from . import media_access

    problems = [*audit.verify_chains(), *audit.verify_records(), *media_access.verify_rows(),
                *media_access.verify_files()]
    for p in problems:
        click.echo(f"[不一致] {p}")
    if problems:
        sys.exit(1)
    click.echo("校验通过：审计链、记录、音像记录元数据与文件均未被改动（已批准销毁的文件除外）")


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在")
    return user


@cli.command("tasks")
@click.option("--user", "username", required=True, help="用户名")
def tasks_cmd(username: str) -> None:
    """列出用户的待办任务。"""
    for t, c in cases.open_tasks(_user(username)):
        click.echo(json.dumps(timeline.task_json(t, c.title), ensure_ascii=False))


@cli.command("complete")
@click.argument("case_id", type=int)
@click.argument("task_id")
@click.option("--user", "username", required=True, help="办理人用户名")
def complete_cmd(case_id: int, task_id: str, username: str) -> None:
    """办结任务；缺少记录时列出缺少的记录及其依据，并以非零状态退出。"""
    try:
        cases.complete_task(_user(username), case_id, task_id)
    except ServiceError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    click.echo(f"任务 {task_id} 已办结")


@cli.command("compliance")
@click.argument("code")
@click.option("--files", is_flag=True, help="检查配置目录与基础流程图文件（不查数据库），用于部署前")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def compliance_cmd(code: str, files: bool, as_json: bool) -> None:
    """检查机构已部署的流程图是否落实其机构配置的每条规则；有未落实的规则时以状态 1 退出。"""
    from handlers import compliance, profiles

    from . import profile_service
    from .diagram_store import base_sources

    try:
        if files:
            profile = profile_service.load_profile(code)
            report = compliance.check_files(profile, profiles.compose_sources(profile, base_sources()))
        else:
            report = profile_service.report(profile_service.agency_by_code(code))
    except (ServiceError, profiles.ProfileError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else report.text())
    if not report.ok:
        sys.exit(1)


@cli.command("create-agency")
@click.argument("code")
@click.option("--admin", "admin_username", help="同时创建机构管理员（用户名）")
@click.option("--password", help="机构管理员的初始密码")
def create_agency_cmd(code: str, admin_username: str | None, password: str | None) -> None:
    """按 workflows/profiles/<code>/profile.toml 创建机构（已存在则重新应用配置），部署其执法程序。"""
    from . import profile_service
    from .demo import create_user

    try:
        agency = profile_service.create_agency(code)
        if admin_username:
            if not password:
                raise click.ClickException("创建管理员须同时给出 --password")
            create_user(agency, admin_username, f"{agency.name}管理员", ["admin"], password)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    click.echo(f"机构 {agency.name}（{agency.code}）已按配置就绪，执法程序：{'、'.join(agency.profile['procedures'])}")


@cli.command("compliance-exception")
@click.argument("rule_id")
@click.option("--user", "username", required=True, help="机构管理员用户名")
@click.option("--reason", required=True, help="例外理由（记入审计链）")
@click.option("--revoke", is_flag=True, help="撤销此前登记的例外")
def compliance_exception_cmd(rule_id: str, username: str, reason: str, revoke: bool) -> None:
    """机构管理员登记（或撤销）对某条规则的合规例外。"""
    from . import profile_service

    try:
        profile_service.record_exception(_user(username), rule_id, reason, "revoke" if revoke else "grant")
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    click.echo(f"已{'撤销' if revoke else '登记'}规则 {rule_id} 的合规例外")


@cli.command("overdue")
@click.argument("code")
def overdue_cmd(code: str) -> None:
    """列出机构的逾期事项（期限存于数据库，服务重启不丢失）。"""
    from . import deadlines, profile_service

    agency = profile_service.agency_by_code(code)
    for d, title in deadlines.overdue(agency.id):
        click.echo(json.dumps(deadlines.deadline_json(d, title), ensure_ascii=False))


@cli.command("render-pending")
def render_pending_cmd() -> None:
    """制作所有待制作的文书（任务办结后排队、因故未制作的）；有失败时以非零状态退出。"""
    from .sealing import render_pending

    done, failed = render_pending()
    click.echo(f"已制作文书 {done} 份，失败 {failed} 份")
    if failed:
        sys.exit(1)
