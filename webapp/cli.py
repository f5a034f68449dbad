"""``flask liuhen …``: seed the demo, verify integrity, list and complete tasks from a terminal."""
from __future__ import annotations

import datetime as dt
import json
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from handlers import compliance as rule_check
from handlers import profiles as profile_rules
from handlers.diagrams import DiagramError
from handlers.diagrams import parse as parse_diagrams
from handlers.law import dryrun, proof
from handlers.law.cite import for_agency
from handlers.law.schema import binding
from webapp.accounts import check_password, create_user
from webapp.cases import deadlines, notifications, timeline, timers
from webapp.cases import service as cases
from webapp.cases.queue import open_tasks
from webapp.db import db
from webapp.demo import seed_demo
from webapp.engine import compliance, law_matrix, profiles
from webapp.engine.diagrams import base_sources
from webapp.errors import ServiceError
from webapp.evidence.expiry import purge
from webapp.loadgen.generator import generate
from webapp.models import Agency, User
from webapp.store import backup as backups
from webapp.store import checkpoints
from webapp.store.s3 import STORAGE_ERRORS, unavailable_message
from webapp.store.sealed import TableCheck
from webapp.store.witness import WitnessRefused, witness
from webapp.supervision.accountability import reanchor, sign_checkpoint, verify_and_record
from webapp.supervision.case_review import backfill
from webapp.supervision.rollups import refresh_all as refresh_supervision
from webapp.supervision.scopes import assign
from webapp.worker import launcher, outbox
from webapp.worker import signing as document_signatures
from webapp.worker.sealing import render_pending
from webapp.worker.service import Findings, Scheduled, Worker

#: what SQLite and PostgreSQL say when a table does not exist yet
_NO_TABLE = ("no such table", "does not exist")
NOT_MIGRATED = "数据库尚未建表或版本过旧：请先运行 flask --app webapp db upgrade heads（make run 会自动执行）"


