"""The names of audit-chain entries and their Chinese titles: one vocabulary for writers and readers.

Every ``audit.append`` names one of these, so a page, a report or a supervisor's export can title any
entry the chain holds (行政执法全过程记录: each act leaves a trace a reader understands).
"""
from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    AGENCY_CREATED = "agency.created"
    AGENCY_PROFILE_CHANGED = "agency.profile_changed"
    PROFILE_APPLIED = "profile.applied"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_SIGNED_IN = "user.signed_in"
    USER_SIGNED_OUT = "user.signed_out"
    LOGIN_FAILED = "user.login_failed"
    ACCOUNT_LOCKED = "user.locked"
    LOGIN_REFUSED_LOCKED = "user.login_refused_locked"
    PASSWORD_CHANGED = "user.password_changed"
    SESSION_REVOKED = "user.session_revoked"
    CASE_CREATED = "case.created"
    RECORD_ADDED = "record.added"
    TASK_COMPLETED = "task.completed"
    DEADLINE_OVERDUE = "deadline.overdue"
    FILE_UPLOADED = "file.uploaded"
    FILE_ACCESSED = "file.accessed"
    FILE_DISPOSED = "file.disposed"
    DIAGRAM_DEPLOYED = "diagram.deployed"
    COMPLIANCE_EXCEPTION_GRANT = "compliance.exception_grant"
    COMPLIANCE_EXCEPTION_REVOKE = "compliance.exception_revoke"
    DOCUMENT_RENDERED = "document.rendered"
    DOCUMENT_DOWNLOADED = "document.downloaded"
    SENDING_FAILED = "outbox.sending_failed"
    MEDIA_UPLOADED = "media.uploaded"
    MEDIA_UPLOAD_EXPIRED = "media.upload_expired"
    MEDIA_EXPLAINED = "media.explained"
    MEDIA_HELD = "media.held"
    MEDIA_VIEWED = "media.viewed"
    MEDIA_DOWNLOADED = "media.downloaded"
    MEDIA_REQUESTED = "media.requested"
    MEDIA_REQUEST_DECIDED = "media.request_decided"
    MEDIA_EXPORTED = "media.exported"
    MEDIA_EXPORT_DOWNLOADED = "media.export_downloaded"
    SPOT_CHECK_RECORDED = "spot_check.recorded"
    SUPERVISION_SCOPE_GRANTED = "supervision.scope_granted"
    SUPERVISION_SCOPE_REVOKED = "supervision.scope_revoked"
    SUPERVISION_EXPORTED = "supervision.exported"
    INTEGRITY_CHECKED = "integrity.checked"
    AUDIT_QUARANTINED = "audit.quarantined"
    AUDIT_REANCHORED = "audit.reanchored"

    @property
    def chinese(self) -> str:
        return TITLES[self]


TITLES: dict[Action, str] = {
    Action.AGENCY_CREATED: "设立机构", Action.AGENCY_PROFILE_CHANGED: "修改机构配置",
    Action.PROFILE_APPLIED: "应用机构配置", Action.USER_CREATED: "新建用户", Action.USER_UPDATED: "修改用户",
    Action.USER_SIGNED_IN: "登录", Action.USER_SIGNED_OUT: "退出登录", Action.LOGIN_FAILED: "登录失败",
    Action.ACCOUNT_LOCKED: "账号因连续登录失败被锁定", Action.LOGIN_REFUSED_LOCKED: "锁定期间尝试登录",
    Action.PASSWORD_CHANGED: "修改密码", Action.SESSION_REVOKED: "注销登录设备（令牌）",
    Action.CASE_CREATED: "启动案件", Action.RECORD_ADDED: "添加记录",
    Action.TASK_COMPLETED: "办结任务", Action.DEADLINE_OVERDUE: "期限届满未办结",
    Action.FILE_UPLOADED: "上传文件", Action.FILE_ACCESSED: "查阅文件", Action.FILE_DISPOSED: "销毁文件",
    Action.DIAGRAM_DEPLOYED: "部署流程图", Action.COMPLIANCE_EXCEPTION_GRANT: "登记合规例外",
    Action.COMPLIANCE_EXCEPTION_REVOKE: "撤销合规例外", Action.DOCUMENT_RENDERED: "生成文书",
    Action.SENDING_FAILED: "电子送达发送未成功",
    Action.DOCUMENT_DOWNLOADED: "下载文书", Action.MEDIA_UPLOADED: "上传音像记录",
    Action.MEDIA_UPLOAD_EXPIRED: "音像上传过期", Action.MEDIA_EXPLAINED: "说明音像记录中断或缺失",
    Action.MEDIA_HELD: "音像记录转为长期保存", Action.MEDIA_VIEWED: "查阅音像记录",
    Action.MEDIA_DOWNLOADED: "下载音像记录", Action.MEDIA_REQUESTED: "申请查阅或复制音像记录",
    Action.MEDIA_REQUEST_DECIDED: "审批查阅或复制申请", Action.MEDIA_EXPORTED: "导出音像记录",
    Action.MEDIA_EXPORT_DOWNLOADED: "下载导出包", Action.SPOT_CHECK_RECORDED: "登记抽查",
    Action.SUPERVISION_SCOPE_GRANTED: "授予监督范围", Action.SUPERVISION_SCOPE_REVOKED: "撤销监督范围",
    Action.SUPERVISION_EXPORTED: "导出监督报表", Action.INTEGRITY_CHECKED: "完整性校验",
    Action.AUDIT_QUARANTINED: "隔离审计链中的异常条目", Action.AUDIT_REANCHORED: "审计链受损后重新锚定",
}


def title_of(action: str) -> str:
    """The Chinese title of a stored action name (an unknown name is shown as it is, never hidden)."""
    try:
        return Action(action).chinese
    except ValueError:
        return action
