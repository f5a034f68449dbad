"""The dry run: the real engine walks a diagram version to an end on every path before it is stored.

Pure (no database): throw-away SpiffWorkflow instances with the safe condition engine the runner uses.
The walk is systematic, not random, so a fault on a deep branch (a check after 实施查封、扣押, behind
four choices) is found at save, not by the first case that takes it:

- a *decision* is where a choice changes the path: a gateway about to read a field nobody has chosen
  yet (the engine stops before it), a ready user task, a boundary timer that may fire.  At a gateway
  every value of the field it reads is tried, in the order its conditions read them — the values the
  record's schema allows, or for a free field the constants the conditions compare it with and one
  more — so each outgoing flow of each gateway is taken.  A task completes with its records' usual
  data; the fields it writes stay unchosen until a gateway reads them, so a choice made early and read
  late (the enforcement method, read after the whole 送达) does not multiply what lies in between;
- the search keeps one snapshot of the engine per decision (a deep copy sharing the specs) and takes
  each other choice from it;
- a *state* is what can still change the case's future: the unfinished tasks, each keyed by its call
  context as :func:`handlers.law.proof.compose` keys it (the call activities leading to it), with the
  fields a condition may still read before a task rewrites them (a liveness analysis of the composed
  graph) and the fields still unchosen.  A state met before is not walked again: branches that rejoin
  are walked once, and loops are bounded by the data, not by a step count;
- an exception on any path refuses the version naming the element; so does a cycle of states from
  which no path ends (a loop with no way out) and a join that waits for a branch that never comes.

The walk reports what it reached (user tasks and end events, keyed as the composed graph keys them),
so its coverage is checked against the diagram (tests/handlers/test_proof.py).
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from marshmallow import fields, validate
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from handlers.catalogue import CATALOGUE
from handlers.conditions import ConditionEngine, UnsafeExpression, check
from handlers.law.props import split_list

#: states walked per procedure at most: beyond, the paths are too many to prove while a designer waits
MAX_STATES = 3000
SAMPLE_MOMENT = "2026-03-02T10:00:00+08:00"
#: a boundary timer fired by the dry run is due at this moment (long past)
FIRED = "2000-01-01T00:00:00+00:00"
#: data every case starts with (``webapp.cases.service.create_case``) and the values it can take
INITIAL: dict[str, list[Any]] = {"emergency": [False, True]}
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_NAMES = frozenset({"True", "False", "None"})
#: what a condition reads: (record kind, field), or (name, None) for a name read whole
Read = tuple[str, str | None]


@dataclass(frozen=True)
class Fault:
    element: str
    name: str
    message: str

    def text(self) -> str:
        return f"{self.name}（{self.element}）：{self.message}" if self.name else f"{self.element}：{self.message}"

    def to_json(self) -> dict[str, str]:
        return {"element": f"{self.name}（{self.element}）" if self.name else self.element,
                "element_id": self.element, "message": "试运行：" + self.message, "text": "试运行：" + self.text()}


def values(field: Any) -> list[Any]:
    """Every value a condition can distinguish for a record field (the first is the usual one)."""
    if isinstance(field, fields.Boolean):
        return [False, True]
    if isinstance(field, fields.List):
        return [[v] for v in values(field.inner)] or [["样例"]]
    checks = field.validate if isinstance(field.validate, list) else [field.validate] if field.validate else []
    for check_ in checks:
        if isinstance(check_, validate.OneOf):
            return list(check_.choices)
    if isinstance(field, (fields.DateTime, fields.Date)):
        return [SAMPLE_MOMENT]
    if isinstance(field, (fields.Integer, fields.Decimal, fields.Float)):
        return [1]
    return ["样例"]


def _bounded(field: Any) -> bool:
    """Whether the schema alone lists the field's values (a condition's other constants are then unreachable)."""
    inner = field.inner if isinstance(field, fields.List) else field
    checks = inner.validate if isinstance(inner.validate, list) else [inner.validate] if inner.validate else []
    return isinstance(inner, fields.Boolean) or any(isinstance(c, validate.OneOf) for c in checks)


# --- the composed graph, from the engine's own specs -------------------------------------------------------


@dataclass
class Model:
    """What the dry run needs to know of the composed diagram, keyed as :func:`handlers.law.proof.compose` keys it:
    the call activities' ids leading to an element, each followed by ``/``, then the element's id."""

    succ: dict[str, list[str]] = field(default_factory=dict)
    #: (record kind, field) a node's conditions or timer read; (name, None): a name read whole
    at: dict[str, set[tuple[str, str | None]]] = field(default_factory=dict)
    writes: dict[str, frozenset[str]] = field(default_factory=dict)  # variables a user task's records export
    tasks: set[str] = field(default_factory=set)  # user tasks
    ends: set[str] = field(default_factory=set)  # end events
    #: (record kind, field) → the constants conditions compare it with
    constants: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    fields: set[tuple[str, str]] = field(default_factory=set)  # (record kind, field) a condition reads
    #: variables read whole (``kind`` rather than ``kind.field``)
    whole: set[str] = field(default_factory=set)
    #: the fields live on entry to a node: read on some path from it before a task rewrites them
    live: dict[str, frozenset[Read]] = field(default_factory=dict)

    gates: dict[str, tuple[Read, ...]] = field(default_factory=dict)  # a gateway's reads, in the order written
    _soon: dict[str, frozenset[tuple[str, str | None]]] = field(default_factory=dict)

    def live_after(self, key: str) -> frozenset[Read]:
        return frozenset().union(*(self.live.get(s, frozenset()) for s in self.succ.get(key, ())))

    def soon(self, key: str) -> frozenset[tuple[str, str | None]]:
        """What the engine may read right after ``key`` completes, on the way to the next user tasks, other
        than at a gateway (a step stops before a gateway that reads a field still unchosen)."""
        if key not in self._soon:
            found: set[tuple[str, str | None]] = set()
            seen: set[str] = set()
            todo = list(self.succ.get(key, ()))
            while todo:
                k = todo.pop()
                if k in seen or k in self.tasks:
                    continue
                seen.add(k)
                found |= set() if k in self.gates else self.at.get(k, set())
                todo.extend(self.succ.get(k, ()))
            self._soon[key] = frozenset(found)
        return self._soon[key]


def exported(ts: Any) -> tuple[str, ...]:
    """The record kinds a user task exports to the workflow data (the variables it writes)."""
    records = split_list((ts.extensions or {}).get("properties", {}).get("records"))
    return tuple(k for k in records if (rk := CATALOGUE.get(k)) is not None and rk.exports)


def model(spec: Any, subprocess_specs: Mapping[str, Any]) -> Model:
    """The composed graph of ``spec`` (each call activity inlined as its own copy) and its liveness."""
    m = Model()
    _inline(m, {spec.name: spec, **subprocess_specs}, spec.name, "", ())
    _liveness(m)
    return m


def _inline(m: Model, specs: Mapping[str, Any], pid: str, prefix: str, stack: tuple[str, ...]) -> None:
    for name, ts in specs[pid].task_specs.items():
        key = prefix + name
        m.succ[key] = [prefix + o.name for o in ts.outputs]
        m.at[key] = set()
        for cond, _ in getattr(ts, "cond_task_specs", ()) or ():
            if cond is not None:
                _read(m, key, str(cond.args[0]))
                m.gates[key] = tuple(dict.fromkeys((*m.gates.get(key, ()), *_pairs(str(cond.args[0])))))
        definition = getattr(ts, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            _read(m, key, str(definition.expression))
        if isinstance(ts, UserTask):
            m.tasks.add(key)
            m.writes[key] = frozenset(exported(ts))
        elif isinstance(ts, EndEvent):
            m.ends.add(key)
        elif isinstance(ts, SubWorkflowTask) and ts.spec in specs and ts.spec not in stack:
            _inline(m, specs, ts.spec, key + "/", (*stack, pid))
            m.succ[key + "#"], m.succ[key] = m.succ[key], [key + "/Start"]
            m.succ[key + "/End"] = [key + "#"]


@lru_cache(maxsize=4096)
def _pairs(expression: str) -> tuple[Read, ...]:
    """The (record kind, field) pairs an expression reads; (name, None) for a name read whole."""
    try:
        tree = check(expression)
    except UnsafeExpression:
        return ()
    field_of = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute | ast.Subscript)}
    found: dict[Read, None] = {}
    for n in ast.walk(tree):  # in the order written, as the evaluator meets them
        if (f := _field(n)) is not None:
            found[f] = None
        elif isinstance(n, ast.Name) and id(n) not in field_of and n.id not in _NAMES:
            found[n.id, None] = None
    return tuple(found)


def _read(m: Model, key: str, expression: str) -> None:
    """Note what ``expression`` reads at ``key`` and the constants it compares fields with."""
    try:
        tree = check(expression)
    except UnsafeExpression:
        return  # the engine refuses it when it gets there; the static proof names it
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            _compared(m, [node.left, *node.comparators], node.ops)
    pairs = _pairs(expression)
    m.fields |= {(k, f) for k, f in pairs if f is not None}
    m.whole |= {k for k, f in pairs if f is None}
    m.at[key] |= set(pairs)


def _field(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id, node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant):
        return node.value.id, str(node.slice.value)
    return None


def _constants(node: ast.AST) -> list[Any]:
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []


def _compared(m: Model, operands: list[ast.AST], ops: list[ast.cmpop]) -> None:
    """``kind.field == 'x'``, ``kind.field in ['x', 'y']``, ``'x' in kind.field`` (a list field: ``['x']``)."""
    for (left, right), op in zip(zip(operands, operands[1:], strict=False), ops, strict=False):
        for here, there in ((left, right), (right, left)):
            target = _field(here)
            if target is None:
                continue
            found = _constants(there)
            if isinstance(op, ast.In | ast.NotIn) and here is right:
                found = [[c] for c in found]  # the constant is looked for in the field: a list holding it
            have = m.constants.setdefault(target, [])
            have += [c for c in found if c not in have]


def _liveness(m: Model) -> None:
    """The fields live on entry to each node (a may-analysis backwards; a task's record rewrites its fields)."""
    preds: dict[str, list[str]] = {k: [] for k in m.succ}
    for k, out in m.succ.items():
        for s in out:
            preds.setdefault(s, []).append(k)
    m.live = {k: frozenset(m.at.get(k, ())) for k in m.succ}
    todo = list(m.succ)
    while todo:
        k = todo.pop()
        written = m.writes.get(k, frozenset())
        new = frozenset(m.at.get(k, ())) | {r for r in m.live_after(k) if r[0] not in written}
        if new != m.live[k]:
            m.live[k] = new
            todo.extend(preds.get(k, ()))


# --- the walk ------------------------------------------------------------------------------------------------

Sig = tuple[Any, ...]
#: a record field whose value is chosen when a step first reads it: (record kind, field), or (name, None)
#: for the data a case starts with
Pending = Read
_END, _FAULT = "end", "fault"


class _Recorder(ConditionEngine):
    """The runner's safe evaluator, noting which record fields the engine reads (a step's real reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.read: dict[Read, None] = {}  # in the order read

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        self.read.update(dict.fromkeys(_pairs(expression)))
        return super().evaluate(task, expression, external_context)


class _Pause(Exception):  # noqa: N818 - not an error: the engine stops before a gateway to branch there
    def __init__(self, task: Any) -> None:
        super().__init__(task.task_spec.name)
        self.task = task


@dataclass(frozen=True)
class Action:
    """What a decision does: start the case, complete a user task or fire a boundary timer (``kind``), with
    ``data``, the ``values`` chosen for fields this step reads, and the fields (``later``) still unchosen."""

    kind: str
    task: Any
    data: dict[str, Any]
    values: tuple[tuple[Pending, Any], ...] = ()
    later: frozenset[Pending] = frozenset()


@dataclass
class Walk:
    """What the dry run found (faults) and reached, keyed as the composed graph keys elements."""

    faults: list[Fault] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)  # user tasks completed on some path
    ends: set[str] = field(default_factory=set)  # end events reached on some path
    tasks: frozenset[str] = frozenset()  # every user task of the composed diagram
    all_ends: frozenset[str] = frozenset()  # every end event of the composed diagram
    states: int = 0
    copies: int = 0
    steps: int = 0


@dataclass
class _Branch:
    """A decision's untried actions and the one snapshot of the engine they start from."""

    snapshot: BpmnWorkflow
    origin: Sig
    pending: list[Action]
    open: bool = True  # more actions may be found (a step may read a field still unchosen)


class _Explorer:
    """Walks every path of one version: depth first, a snapshot per decision, each state once.

    A field a task exports that some condition reads is *pending* until read: the engine stops before a
    gateway that reads one, and its values are tried there.  A read elsewhere (a timer's expression) is
    seen by the recording evaluator after the step, and the other values are then tried from the step's
    snapshot."""

    def __init__(self, spec: Any, subprocess_specs: Mapping[str, Any]) -> None:
        self.spec, self.subs = spec, dict(subprocess_specs)
        self.m = model(spec, subprocess_specs)
        self.engine = _Recorder()
        shared: list[Any] = [self.engine, spec, *self.subs.values()]
        shared += [ts for s in (spec, *self.subs.values()) for ts in s.task_specs.values()]
        self.memo = {id(x): x for x in shared}  # the specs are read-only: every copy shares them
        self.prefixes: dict[Any, str] = {}
        self.schemas: dict[str, Any] = {}
        self.initial: dict[str, list[Any]] = INITIAL
        self.seen: dict[Sig, Any] = {}  # state → the task it decides at (to name a loop)
        self.edges: dict[Sig | str, set[Sig | str]] = {}
        self.walk = Walk(tasks=frozenset(self.m.tasks), all_ends=frozenset(self.m.ends))
        self.faults: dict[tuple[str, str], Fault] = {}

    # keys and states

    def key(self, task: Any) -> str:
        return self.prefix(task.workflow) + str(task.task_spec.name)

    def prefix(self, workflow: Any) -> str:
        """The call activities leading to a (sub)workflow, as the composed graph keys them."""
        parent_id = getattr(workflow, "parent_task_id", None)
        if parent_id is None:
            return ""
        if parent_id not in self.prefixes:
            parent = workflow.top_workflow.get_task_from_id(parent_id)
            self.prefixes[parent_id] = self.prefix(parent.workflow) + parent.task_spec.name + "/"
        return self.prefixes[parent_id]

    def tasks(self, wf: BpmnWorkflow, state: int) -> Iterator[Any]:
        for w in (wf, *wf.subprocesses.values()):
            yield from (t for t in w.tasks.values() if t.state & state)

    def state(self, wf: BpmnWorkflow) -> tuple[Sig, list[Any], list[Any]]:
        """The state (unfinished tasks with the data they may still read), the ready user tasks, the armed timers."""
        sig, ready, timers = [], [], []
        alive: set[Read] = set()
        for t in self.tasks(wf, _ACTIVE):
            if _timer(t):
                if t.state == TaskState.WAITING:
                    timers.append(t)
                continue  # fired or not, a timer changes nothing else: its branch is walked once, from here
            if isinstance(t.task_spec, _EndJoin):
                continue  # waiting because a fired timer's branch ended first: the case goes on the same
            k = self.key(t)
            if t.state == TaskState.READY and t.task_spec.manual:
                ready.append((k, t))
            # a running call activity's data is replaced by its subprocess's when it ends: only its place counts
            live = frozenset() if t.id in wf.subprocesses else self.m.live.get(k, frozenset())
            alive |= self.m.live.get(k, frozenset())
            sources = [t.data, *_merged(t)] if t.state == TaskState.WAITING else [t.data]
            sig.append((k, t.state, tuple(_value(d, r) for d in sources for r in sorted(live, key=str))))
        ready.sort(key=lambda kt: kt[0])
        # a field no step can read any more is forgotten: it must not tell states apart
        wf.liuhen_deferred = frozenset(p for p in getattr(wf, "liuhen_deferred", ())
                                       if p in alive or (p[0], None) in alive)
        return (tuple(sorted(wf.liuhen_deferred)), *sorted(sig)), [t for _, t in ready], timers

    # decisions

    def actions(self, wf: BpmnWorkflow, ready: list[Any], timers: list[Any]) -> list[Action]:
        """The next decision: the first ready task (in key order) completing with its usual data, and each
        armed timer firing; the fields it writes that a condition reads are pending, chosen when read."""
        out: list[Action] = []
        deferred: frozenset[Pending] = getattr(wf, "liuhen_deferred", frozenset())
        if ready:
            task = ready[0]
            kinds = exported(task.task_spec)
            live = self.m.live_after(self.key(task))
            written = {(k, n) for k in kinds for n in CATALOGUE[k].exports
                       if ((k, n) in live or (k, None) in live) and len(self.field_options(k, n)) > 1}
            later = frozenset({p for p in deferred if p[0] not in kinds} | written)
            out.append(Action("task", task.id, self.defaults(kinds), later=later))
        return out + [Action("timer", t.id, {}, later=deferred) for t in timers]

    def defaults(self, kinds: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The data a task's records export, each field with its usual value."""
        return {k: {n: self.field_options(k, n)[0] for n in CATALOGUE[k].exports} for k in kinds}

    def field_options(self, kind: str, name: str | None) -> list[Any]:
        """The values of a field a condition can tell apart: all its schema allows, or the constants
        conditions compare it with and one value besides (the first: its usual value)."""
        if name is None:
            return self.initial.get(kind, [None])
        schema = self.schemas.get(kind)
        if schema is None:
            schema = self.schemas[kind] = CATALOGUE[kind].schema()
        f = schema.fields.get(name)
        base = values(f) if f is not None else ["样例"]
        if f is not None and _bounded(f):
            if isinstance(f, fields.List) and len(base) > 1:
                return [*base, [v[0] for v in base]]  # each choice alone, then all of them at once
            return base
        found = self.m.constants.get((kind, name), [])
        return [*found, *(b for b in base if b not in found)]

    def may_read(self, wf: BpmnWorkflow, action: Action) -> bool:
        """Whether the step may read a pending field (by the composed graph): its snapshot must then be kept."""
        if action.kind == "start" or not action.later:
            return False
        task = wf.get_task_from_id(action.task)
        soon = self.m.soon(self.key(task))
        return any(p in soon or (p[0], None) in soon for p in action.later)

    def found(self, action: Action, read: Iterable[Read]) -> tuple[list[Action], frozenset[Pending]]:
        """The other choices a step's reads call for, and the fields still pending after it.

        The pending fields it read are taken in the order read: each other value of the first (the later
        ones still pending, so a branch that no longer reads them does not multiply by them), then each
        other value of the second with the first at its usual value, and so on."""
        now: list[Pending] = []
        for r in read:
            now += [p for p in sorted(action.later) if p not in now and (p == r or r == (p[0], None))]
        out, fixed = [], action.values
        for i, p in enumerate(now):
            options = self.field_options(*p)
            later = action.later - set(now[: i + 1])
            out += [Action(action.kind, action.task, action.data, (*fixed, (p, v)), later) for v in options[1:]]
            fixed = (*fixed, (p, options[0]))
        return out, action.later - set(now)

    def apply(self, wf: BpmnWorkflow, action: Action) -> None:
        """Take ``action``; the engine then runs until user tasks are ready, or stops (:class:`_Pause`) before
        a gateway that reads a field still unchosen."""
        wf.liuhen_deferred, wf.liuhen_paused = action.later, None
        if action.kind == "start":
            for t in wf.get_tasks(state=TaskState.READY):
                t.data.update(copy.deepcopy(action.data))
            wf.do_engine_steps(will_complete_task=lambda t: self.stop_before(wf, t))
            return
        task = wf.get_task_from_id(action.task)
        data = copy.deepcopy(action.data)
        for (kind, name), value in action.values:  # a value chosen where a step first reads it
            if name is None:
                data[kind] = copy.deepcopy(value)
            elif kind in data:
                data[kind][name] = copy.deepcopy(value)
            elif isinstance(task.data.get(kind), dict):
                data[kind] = {**task.data[kind], name: copy.deepcopy(value)}
        if action.kind == "timer":
            task.data.update(data)
            task._set_internal_data(event_value=FIRED)
            wf.refresh_timers()
        elif action.kind == "resume":
            task.data.update(data)
        else:
            self.walk.reached.add(self.key(task))
            task.set_data(**data)
            task.run()
        wf.do_engine_steps(will_complete_task=lambda t: self.stop_before(wf, t))

    def stop_before(self, wf: BpmnWorkflow, task: Any) -> None:
        """Stop the engine before a gateway that reads a field still unchosen: its values are the next decision."""
        reads = self.m.gates.get(self.key(task))
        if reads and self.waiting(wf, reads):
            raise _Pause(task)

    def waiting(self, wf: BpmnWorkflow, reads: Iterable[Read]) -> list[Pending]:
        """The unchosen fields among ``reads``, in the order read."""
        pending = wf.liuhen_deferred
        return [p for r in reads for p in sorted(pending) if p == r or r == (p[0], None)]

    def resume(self, wf: BpmnWorkflow, gate: Any) -> list[Action]:
        """At a gateway the engine stopped before: each value of the first unchosen field it reads."""
        first = self.waiting(wf, self.m.gates[self.key(gate)])[0]
        later = wf.liuhen_deferred - {first}
        return [Action("resume", gate.id, {}, ((first, v),), later) for v in self.field_options(*first)]

    # the search

    def copy(self, wf: BpmnWorkflow) -> BpmnWorkflow:
        """A deep copy sharing what never changes: the specs, and the task ids (immutable, and many)."""
        self.walk.copies += 1
        memo = dict(self.memo)
        for w in (wf, *wf.subprocesses.values()):
            for t in w.tasks.values():
                if _spent(t, w):
                    t.data = {}
                memo[id(t.id)] = t.id
                memo.update((id(c), c) for c in t._children)
                if t._parent is not None:
                    memo[id(t._parent)] = t._parent
        return copy.deepcopy(wf, memo)

    def run(self, initial: dict[str, list[Any]]) -> Walk:
        self.initial = initial
        start = Action("start", None, {n: v[0] for n, v in initial.items()},
                       later=frozenset((n, None) for n, v in initial.items() if len(v) > 1))
        first = BpmnWorkflow(self.spec, self.subs, script_engine=self.engine)
        stack: list[_Branch] = [_Branch(first, (), [start], open=False)]
        while stack:
            branch = stack[-1]
            if not branch.pending:
                stack.pop()
                continue
            action = branch.pending.pop(0)
            keep = branch.pending or branch.open and self.may_read(branch.snapshot, action)
            if not keep:
                stack.pop()
            if len(self.seen) >= MAX_STATES:
                self.fault(self.spec.name, "", f"试运行走过 {MAX_STATES} 个不同状态仍有路径未走完：分支组合过多，请简化流程")
                break
            self.line(self.copy(branch.snapshot) if keep else branch.snapshot, branch, action, stack)
        if len(self.seen) < MAX_STATES:  # an early stop says nothing of the states not walked
            self.loops()
        self.walk.states = len(self.seen)
        self.walk.faults = list(self.faults.values())
        return self.walk

    def line(self, wf: BpmnWorkflow, branch: _Branch, action: Action, stack: list[_Branch]) -> None:
        """Walk from ``branch``'s state taking ``action``, then each decision's first choice, until a state
        met before (or an end, or a fault)."""
        origin = branch.origin
        while True:
            self.engine.read.clear()
            if not self.step(wf, origin, action):
                break
            more, wf.liuhen_deferred = self.found(action, self.engine.read)
            branch.pending += more
            sig, ready, timers = self.state(wf)
            self.edges.setdefault(origin, set()).add(sig)
            if sig in self.seen:
                break
            gate = wf.get_task_from_id(wf.liuhen_paused) if wf.liuhen_paused is not None else None
            self.seen[sig] = gate or (ready[0] if ready else None)
            actions = self.resume(wf, gate) if gate is not None else self.actions(wf, ready, timers)
            if not actions:
                self.stopped(wf, sig)
                break
            if len(actions) > 1 or self.may_read(wf, actions[0]):
                branch = _Branch(self.copy(wf), sig, actions[1:])
                stack.append(branch)
            origin, action = sig, actions[0]
        self.walk.ends |= {self.key(t) for t in self.tasks(wf, TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)}

    def step(self, wf: BpmnWorkflow, origin: Sig, action: Action) -> bool:
        """Take ``action``; a fault it raises is recorded (its path ends there)."""
        self.walk.steps += 1
        try:
            self.apply(wf, action)
            return True
        except _Pause as stop:
            wf.liuhen_paused = stop.task.id
            return True
        except SpiffWorkflowException as exc:
            ts = getattr(getattr(exc, "task", None), "task_spec", None) or self.task_spec(wf, action)
            self.fault(getattr(ts, "name", self.spec.name), getattr(ts, "bpmn_name", "") or "",
                       f"流程无法继续执行：{exc}")
        except Exception as exc:  # noqa: BLE001 - the engine raises plain errors too (a malformed timer value)
            ts = self.task_spec(wf, action)
            self.fault(getattr(ts, "name", self.spec.name), getattr(ts, "bpmn_name", "") or "",
                       f"流程无法继续执行：{type(exc).__name__}: {exc}")
        self.edges.setdefault(origin, set()).add(_FAULT)
        return False

    def task_spec(self, wf: BpmnWorkflow, action: Action) -> Any:
        task = wf.get_task_from_id(action.task) if action.task is not None else None
        return task.task_spec if task is not None else None

    def stopped(self, wf: BpmnWorkflow, sig: Sig) -> None:
        """No decision left: an end, a wait for something outside the case (an event), or a join waiting for ever."""
        waiting = [t for t in self.tasks(wf, TaskState.WAITING) if not isinstance(t.task_spec, _EndJoin)]
        if wf.is_completed() or any(getattr(t.task_spec, "event_definition", None) is not None for t in waiting):
            self.edges.setdefault(sig, set()).add(_END)
            return
        if waiting:
            ts = waiting[0].task_spec
            self.fault(ts.name, ts.bpmn_name or "", "试运行停在此汇聚网关：它等待的分支永远不会到达，流程无法结束")
        else:
            self.fault(self.spec.name, "", "试运行未能到达结束事件")
        self.edges.setdefault(sig, set()).add(_FAULT)

    def loops(self) -> None:
        """A cycle of states from which no path reaches an end (nor a fault already named) is a loop with no
        way out: each decision on it is named (the states leading into it are not)."""
        back: dict[Sig | str, list[Sig | str]] = {}
        for src, dsts in self.edges.items():
            for d in dsts:
                back.setdefault(d, []).append(src)
        done: set[Sig | str] = set()
        todo: list[Sig | str] = [_END, _FAULT]
        while todo:
            k = todo.pop()
            if k not in done:
                done.add(k)
                todo.extend(back.get(k, ()))
        stuck = {sig for sig in self.seen if sig not in done}
        for sig in _cyclic(stuck, self.edges):
            task = self.seen[sig]
            ts = task.task_spec if task is not None else None
            self.fault(getattr(ts, "name", self.spec.name), getattr(ts, "bpmn_name", "") or "",
                       "试运行发现无法离开的循环：从此处出发的任何路径都到不了结束事件")

    def fault(self, element: str, name: str, message: str) -> None:
        self.faults.setdefault((element, message), Fault(element, name, message))


def _cyclic(nodes: set[Any], edges: Mapping[Any, Iterable[Any]]) -> list[Any]:
    """The nodes lying on a cycle within ``nodes`` (Kosaraju's strongly connected components, iteratively)."""
    order: list[Any] = []
    seen: set[Any] = set()
    for root in nodes:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            node, it = stack[-1]
            nxt = next((w for w in it if w in nodes and w not in seen), None)
            if nxt is None:
                stack.pop()
                order.append(node)
            else:
                seen.add(nxt)
                stack.append((nxt, iter(edges.get(nxt, ()))))
    back: dict[Any, list[Any]] = {}
    for v in nodes:
        for w in edges.get(v, ()):
            if w in nodes:
                back.setdefault(w, []).append(v)
    out, placed = [], set()
    for v in reversed(order):
        if v in placed:
            continue
        members, todo = [v], [v]
        placed.add(v)
        while todo:
            for u in back.get(todo.pop(), ()):
                if u not in placed:
                    placed.add(u)
                    members.append(u)
                    todo.append(u)
        if len(members) > 1 or v in edges.get(v, ()):
            out += members
    return out


def _merged(join: Any) -> list[Mapping[str, Any]]:
    """What a waiting join will merge besides its own data: the data before each branch that reached it."""
    if not isinstance(join.task_spec, Join):
        return []
    return [t.parent.data for t in join.workflow.tasks.values()
            if t.task_spec is join.task_spec and t is not join and t.has_state(TaskState.FINISHED_MASK)]


def _value(data: Mapping[str, Any], read: Read) -> str:
    entry = data.get(read[0])
    return repr(entry.get(read[1]) if read[1] is not None and isinstance(entry, dict) else entry)


def _spent(task: Any, workflow: Any) -> bool:
    """A finished task whose data no step reads again: every child took its copy and none is a join (a join
    merges its inputs' parents' data) and it is not the last task of its (sub)workflow (a subprocess hands that
    one's data back to its call activity).  Emptying it keeps a snapshot small."""
    return task.state == TaskState.COMPLETED and bool(task._children) and task is not workflow.last_task and all(
        c.state == TaskState.COMPLETED and not isinstance(c.task_spec, Join) for c in task.children)


def _timer(task: Any) -> bool:
    return isinstance(task.task_spec, BoundaryEvent) and isinstance(
        getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def explore(spec: Any, subprocess_specs: Mapping[str, Any], initial: dict[str, Any] | None = None) -> Walk:
    """Walk every path of the version (see the module's docstring); ``initial``: the case's starting data."""
    start = {k: [v] for k, v in initial.items()} if initial is not None else INITIAL
    return _Explorer(spec, subprocess_specs).run(start)


def dry_run(spec: Any, subprocess_specs: dict[str, Any], initial: dict[str, Any] | None = None) -> list[Fault]:
    """Faults found walking every path of the version (empty: every path reaches an end)."""
    return explore(spec, subprocess_specs, initial).faults


def unreached(walk: Walk) -> tuple[list[str], list[str]]:
    """The user tasks and end events of the diagram no path reached."""
    return sorted(walk.tasks - walk.reached), sorted(walk.all_ends - walk.ends)
