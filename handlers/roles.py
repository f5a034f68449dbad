"""Roles, and the lane names by which diagrams assign tasks to them.

fushun-culture 第三十六条 and lishui-city 第二十四条 name 承办人、审核人、批准人; 法制审核 is the
legal-review role of 行政处罚法 第五十八条; 司法局执法监督 is the 司法局's supervisor (lishui-city
第五条).  A lane's name is what a designer types, so each role accepts its Chinese name and its code.
"""
from __future__ import annotations

ROLES: dict[str, str] = {
    "officer": "承办人",
    "reviewer": "审核人",
    "legal": "法制审核",
    "approver": "负责人",
    "designer": "流程设计",
    "admin": "机构管理员",
    "judicial": "司法局执法监督",  # lishui-city 第五条: sees the figures of the agencies assigned to him, nothing more
}

LANE_ROLES: dict[str, str] = {**{title: code for code, title in ROLES.items()}, **{c: c for c in ROLES}}
#: the roles a role check names, one group per purpose, so each group is written once
TASK_ROLES = ("officer", "reviewer", "legal", "approver")  # work on cases; also who may make 文书
MANAGER_ROLES = ("reviewer", "legal", "approver")  # approve at gateways: the approvals queue
OVERDUE_QUEUE_ROLES = ("reviewer", "legal", "approver", "admin", "supervisor")  # see the agency's overdue queue
SUPERVISION_ROLES = ("admin", "approver", "legal", "reviewer")  # the agency's own supervision figures
COMPLIANCE_ROLES = ("admin", "designer", "approver", "legal")  # the compliance check of the deployed diagrams
EXPORT_APPROVER_ROLES = ("approver", "legal", "reviewer", "admin")  # decide requests for copies of recordings
#: who may read a case of the agency at all (least privilege): a designer sees diagrams only, a 司法局 supervisor
#: figures only (lishui-city 第二十二条 read as 监督检查 of the figures); the administrator sees the case file
CASE_READER_ROLES = ("officer", "reviewer", "legal", "approver", "admin")
#: recordings, 文书 and export packages: those who handle the case, the managers on its path (审核、法制审核、负责人)
#: and its officers (pishan-culture 第十九条（三）: 任何人不得私自复制、转存; 第二十条; naiman-culture 第十二条: 内部资料)
CASE_MATERIAL_BASIS = "pishan-culture 第十九条、第二十条；naiman-culture 第十二条"


def role_of_lane(lane: str | None) -> str | None:
    """The role code a lane name stands for, or ``None`` if the name maps to no task role."""
    role = LANE_ROLES.get((lane or "").strip())
    return role if role in TASK_ROLES else None
