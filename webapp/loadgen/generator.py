"""``flask liuhen generate-cases``: a large agency for load tests — real template cases, copied in bulk.

The templates (:mod:`webapp.case_templates`) are walked through the real service; the copies
(:mod:`webapp.case_cloner`) are dated up to two years back, with their own titles, parties and officers.
Old copies are mostly closed and recent ones mostly open, as in a real agency, so the overdue lists hold
what an agency that falls behind now and then would have, not every case it ever had.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.accounts import create_user
from webapp.db import db
from webapp.engine.diagrams import deployed_versions
from webapp.engine.profiles import agency_by_code
from webapp.errors import Invalid
from webapp.loadgen import cloner as case_cloner
from webapp.loadgen import templates as case_templates
from webapp.loadgen.walker import ROLE_USER
from webapp.models import Agency, Case, User

DAYS = 730
PLACES = ("石文镇", "后安镇", "章党镇", "救兵镇", "上马镇", "汤图满族乡", "马圈子乡", "峡河乡", "兰山乡", "海浪乡",
          "哈达镇", "拉古满族乡", "新宾路", "将军街道", "高湾新区")
SHOPS = ("星光", "宏达", "鑫源", "金帝", "天地", "蓝海", "极速", "时代", "飞扬", "龙腾", "明珠", "华夏", "银河", "东方",
         "朝阳", "万家", "启航", "乐享", "新世纪", "红旗")
TRADES = (("网吧", ("接纳未成年人上网", "未核对登记上网消费者身份", "超时营业", "擅自停止实施经营管理技术措施")),
          ("歌舞娱乐场所", ("接纳未成年人", "未按规定安装闭路电视监控设备", "擅自变更营业场所地址")),
          ("游艺娱乐场所", ("设置含有禁止内容的游戏游艺设备", "以现金形式返还奖励")),
          ("书店", ("销售含有禁止内容的出版物", "未按规定设置出版物经营许可证")),
          ("文化传媒有限公司", ("擅自从事营业性演出", "演出内容与备案不符")),
          ("音像店", ("经营非法音像制品", "未按规定标明经营许可证")))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英")
CITIZEN_CAUSES = ("在禁止张贴区域张贴演出广告", "流动销售非法出版物", "未经许可街头卖艺收费", "擅自设置户外演出场地")


@dataclass
class Summary:
    templates: dict[str, int]  # template key → its case id
    cases: int
    copies: dict[str, int] = field(default_factory=dict)  # template key → copies made of it
    rows: dict[str, int] = field(default_factory=dict)  # table → rows copied
    seconds: float = 0.0


def names(rng: random.Random, party: str) -> tuple[str, str]:
    """A title and party name: a business and one of its trade's violations, or a citizen and a street offence."""
    if party == "citizen":
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return f"{person}{rng.choice(CITIZEN_CAUSES)}案", person
    trade, causes = rng.choice(TRADES)
    shop = f"{rng.choice(SHOPS)}{trade}"
    return f"{shop}{rng.choice(causes)}案", f"抚顺县{rng.choice(PLACES)}{shop}"


def role_users(agency: Agency) -> dict[str, User]:
    """The agency's first active user of each role the templates need, under the sample walker's names."""
    users = list(db.session.scalars(select(User).where(User.agency_id == agency.id, User.active.is_(True))
                                    .order_by(User.id)))
    out: dict[str, User] = {}
    for role, name in ROLE_USER.items():
        found = next((u for u in users if u.has_role(role)), None)
        if found is None:
            raise Invalid(f"机构 {agency.code} 没有角色为 {role} 的在用账号，无法办理样板案件；请先创建该角色的用户")
        out[name] = found
    return out


def officer_pool(agency: Agency, at_least: int) -> list[int]:
    """Ids of the agency's officers, adding generated ones (no usable password) until there are ``at_least``."""
    ids = [u.id for u in db.session.scalars(select(User).where(User.agency_id == agency.id).order_by(User.id))
           if u.has_role("officer")]
    for n in range(len(ids) + 1, at_least + 1):
        # a random password nobody is told: generated officers act only in generated data
        ids.append(create_user(agency, f"{agency.code}-gen-officer{n}", f"生成承办人{n}", ["officer"],
                               secrets.token_hex(16)).id)
    db.session.commit()
    return ids


def plan_copies(rng: random.Random, n: int, templates: dict[str, int], statuses: dict[int, str],
                officer_id: int, officers: list[int]) -> list[case_cloner.Copy]:
    """``n`` copies: ages spread over two years, closed templates more likely the older the copy."""
    by_status = {s: [k for k, cid in templates.items() if statuses[cid] == s] for s in ("open", "closed")}
    parties = {t.key: t.party for t in case_templates.TEMPLATES}
    out = []
    for _ in range(n):
        age = rng.uniform(0, DAYS)
        p_closed = 0.95 if age > 180 else 0.8 if age > 60 else 0.35
        pool = by_status["closed"] if (rng.random() < p_closed and by_status["closed"]) or not by_status["open"] \
            else by_status["open"]
        key = rng.choice(pool)
        title, party = names(rng, parties[key])
        out.append(case_cloner.Copy(templates[key], -dt.timedelta(days=age), title, party,
                                    {officer_id: rng.choice(officers)}))
    return out


def generate(code: str, n: int, *, seed: int = 1, batch: int = 250, officers: int = 20,
             echo: Callable[[str], None] = print) -> Summary:
    """Walk the templates in agency ``code`` and copy them until ``n`` new cases exist (templates included)."""
    started = time.perf_counter()
    agency = agency_by_code(code)
    users = role_users(agency)
    deployed = set(deployed_versions(agency.id))
    wanted = [t for t in case_templates.TEMPLATES if t.process_id in deployed]
    if n < len(wanted):
        raise Invalid(f"--cases 至少为样板案件数 {len(wanted)}（机构 {code} 已部署的程序的样板案件）")
    templates = case_templates.walk_all(users, wanted)  # 文书 rendered: copies carry them, as a caught-up worker's
    echo(f"已办理样板案件 {len(templates)} 件（{time.perf_counter() - started:.1f} 秒）：{', '.join(templates)}")
    pool = officer_pool(agency, officers)
    statuses = dict(db.session.execute(select(Case.id, Case.status).where(Case.id.in_(templates.values()))).all())
    copies = plan_copies(random.Random(seed), n - len(templates), templates, statuses, users["officer1"].id, pool)
    keys = {cid: key for key, cid in templates.items()}
    summary = Summary(templates, len(templates), dict(Counter(keys[c.template_id] for c in copies)))
    tables = case_cloner.copied_tables()
    columns = case_cloner.plan(tables)
    with db.engine.connect() as conn:
        rows = case_cloner.template_rows(conn, tables, list(templates.values()))
    case_cloner.mark_unique(columns, rows)
    recipes = case_cloner.compile_templates(columns, case_cloner.key_tables(columns), rows)
    for i in range(0, len(copies), batch):
        with db.engine.begin() as conn:
            counts = case_cloner.copy_batch(conn, columns, recipes, copies[i:i + batch], agency.id)
        for name, count in counts.items():
            summary.rows[name] = summary.rows.get(name, 0) + count
        summary.cases += len(copies[i:i + batch])
        elapsed = time.perf_counter() - started
        echo(f"已生成 {summary.cases}/{n} 件（{elapsed:.0f} 秒，{summary.cases / elapsed:.0f} 件/秒）")
    echo("正在更新统计信息（ANALYZE）……")
    case_cloner.analyze(db.engine, tables)
    summary.seconds = time.perf_counter() - started
    return summary
