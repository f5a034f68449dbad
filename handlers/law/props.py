"""Reading a task's extension properties as lists: record kinds (``records``) and articles (``basis``).

Here rather than in :mod:`handlers.task_rules` so the law's readers (the proof) use them without an
import circle; ``task_rules`` re-exports them.
"""
from __future__ import annotations

import re

_SPLIT_LIST = re.compile(r"[,，\s]+")
_SPLIT_BASIS = re.compile(r"[;；]\s*")


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(p for p in _SPLIT_LIST.split(value or "") if p)


def split_basis(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in _SPLIT_BASIS.split(value or "") if p.strip())
