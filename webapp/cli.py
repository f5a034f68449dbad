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
from .models import StoredFile, User


cli = AppGroup("liuhen", help="留痕 行政执法全过程记录系统 管理命令")


@cli.command("seed-demo")
def seed_demo_cmd() -> None:
    """创建演示机构、演示用户并部署内置流程图。"""
    agency = seed_demo()
    click.echo(f"演示机构：{agency.name}（{agency.code}）已就绪")


@cli.command("verify")
def verify_cmd() -> None:
    """校验审计链、记录哈希和文件库；发现问题时以非零状态退出。"""
    problems = [*audit.verify_chains(), *audit.verify_records(), *_verify_files()]
    for p in problems:
        click.echo(f"[不一致] {p}")
    if problems:
        sys.exit(1)
    click.echo("校验通过：审计链、记录与文件均未被改动")


def _verify_files() -> list[audit.Break]:
    store = cases.store()
    known = set()
    out = []
    for f in db.session.scalars(select(StoredFile)):
        known.add(f.sha256)
        actual = store.hash_of(f.sha256)
        if actual is None:
            out.append(audit.Break(f"文件 {f.sha256}", "文件缺失"))
        elif actual != f.sha256:
            out.append(audit.Break(f"文件 {f.sha256}", "文件内容被改动"))
    out.extend(audit.Break(f"文件 {h}", "文件库中有未登记的文件") for h in store.all_hashes() if h not in known)
    return out


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