class Commands(AppGroup):
    """The ``liuhen`` group: a database that was never migrated is a sentence, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            if any(words in str(exc.orig) for words in _NO_TABLE):
                raise click.ClickException(NOT_MIGRATED) from exc
            raise


cli = Commands("liuhen", help="留痕 行政执法全过程记录系统 管理命令")


@cli.command("seed-demo")
def seed_demo_cmd() -> None:
    """创建演示机构、演示用户并部署内置流程图。"""
    agency = seed_demo()
    click.echo(f"演示机构：{agency.name}（{agency.code}）已就绪")


@cli.command("notify")
def notify_cmd() -> None:
    """把尚未发出的通知（新任务、待审批、即将到期、已逾期）按电子邮件发给设有邮箱的用户；每条只发一次（可定时运行）。"""
    channel = notifications.channel_from_config(current_app.config)
    if channel is None:
        click.echo("未配置邮件服务器（LIUHEN_SMTP_HOST），不发送")
        return
    click.echo(f"已发送 {notifications.deliver(channel)} 条通知")


@cli.command("verify")
@click.option("--full", is_flag=True, help="从头重算全部审计链并与每个已签名检查点比对，逐行核对各封存表的全部行，重算全部文件的哈希"
              "（缺省只校验最后一个检查点之后的条目和上次校验通过以来的新行、新文件）")
def verify_cmd(full: bool) -> None:
    """校验审计链（签名检查点、默克尔树）、各封存表（双向）和文件库，检查导出与查阅记录有无泄露迹象、文书有无久未制作；
    结果记入执法监督页面，审计链完好的机构签发新的检查点；发现问题时以非零状态退出。

    缺省为增量校验：审计链自最后一个检查点起；各封存表自上次校验通过时的水位起——核对水位以下的行数未变
    （旧行被删除即可发现，并转为逐行核对该表以指明是哪一行）、水位以上的新行与其封存条目双向一致、
    此后写入的封存条目所指的旧行存在且一致；新行所指的文件重算哈希，其余文件只核对仍在文件库中。
    旧行被原地改动而行数不变、旧文件的内容被覆盖，增量校验发现不了，须 --full：
    后台服务按 LIUHEN_VERIFY_FULL_MINUTES（缺省每天一次）运行全量校验。"""

    try:
        run = verify_and_record(full)  # also stored per agency for the supervision page
    except STORAGE_ERRORS as exc:
        db.session.rollback()
        click.echo(unavailable_message(exc), err=True)
        sys.exit(2)
    db.session.commit()
    problems, chains = run.findings, run.chains
    for line in dict.fromkeys(f"[{'泄露' if p.category == '泄露' else '不一致'}] {p.what}" for p in problems):
        click.echo(line)  # a file shared by several agencies' recordings is one line
    read = sum(r.entries_read for r in chains)
    click.echo(f"审计链：{len(chains)} 个机构，读取 {read} 条（{'全量重算' if full else '自最后一个检查点起'}）；"
               f"签发检查点 {sum(1 for r in chains if r.agency_id and not r.breaks)} 个")
    click.echo(f"封存表：{len(run.tables)} 张，核对 {sum(c.rows_read for c in run.tables)} 行（{_tables_text(run.tables)}）")
    if problems:
        sys.exit(1)
    click.echo("校验通过：审计链、记录、文书、音像记录、台账与文件均未被改动或删除（已批准销毁的文件除外），未见泄露迹象")
    if not full:
        click.echo("（增量校验：旧行只核对了行数、旧文件只核对了存在；旧行被原地改动、旧文件被覆盖须由 "
                   "flask liuhen verify --full 发现，后台服务每天运行一次）")


def _tables_text(tables: list[TableCheck]) -> str:
    """How each sealed table was checked: in full (and why, after an incremental start), or from its watermark."""
    full = [c for c in tables if c.full]
    if not full:
        return "均自上次校验通过时的水位起"
    if len(full) == len(tables):
        return "全部逐行核对"
    why = "；".join(f"{c.table} 逐行核对：{c.why_full}" if c.why_full else f"{c.table} 逐行核对" for c in full)
    return f"其余自上次校验通过时的水位起；{why}"


@cli.command("verify-pdf")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "code", required=True, help="出具文书的机构代码")
def verify_pdf_cmd(path: Path, code: str) -> None:
    """核验一份文书 PDF 的机构签章：签署后是否被改动、是否为本机构证书所签；无签章或签章无效时以非零状态退出。"""
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise click.ClickException(f"没有代码为 {code} 的机构")
    found = document_signatures.check(path.read_bytes(), agency.id)
    if not found:
        raise click.ClickException(f"{path.name}：没有机构签章（或不是可读的 PDF）")
    for c in found:
        click.echo(f"{path.name}：{c.describe()}")
    if not all(c.ok for c in found):
        sys.exit(1)


@cli.command("verify-documents")
@click.option("--agency", "code", required=True, help="机构代码")
def verify_documents_cmd(code: str) -> None:
    """逐份核验本机构已制作文书的机构签章（读取每个 PDF）；有未签章、签章无效或被改动的，以非零状态退出。"""
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise click.ClickException(f"没有代码为 {code} 的机构")
    count, problems = document_signatures.verify_documents(agency.id)
    for line in problems:
        click.echo(f"[签章] {line}")
    click.echo(f"已核验文书 {count} 份，问题 {len(problems)} 项")
    if problems:
        sys.exit(1)


@cli.command("reanchor")
@click.argument("code")
@click.option("--user", "username", required=True, help="机构管理员用户名")
@click.option("--reason", required=True, help="恢复的理由与处置经过（记入审计链）")
def reanchor_cmd(code: str, username: str, reason: str) -> None:
    """审计链受损后的恢复：登记本次校验发现的全部问题并在当前状态上重新签发检查点（留有封存的痕迹，原问题仍可用 --full 查见）。"""

    try:
        result = reanchor(_user(username), profiles.agency_by_code(code), reason)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    click.echo(f"已重新锚定机构 {code} 的审计链：登记问题 {len(result.breaks)} 项，检查点 {result.size} 条")


@cli.command("checkpoint")
@click.argument("code")
@click.option("--since", type=int, default=None, help="附上自该条数（见证方已持有的检查点）起的一致性证明")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="写入文件（缺省输出到屏幕），交见证方")
def checkpoint_cmd(code: str, since: int | None, out: str | None) -> None:
    """校验机构的审计链并签发检查点（条数、根哈希、时间，Ed25519 签名），供上级司法局见证。"""

    try:
        cp = sign_checkpoint(profiles.agency_by_code(code), since)
        db.session.commit()
    except (ServiceError, checkpoints.Inconsistent) as exc:
        db.session.rollback()
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    text = json.dumps(cp.to_json(), ensure_ascii=False, indent=2)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"检查点（机构 {code}，{cp.size} 条，根 {cp.root[:16]}…）已写入 {out}")
    else:
        click.echo(text)


@cli.command("witness")
@click.argument("source")
@click.option("--token", envvar="LIUHEN_WITNESS_TOKEN", default=None,
              help="以 http(s) 地址拉取时使用的接口令牌（司法局执法监督人员的令牌）")
def witness_cmd(source: str, token: str | None) -> None:
    """见证：读取机构的检查点（文件、目录或 http(s) 地址），核对签名及与已见证检查点的一致性，副署并保存；不一致时以状态 1 退出。"""

    try:
        outcome = witness(source, token)
    except (WitnessRefused, OSError) as exc:
        click.echo(f"拒绝见证：{exc}", err=True)
        sys.exit(1)
    for cp in outcome.accepted:
        click.echo(f"已见证并副署：机构 {cp.agency_id}，{cp.size} 条，根 {cp.root[:16]}…（{cp.at_text}）")
    if not outcome.accepted:
        held = outcome.held
        click.echo(f"无新的检查点；已见证至 {held.size} 条" if held else "未读到检查点")


@cli.command("review-backfill")
def review_backfill_cmd() -> None:
    """为尚无案卷评查记录的已办结任务补做评查（本功能安装前办结的任务）。"""

    done = backfill()
    db.session.commit()
    click.echo(f"已补做案卷评查 {done} 个已办结任务")


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在")
    return user


def _refuse(exc: ServiceError) -> NoReturn:
    """Undo the command's changes and stop with the service's Chinese message."""
    db.session.rollback()
    raise click.ClickException(exc.message) from exc


@cli.command("tasks")
@click.option("--user", "username", required=True, help="用户名")
def tasks_cmd(username: str) -> None:
    """列出用户的待办任务。"""

    for t, c in open_tasks(_user(username)):
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


    try:
        if files:
            profile = profiles.load_profile(code)
            report = rule_check.check_files(profile, profile_rules.compose_sources(profile, base_sources()))
        else:
            report = compliance.report(profiles.agency_by_code(code))
    except (ServiceError, profile_rules.ProfileError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else report.text())
    if not report.ok:
        sys.exit(1)


law_cli = AppGroup("law", help="法律规则库：法律依据矩阵")
cli.add_command(law_cli)


@law_cli.command("matrix")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "html"]), default="md", help="输出格式")
def law_matrix_cmd(code: str, fmt: str) -> None:
    """逐条列出本机构规定和国家法律的条款：规则、执行任务、测试，或软件无法检查的组织性规定及理由；最后打印覆盖率。"""
    try:
        result = law_matrix.build(profiles.load_profile(code))
    except (ServiceError, profile_rules.ProfileError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    click.echo({"md": result.markdown, "csv": result.csv, "html": result.html}[fmt]())


@law_cli.command("prove")
@click.argument("code")
@click.option("--bpmn", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="以此文件替换机构配置组合出的同名流程图文件（可多次）")
def law_prove_cmd(code: str, files: tuple[Path, ...]) -> None:
    """证明机构配置的每个程序：每条规则在每条路径上成立、条件只读上游数据、试运行到达结束；有问题时以状态 1 退出。"""
    try:
        profile = profiles.load_profile(code)
        sources = {**profile_rules.compose_sources(profile, base_sources()), **{f.name: f.read_bytes() for f in files}}
        rules = binding(profile.rules, profile.departments)
        citer = for_agency(profile.code, profile.data["regulation"], profile.departments)
        problems: list[str] = []
        for pid in profile.procedures:
            try:
                spec, subs = parse_diagrams(sources, pid)
            except DiagramError as exc:
                problems += [f"{pid}/{p}" for p in exc.problems]
                continue
            found = proof.prove(sources, [pid], rules, citer)
            problems += [f.text() for f in found] or [f"{pid}/{f.text()}" for f in dryrun.dry_run(spec, subs)]
    except (ServiceError, profile_rules.ProfileError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    for line in problems:
        click.echo(f"✗ {line}")
    click.echo(f"结论：{len(problems)} 处不符合，未通过证明" if problems else
               f"结论：{'、'.join(profile.procedures)} 均通过证明（法定规则、数据流、试运行）")
    if problems:
        sys.exit(1)


@cli.command("create-agency")
@click.argument("code")
@click.option("--admin", "admin_username", help="同时创建机构管理员（用户名）")
@click.option("--password", help="机构管理员的初始密码")
def create_agency_cmd(code: str, admin_username: str | None, password: str | None) -> None:
    """按 workflows/profiles/<code>/profile.toml 创建机构（已存在则重新应用配置），部署其执法程序。"""

    try:
        agency = profiles.create_agency(code)
        if admin_username:
            if not password:
                raise click.ClickException("创建管理员须同时给出 --password")
            check_password(password, admin_username)
            create_user(agency, admin_username, f"{agency.name}管理员", ["admin"], password, must_change=True)
        db.session.commit()
    except ServiceError as exc:
        _refuse(exc)
    click.echo(f"机构 {agency.name}（{agency.code}）已按配置就绪，执法程序：{'、'.join(agency.settings.procedures)}")


@cli.command("compliance-exception")
@click.argument("rule_id")
@click.option("--user", "username", required=True, help="机构管理员用户名")
@click.option("--reason", required=True, help="例外理由（记入审计链）")
@click.option("--revoke", is_flag=True, help="撤销此前登记的例外")
def compliance_exception_cmd(rule_id: str, username: str, reason: str, revoke: bool) -> None:
    """机构管理员登记（或撤销）对某条规则的合规例外。"""

    try:
        compliance.record_exception(_user(username), rule_id, reason, "revoke" if revoke else "grant")
        db.session.commit()
    except ServiceError as exc:
        _refuse(exc)
    click.echo(f"已{'撤销' if revoke else '登记'}规则 {rule_id} 的合规例外")


@cli.command("supervise")
@click.argument("username")
@click.argument("agency_code")
@click.option("--reason", required=True, help="指派或撤销的理由（记入被监督机关的审计链）")
@click.option("--revoke", is_flag=True, help="撤销此前的指派")
def supervise_cmd(username: str, agency_code: str, reason: str, revoke: bool) -> None:
    """指派（或撤销）司法局执法监督人员所监督的机关（lishui-city 第五条）：只开放该机关的监督统计与导出。"""

    try:
        assign(_user(username), profiles.agency_by_code(agency_code), reason, revoke=revoke)
        db.session.commit()
    except ServiceError as exc:
        _refuse(exc)
    click.echo(f"已{'撤销' if revoke else '指派'} {username} 对 {agency_code} 的执法监督")


@cli.command("overdue")
@click.argument("code")
def overdue_cmd(code: str) -> None:
    """列出机构的逾期事项（期限存于数据库，服务重启不丢失）。"""

    agency = profiles.agency_by_code(code)
    for d, title in deadlines.overdue(agency.id):
        click.echo(json.dumps(deadlines.deadline_json(d, title), ensure_ascii=False))


@cli.command("open-periods")
def open_periods_cmd() -> None:
    """升级后：为已在办的环节补开法定期限（期限规则自案件事实起算，以最早届满者为准）。"""

    click.echo(f"已补开期限 {deadlines.open_missing()} 项")


@cli.command("render-pending")
def render_pending_cmd() -> None:
    """制作所有待制作的文书（任务办结后排队、因故未制作的）；有失败时以非零状态退出。"""

    done, failed = render_pending()
    click.echo(f"已制作文书 {done} 份，失败 {failed} 份")
    if failed:
        sys.exit(1)


@cli.command("send-pending")
@click.option("--now", "now_", is_flag=True, help="不等退避时间，立即重试发送失败的")
def send_pending_cmd(now_: bool) -> None:
    """发送所有待发送的电子送达（后台服务通常会发送；此命令供一次性补发）；有留待重试的时以非零状态退出。"""
    done, retry = outbox.send_pending(worker="cli", ignore_backoff=now_)
    click.echo(f"已办结发送 {done} 件（含记为发送失败的），留待重试 {retry} 件")
    if retry:
        sys.exit(1)


@cli.command("purge-uploads")
@click.option("--days", type=float, default=None,
              help="闲置超过多少天的未完成上传视为放弃（缺省取 LIUHEN_UPLOAD_EXPIRY_DAYS，再缺省 7 天）")
def purge_uploads_cmd(days: float | None) -> None:
    """清除长期未续传的未完成上传的已接收部分，并标记为已过期（逐一记入审计链）；已完成的音像记录不受影响。"""

    try:
        expired = purge(days)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    for upload_id, removed in expired:
        click.echo(f"已过期：上传 {upload_id}，清除 {removed} 字节")
    click.echo(f"共清除 {len(expired)} 个放弃的上传，{sum(r for _, r in expired)} 字节")


@cli.command("generate-cases")
@click.option("--agency", "code", required=True, help="机构代码（机构须已有承办人、审核人、法制审核、负责人账号）")
@click.option("--cases", "count", type=click.IntRange(min=1), default=100_000, show_default=True, help="生成的案件总数（含样板案件）")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子（案由、当事人、日期、承办人）")
@click.option("--batch", type=click.IntRange(min=1), default=250, show_default=True, help="每个事务写入的案件数")
@click.option("--officers", type=click.IntRange(min=1), default=20, show_default=True, help="承办人至少几名（不足时生成）")
def generate_cases_cmd(code: str, count: int, seed: int, batch: int, officers: int) -> None:
    """压力测试用：按真实流程办理各阶段样板案件，再批量复制到指定总数（日期分布在近两年内，审计链保持完整）。"""

    try:
        summary = generate(code, count, seed=seed, batch=batch, officers=officers, echo=click.echo)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    rows = "，".join(f"{name} {n}" for name, n in sorted(summary.rows.items()) if n)
    click.echo(f"完成：{summary.cases} 件案件，用时 {summary.seconds:.1f} 秒；复制的行：{rows}")


@cli.command("tick")
def tick_cmd() -> None:
    """触发已到期的流程定时器（补报、一次性告知补正、催告期限等），逾期事项记入审计链。"""
    fired = timers.fire_due_timers()
    for f in fired:
        click.echo(f"案件 {f['case_id']}：{f['title']}（{'；'.join(f['basis'])}），期限 {f['due_at']}")
    click.echo(f"共触发 {len(fired)} 个到期定时器")
    flagged = deadlines.flag_overdue()
    for d in flagged:
        click.echo(f"案件 {d.case_id}：{d.title} 期限已届满未办结（{d.basis}），期限 {d.due_at.isoformat()}")
    click.echo(f"新记入审计链的逾期事项 {len(flagged)} 项")


# --------------------------------------------------------------------------- the services


def _tick() -> str:
    fired = timers.fire_due_timers()
    return f"触发到期定时器 {len(fired)} 个，新记入审计链的逾期事项 {len(deadlines.flag_overdue())} 项"


def _purge() -> str:
    expired = purge(None)
    return f"清除放弃的上传 {len(expired)} 个，{sum(r for _, r in expired)} 字节"


def _notify() -> str:
    channel = notifications.channel_from_config(current_app.config)
    return f"已发送 {notifications.deliver(channel)} 条通知" if channel else "未配置邮件服务器，不发送"


def _verify(full: bool = False) -> str:
    run = verify_and_record(full)
    db.session.commit()
    if run.findings:
        raise Findings(f"{'全量' if full else ''}校验发现 {len(run.findings)} 项问题（详见执法监督·责任追究线索）")
    return f"{'全量' if full else ''}校验通过：{len(run.chains)} 个机构的审计链、封存表与文件"


def _verify_full() -> str:
    return _verify(full=True)


def scheduled_jobs() -> list[Scheduled]:
    """What the worker runs on a schedule: the one-off commands' own functions, every LIUHEN_*_MINUTES (0: never)."""
    table = (("tick", "LIUHEN_TICK_MINUTES", _tick), ("purge-uploads", "LIUHEN_PURGE_MINUTES", _purge),
             ("notify", "LIUHEN_NOTIFY_MINUTES", _notify), ("verify", "LIUHEN_VERIFY_MINUTES", _verify),
             ("verify-full", "LIUHEN_VERIFY_FULL_MINUTES", _verify_full),
             ("supervision", "LIUHEN_SUPERVISION_MINUTES", refresh_supervision))
    return [Scheduled(name, dt.timedelta(minutes=float(current_app.config[key])), run)
            for name, key, run in table if float(current_app.config[key]) > 0]


