"""The password policy (网络安全等级保护基本要求 GB/T 22239-2019, 身份鉴别: 口令具有复杂度要求并定期更换): pure, so the
sign-in, the administrator's page, the CLI and the user's own change all judge a password the same way."""
from __future__ import annotations

import re
from dataclasses import dataclass

CLASSES = (("小写字母", re.compile(r"[a-z]")), ("大写字母", re.compile(r"[A-Z]")), ("数字", re.compile(r"[0-9]")),
           ("符号", re.compile(r"[^a-zA-Z0-9]")))


@dataclass(frozen=True)
class Policy:
    min_length: int = 10
    min_classes: int = 3
    max_age_days: int = 0  # 0: passwords do not expire

    def problems(self, password: str, username: str) -> list[str]:
        """Everything wrong with ``password`` for ``username``, in Chinese; empty when it may be used."""
        out = []
        if len(password) < self.min_length:
            out.append(f"密码至少 {self.min_length} 个字符")
        present = [title for title, pattern in CLASSES if pattern.search(password)]
        if len(present) < self.min_classes:
            out.append(f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类（现有 {len(present)} 类）")
        if username and username.lower() in password.lower():
            out.append("密码不能包含用户名")
        return out
