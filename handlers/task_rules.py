"""What a diagram's user task requires, read from its SpiffWorkflow extension properties.

``<spiffworkflow:properties>`` on a user task (DESIGN.md, "The diagram is the contract"):
``records`` (comma-separated kinds), ``av`` (required | optional | none), ``basis`` (articles,
separated by ``；`` or ``;``), optional ``av_basis`` and ``deadline`` (ISO-8601 duration), and
``av_on_refusal`` (required | none): when someone refuses to sign the task's records, an actual A/V
recording is required, a written reason does not suffice (lishui-city 第十三条); and ``act``, the
enforcement act the task performs (:mod:`handlers.law.acts`), which the law's rules target.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handlers.law.acts import act_of
from handlers.law.props import split_basis, split_list

__all__ = ["AV_RULES", "TaskRules", "rules_from_properties", "rules_of", "split_basis", "split_list"]

AV_RULES = ("required", "optional", "none")


@dataclass(frozen=True)
class TaskRules:
    records: tuple[str, ...]
    av: str
    basis: tuple[str, ...]
    av_basis: tuple[str, ...]
    deadline: str | None
    av_on_refusal: str = "none"
    act: str | None = None

    @property
    def av_required(self) -> bool:
        return self.av == "required"



def rules_from_properties(props: Mapping[str, Any], task_id: str = "") -> TaskRules:
    basis = split_basis(props.get("basis"))
    return TaskRules(
        records=split_list(props.get("records")),
        av=(props.get("av") or "none").strip(),
        basis=basis,
        av_basis=split_basis(props.get("av_basis")) or basis,
        deadline=(props.get("deadline") or "").strip() or None,
        av_on_refusal=(props.get("av_on_refusal") or "none").strip(),
        act=act_of(task_id, props),
    )


def rules_of(task_spec: Any) -> TaskRules:
    """Rules of a SpiffWorkflow task spec (``extensions['properties']`` is a dict of strings)."""
    return rules_from_properties(getattr(task_spec, "extensions", {}).get("properties", {}), getattr(task_spec, "name", ""))