@cli.command("worker")
@click.option("--once", is_flag=True, help="只运行一轮（制作排队的文书、到期的定时任务）后退出")
@click.option("--processes", type=click.IntRange(min=1), default=None,
              help="进程数（缺省取 LIUHEN_WORKER_PROCESSES，再缺省为 CPU 核数的一半，至少 1）")
def worker_cmd(once: bool, processes: int | None) -> None:
    """后台服务：制作排队的文书，按时触发流程定时器与期限检查、清除放弃的上传、校验审计链；可在多台机器上同时运行。"""

    launcher.lower_priority()
    worker = Worker(scheduled_jobs())
    if once:
        work = worker.run_once()
        worker.leave()
        click.echo(f"本轮完成 {work} 项工作（失败 {worker.failed} 项）")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"后台服务 {worker.name} 已启动")
    helpers = launcher.Helpers((processes or launcher.worker_processes()) - 1, click.echo).start()
    try:
        worker.run_forever(stop, float(current_app.config["LIUHEN_WORKER_POLL_SECONDS"]))
    finally:
        helpers.stop()
    click.echo(f"后台服务 {worker.name} 已停止：完成 {worker.done} 项，失败 {worker.failed} 项")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", type=int, default=5000, show_default=True, help="监听端口")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="网页进程数（缺省取 LIUHEN_WEB_WORKERS，再缺省为 CPU 核数的 2 倍）")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="每个网页进程的线程数（缺省取 LIUHEN_WEB_THREADS，再缺省 2）")
def serve_cmd(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """以 gunicorn 提供网页服务并同时运行后台服务；Ctrl-C 同时停止两者。"""

    sys.exit(launcher.serve(host, port, workers or launcher.web_workers(), threads or launcher.web_threads(), click.echo))


@cli.command("backup")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def backup_cmd(out: Path) -> None:
    """备份运行中的实例：数据库（SQLite 在线备份 / PostgreSQL pg_dump）、文件库与清单，写入新目录 OUT（签名密钥须另行备份）。"""

    try:
        manifest = backups.backup(out)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = manifest["counts"]
    click.echo(f"已备份到 {out}：{manifest['dialect']} 数据库（{manifest['database']['size']} 字节），"
               f"案件 {counts['cases']} 件，审计条目 {counts['audit_entries']} 条，文件 {manifest['files']['copied']} 个")


@cli.command("restore")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
def restore_cmd(source: Path) -> None:
    """把备份目录 SOURCE 恢复到本实例（须为空数据库、空文件库）；之后运行 flask liuhen verify 核验。"""

    try:
        manifest = backups.restore(source)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已恢复 {manifest['made_at']} 的备份：案件 {manifest['counts']['cases']} 件；请运行 flask liuhen verify 核验")
