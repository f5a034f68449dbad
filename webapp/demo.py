"""The demo agency and its users, one per role, so a fresh install can be tried at once."""
from __future__ import annotations

from sqlalchemy import select

from handlers import clock
from webapp.accounts import create_agency, create_user
from webapp.db import db
from webapp.engine.diagrams import PROCEDURES
from webapp.engine.profiles import apply_profile, load_profile
from webapp.models import Agency
from webapp.supervision.scopes import assign

DEMO_PASSWORD = "liuhen-demo"
DEMO_AGENCY = ("fushun-culture", "抚顺县文化市场综合行政执法队")
DEMO_USERS = [
    ("officer1", "张明（承办人）", ["officer"]),
    ("officer2", "李强（承办人）", ["officer"]),
    ("reviewer1", "王芳（审核人）", ["reviewer"]),
    ("legal1", "赵静（法制审核）", ["legal"]),
    ("approver1", "刘伟（负责人）", ["approver"]),
    ("designer1", "陈晨（流程设计）", ["designer"]),
    ("admin1", "孙丽（机构管理员）", ["admin"]),
]
#: the demo officers' 执法证 (valid to the end of the year they are seeded in)
DEMO_BADGES = {"officer1": "辽21042100101", "officer2": "辽21042100102"}
#: the 司法局 and its supervisor, assigned the demo agency's figures (lishui-city 第五条)
DEMO_JUSTICE = ("fushun-justice", "抚顺县司法局")
DEMO_JUDICIAL = ("judicial1", "周正（司法局执法监督）", ["judicial"])


def seed_demo() -> Agency:
    """Create the demo agency and users if absent, and deploy the shipped diagrams (idempotent)."""
    agency = db.session.scalar(select(Agency).where(Agency.code == DEMO_AGENCY[0]))
    if agency is None:
        agency = create_agency(*DEMO_AGENCY, PROCEDURES)
        for username, name, roles in DEMO_USERS:
            user = create_user(agency, username, name, roles, DEMO_PASSWORD)
            if username in DEMO_BADGES:  # the roster the task forms offer (执法证号 and validity)
                user.badge_no = DEMO_BADGES[username]
                user.badge_valid_until = clock.local(clock.now()).date().replace(month=12, day=31)
    apply_profile(agency, load_profile(DEMO_AGENCY[0]))  # workflows/profiles/fushun-culture/profile.toml
    _seed_justice(agency)
    db.session.commit()
    return agency


def _seed_justice(supervised: Agency) -> None:
    """The 司法局 (no procedures of its own) and its supervisor, who sees the demo agency's figures only."""
    if db.session.scalar(select(Agency).where(Agency.code == DEMO_JUSTICE[0])) is not None:
        return
    justice = create_agency(*DEMO_JUSTICE)
    justice.profile = {"procedures": []}
    user = create_user(justice, *DEMO_JUDICIAL, DEMO_PASSWORD)
    assign(user, supervised, "演示：司法局对本县行政执法机关全过程记录工作的监督（lishui-city 第五条）")
