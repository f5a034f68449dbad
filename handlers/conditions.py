"""A minimal evaluator for gateway conditions and timer expressions in diagrams.

Diagrams are uploaded by designers, and SpiffWorkflow's default engine runs them with
``eval``/``exec`` and full builtins (shared/notes/spiffworkflow-3.2.md, "Script engine").  This
evaluator accepts only literals, names from task data, ``a.b`` / ``a['b']`` look-ups into dicts,
comparisons, ``and``/``or``/``not`` and arithmetic — no calls, no attribute access on objects, no
imports — so a diagram can branch on recorded decisions and nothing else.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine


class UnsafeExpression(ValueError):
    """The expression uses a construct outside the allowed subset."""


class MissingName(NameError):
    """The expression reads a name that is not in the task data."""


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
    ast.Name, ast.Load, ast.Constant, ast.Attribute, ast.Subscript, ast.List, ast.Tuple, ast.BinOp,
    *_COMPARE, *_BINARY,
)


def check(expression: str) -> ast.Expression:
    """Parse ``expression`` and reject anything outside the subset, naming the construct."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"表达式语法错误：{expression!r}（{exc.msg}）") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise UnsafeExpression(f"表达式中不允许使用 {type(node).__name__}：{expression!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UnsafeExpression(f"表达式中不允许访问下划线属性：{expression!r}")
    return tree


def evaluate(expression: str, data: Mapping[str, Any]) -> Any:
    return _eval(check(expression).body, data)


def _eval(node: ast.AST, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id not in data:
            raise MissingName(f"流程数据中没有 {node.id!r}")
        return data[node.id]
    if isinstance(node, ast.Attribute):
        return _lookup(_eval(node.value, data), node.attr)
    if isinstance(node, ast.Subscript):
        return _lookup(_eval(node.value, data), _eval(node.slice, data))
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(item, data) for item in node.elts]
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, data) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, data)
        return (not value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, data), _eval(node.right, data))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, data)
        for op, right_node in zip(node.ops, node.comparators, strict=False):
            right = _eval(right_node, data)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    raise UnsafeExpression(f"不支持的表达式结构 {type(node).__name__}")


def _lookup(container: Any, key: Any) -> Any:
    if isinstance(container, Mapping):
        if key not in container:
            raise MissingName(f"流程数据中没有字段 {key!r}")
        return container[key]
    if isinstance(container, (list, tuple)) and isinstance(key, int):
        return container[key]
    raise UnsafeExpression(f"只能在记录数据中取字段，不能对 {type(container).__name__} 取 {key!r}")


class ConditionEngine(PythonScriptEngine):  # type: ignore[misc]  # SpiffWorkflow ships no type information
    """SpiffWorkflow script engine that evaluates with :func:`evaluate` and runs no scripts."""

    def validate(self, expression: str) -> None:
        check(expression)

    def evaluate(self, task: Any, expression: str,  # Spiff's signature; its tasks are untyped
                 external_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return evaluate(expression, {**(external_context or {}), **task.data})
        except (UnsafeExpression, MissingName, TypeError, ZeroDivisionError) as exc:
            err = WorkflowTaskException(f"条件表达式 {expression!r} 无法求值：{exc}", task=task, exception=exc)
            # Spiff appends a "did you mean" note that is None when no name is close; str(err) then raised
            # TypeError, and a case stuck at such a gateway answered an HTML 500 instead of its Chinese reason
            err.notes = [n for n in err.notes if n]
            raise err from exc

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> NoReturn:
        raise WorkflowTaskException("本系统不执行图中的脚本；请改用服务任务调用已登记的处理程序", task=task)
