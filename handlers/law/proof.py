"""The deploy-time proof: every rule of an agency's law holds on every path of its composed diagrams.

Pure (no database, no Flask): it reads the BPMN files, inlines every call activity into one graph per
procedure, and runs two must-analyses over it — what has certainly happened before a node on *every*
path into it (records made, data exported to the workflow, acts performed), and what certainly
happens after a node on every path to an end.  With those it checks, before a version is stored:

- each task performing an act a rule targets carries what the rule asks (records, A/V, the period
  with its start and counting), named by the task's ``act`` so renaming a task cannot escape a rule;
- presence and order rules (事先告知 before 决定, 决定 followed by its 送达, 催告 before 强制执行);
- data flow: every condition, on a gateway or on any conditional flow, reads only data exported by
  a record produced upstream on every path, and passes the safe evaluator; no script anywhere.

A finding names the element (id and Chinese name), the rule and its article by real title, and what
to change.  Non-interrupting boundary timers open side branches that record an overdue event; they do
not carry the case to its end, so the "after" analysis ignores them.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

from handlers.catalogue import CATALOGUE
from handlers.conditions import UnsafeExpression, check
from handlers.law.acts import act_of, governs
from handlers.law.cite import Citer
from handlers.law.facts import FACTS
from handlers.law.model import Rule
from handlers.law.periods import Declared, PeriodError, counting_for, parse_period
from handlers.law.props import split_list

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
#: data every case starts with (``webapp.cases.service.create_case``)
INITIAL_DATA = ("emergency",)
_SCRIPTED = ("scriptTask",)
_EXPRESSIONS = ("conditionExpression", "timeDuration", "timeDate", "timeCycle")


@dataclass(frozen=True)
class Finding:
    """One reason a version is refused."""

    element: str
    name: str
    process: str
    rule: str
    article: str
    message: str

    def text(self) -> str:
        where = f"{self.name}（{self.element}）" if self.name else self.element
        cite = f"（{self.article}）" if self.article else ""
        return f"{self.process}/{where}：{self.message}{cite}"

    def to_json(self) -> dict[str, str]:
        """As the designer page lists a problem: the element, then the message with its article."""
        return {"element": f"{self.name}（{self.element}）" if self.name else self.element,
                "element_id": self.element, "name": self.name, "process": self.process, "rule": self.rule,
                "article": self.article, "message": self.message + (f"（{self.article}）" if self.article else ""),
                "text": self.text()}


class ProofFailed(ValueError):
    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__("流程图未通过法定规则校验，未保存：\n" + "\n".join(f"- {f.text()}" for f in findings))
        self.findings = list(findings)


@dataclass
class Node:
    key: str  # unique in the composed graph: the call activities' ids leading here, then the element id
    id: str
    tag: str
    name: str
    process: str
    props: dict[str, str] = field(default_factory=dict)
    side: bool = False  # on a boundary timer's branch

    @cached_property
    def act(self) -> str | None:
        return act_of(self.id, self.props) if self.tag == "userTask" else None

    @cached_property
    def records(self) -> tuple[str, ...]:
        return split_list(self.props.get("records")) if self.tag == "userTask" else ()

    @cached_property
    def gen(self) -> frozenset[str]:
        """What this node establishes for the must/may analyses (the act, the records, their facts and data)."""
        return frozenset(_gen(self))

    def prop(self, name: str, default: str = "none") -> str:
        return (self.props.get(name) or default).strip()


@dataclass
class Edge:
    source: str
    target: str
    flow: str = ""
    condition: str | None = None
    boundary: bool = False


@dataclass
class Graph:
    process: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    #: path analyses of order rules with alternatives, by (entry, direction): made once per graph
    passes: dict[tuple[str, bool], dict[str, bool]] = field(default_factory=dict, repr=False, compare=False)

    def preds(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {k: [] for k in self.nodes}
        for e in self.edges:
            out[e.target].append(e.source)
        return out

    def succs(self, main_only: bool = False) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {k: [] for k in self.nodes}
        for e in self.edges:
            if not (main_only and (e.boundary or self.nodes[e.target].side)):
                out[e.source].append(e.target)
        return out

    def tasks(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.tag == "userTask"]


def _props(el: Any) -> dict[str, str]:
    return {p.get("name"): p.get("value") or "" for p in el.iter(f"{SPIFF}property")}


def processes(sources: Mapping[str, bytes]) -> dict[str, Any]:
    """Every ``<process>`` element of the files, by id."""
    out: dict[str, Any] = {}
    for content in sources.values():
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        for proc in root.iter(f"{BPMN}process"):
            out[proc.get("id")] = proc
    return out


def compose(sources: Mapping[str, bytes], process_id: str) -> Graph:
    """The procedure ``process_id`` with every call activity inlined (each call its own copy)."""
    procs = processes(sources)
    g = Graph(process_id)
    if process_id not in procs:
        g.problems.append(Finding(process_id, "", process_id, "", "", "文件中没有该流程"))
        return g
    entry, exits = _inline(g, procs, process_id, "", ())
    g.starts, g.ends = entry, exits
    _mark_side(g)
    return g


def _inline(g: Graph, procs: Mapping[str, Any], pid: str, prefix: str,
            stack: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Add process ``pid`` under ``prefix``; return its start nodes and its end nodes."""
    proc = procs[pid]
    starts: list[str] = []
    ends: list[str] = []
    calls: dict[str, tuple[list[str], list[str]]] = {}
    boundaries: list[tuple[str, str, etree._Element]] = []
    for el in proc:
        if not isinstance(el.tag, str) or not el.tag.startswith(BPMN):
            continue
        tag = el.tag[len(BPMN):]
        eid = el.get("id")
        if tag in ("sequenceFlow", "laneSet", "documentation", "extensionElements", "textAnnotation",
                   "association", "dataObject", "dataObjectReference", "dataStoreReference"):
            continue
        key = prefix + eid
        g.nodes[key] = Node(key, eid, tag, el.get("name") or "", pid, _props(el))
        if tag in _SCRIPTED or any(el.iter(f"{SPIFF}preScript")) or any(el.iter(f"{SPIFF}postScript")):
            g.problems.append(Finding(eid, el.get("name") or "", pid, "", "", "不允许脚本：请改用已登记的处理程序"))
        for sub in el.iter(*(f"{BPMN}{t}" for t in _EXPRESSIONS[1:])):
            _safe(g, eid, el.get("name") or "", pid, (sub.text or "").strip(), "定时器表达式")
        if tag == "startEvent":
            starts.append(key)
        elif tag == "endEvent":
            ends.append(key)
        elif tag == "callActivity":
            called = el.get("calledElement") or ""
            if called not in procs or called in stack:
                why = "调用的流程不存在" if called not in procs else "调用的流程形成循环"
                g.problems.append(Finding(eid, el.get("name") or "", pid, "", "", f"{why}：{called!r}"))
                continue
            calls[key] = _inline(g, procs, called, key + "/", (*stack, pid))
        elif tag == "boundaryEvent":
            boundaries.append((prefix + (el.get("attachedToRef") or ""), key, el))
    for host, key, el in boundaries:  # the task it is attached to may come later in the file
        if host in g.nodes:
            g.edges.append(Edge(host, key, boundary=True))
        else:
            g.problems.append(Finding(el.get("id") or "", el.get("name") or "", pid, "", "",
                                      f"边界事件附着的任务 {el.get('attachedToRef')!r} 不存在：请删除该边界事件或重新附着"))
    for el in proc.iter(f"{BPMN}sequenceFlow"):
        cond = el.find(f"{BPMN}conditionExpression")
        text = (cond.text or "").strip() if cond is not None else None
        src, tgt = prefix + (el.get("sourceRef") or ""), prefix + (el.get("targetRef") or "")
        if src not in g.nodes or tgt not in g.nodes:
            continue
        g.edges.append(Edge(src, tgt, el.get("id") or "", text or None))
    for key, (sub_starts, sub_ends) in calls.items():
        # the call node is its subprocess's entry; a copy of it (``key#``) is the exit its outgoing flows leave
        node = g.nodes[key]
        exit_key = key + "#"
        g.nodes[exit_key] = Node(exit_key, node.id, "callExit", node.name, pid)
        for e in g.edges:
            if e.source == key and not e.boundary:
                e.source = exit_key
        g.edges += [Edge(key, s) for s in sub_starts] + [Edge(x, exit_key) for x in sub_ends]
    return starts, ends


def _mark_side(g: Graph) -> None:
    """Nodes reachable only through a boundary timer: an overdue branch, not the case's way to its end."""
    succ = g.succs()
    main: set[str] = set()
    todo = list(g.starts)
    boundary = {e.target for e in g.edges if e.boundary}
    while todo:
        k = todo.pop()
        if k in main or k in boundary:
            continue
        main.add(k)
        todo.extend(succ[k])
    for k, n in g.nodes.items():
        n.side = k not in main
    g.ends = [k for k in g.ends if k in main]


def _safe(g: Graph, eid: str, name: str, pid: str, expression: str, what: str) -> ast.Expression | None:
    if not expression:
        return None
    try:
        return check(expression)
    except UnsafeExpression as exc:
        g.problems.append(Finding(eid, name, pid, "", "", f"{what}不安全：{exc}"))
        return None


def _gen(n: Node) -> set[str]:
    out: set[str] = set()
    act = n.act
    if act:
        out.add("act:" + act)
    out |= {"fact:" + name for name, source in FACTS.items() if any(k in source.proofs for k in n.records)}
    for kind in n.records:
        out.add("rec:" + kind)
        rk = CATALOGUE.get(kind)
        for f in (rk.exports if rk else ()):
            out |= {"data:" + kind, f"data:{kind}.{f}"}
    return out


def before(g: Graph) -> dict[str, frozenset[str]]:
    """What has certainly happened when each node is reached, on every path into it (a must-analysis)."""
    preds = g.preds()
    gens = {k: n.gen for k, n in g.nodes.items()}
    initial = frozenset("data:" + d for d in INITIAL_DATA)
    out: dict[str, frozenset[str] | None] = dict.fromkeys(g.nodes)
    into: dict[str, frozenset[str]] = {}
    order = _order(g)
    changed = True
    while changed:
        changed = False
        for k in order:
            if k in g.starts and not preds[k]:
                inn = initial
            else:
                known = [s for p in preds[k] if (s := out[p]) is not None]
                if not known:
                    continue
                parallel = g.nodes[k].tag == "parallelGateway"
                inn = _union(known) if parallel else _meet(known)
            new = inn | gens[k]
            into[k] = inn
            if out[k] != new:
                out[k], changed = new, True
    return into


def possibly_before(g: Graph) -> dict[str, frozenset[str]]:
    """What may have happened when each node is reached, on some path into it (a may-analysis)."""
    preds = g.preds()
    gens = {k: n.gen for k, n in g.nodes.items()}
    out: dict[str, frozenset[str]] = {k: frozenset() for k in g.nodes}
    into: dict[str, frozenset[str]] = {k: frozenset() for k in g.nodes}
    order = _order(g)
    changed = True
    while changed:
        changed = False
        for k in order:
            into[k] = _union([out[p] for p in preds[k]]) if preds[k] else frozenset()
            new = into[k] | gens[k]
            if out[k] != new:
                out[k], changed = new, True
    return into


def after(g: Graph) -> dict[str, frozenset[str]]:
    """What certainly happens after each node on every path to an end (boundary branches left out)."""
    succ = g.succs(main_only=True)
    gens = {k: n.gen for k, n in g.nodes.items()}
    ins: dict[str, frozenset[str] | None] = dict.fromkeys(g.nodes)
    outs: dict[str, frozenset[str]] = {}
    order = list(reversed(_order(g)))
    changed = True
    while changed:
        changed = False
        for k in order:
            if g.nodes[k].side:
                continue
            known = [x for s in succ[k] if (x := ins[s]) is not None]
            if succ[k] and not known:
                continue
            o = _meet(known) if known else frozenset()
            outs[k] = o
            new = o | gens[k]
            if ins[k] != new:
                ins[k], changed = new, True
    return outs


def _meet(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    return frozenset.intersection(*sets)


def _union(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets)


def _order(g: Graph) -> list[str]:
    """Nodes in depth-first order from the starts (fewer passes of the fixed point)."""
    succ = g.succs()
    seen: dict[str, None] = {}
    todo = list(reversed(g.starts))
    while todo:
        k = todo.pop()
        if k in seen:
            continue
        seen[k] = None
        todo.extend(reversed(succ[k]))
    return list(seen) + [k for k in g.nodes if k not in seen]


def reads(tree: ast.Expression) -> list[tuple[str, str | None]]:
    """The (record kind, field) pairs a condition reads; a bare name reads the whole entry."""
    out: list[tuple[str, str | None]] = []
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and id(node) not in inner:
            base = node.value
            inner.add(id(base))
            key = node.attr if isinstance(node, ast.Attribute) else (
                node.slice.value if isinstance(node.slice, ast.Constant) else None)
            if isinstance(base, ast.Name):
                out.append((base.id, str(key) if key is not None else None))
        elif isinstance(node, ast.Name) and id(node) not in inner and node.id not in ("True", "False", "None"):
            out.append((node.id, None))
    return out


def check_data_flow(g: Graph, into: Mapping[str, frozenset[str]]) -> list[Finding]:
    """Every condition reads only data produced upstream on every path into it."""
    out: list[Finding] = []
    for e in g.edges:
        if e.condition is None:
            continue
        src = g.nodes[e.source]
        tree = _safe(g, src.id, src.name, src.process, e.condition, f"顺序流 {e.flow} 的条件")
        if tree is None or e.source not in into:
            continue
        have = into[e.source] | _gen(src)
        for kind, name in reads(tree):
            need = f"data:{kind}.{name}" if name else f"data:{kind}"
            if need in have:
                continue
            rk = CATALOGUE.get(kind)
            if rk is None:
                what = f"流程数据中没有 {kind!r}（既不是记录类型，也不是案件启动时的数据）"
            elif name and name not in rk.exports:
                what = f"记录“{rk.title}”（{kind}）不向流程导出字段 {name!r}（可读：{'、'.join(rk.exports) or '无'}）"
            else:
                what = (f"并非每条到达此处的路径上都有任务制作记录“{rk.title}”（{kind}）；"
                        f"请在上游每条路径上保留制作该记录的任务，或修改条件")
            out.append(Finding(src.id, src.name, src.process, "", "",
                               f"顺序流 {e.flow} 的条件 {e.condition!r} 读取 {kind}{'.' + name if name else ''}：{what}"))
    return out


def _cite(citer: Citer, rule: Rule) -> str:
    return citer.one(rule.basis) or rule.basis


def _task_gap(rule: Rule, n: Node, g: Graph) -> str | None:
    """Why task ``n`` does not carry what ``rule`` asks of it (None when it does)."""
    av, on_refusal = n.prop("av"), n.prop("av_on_refusal")
    if rule.kind == "record":
        lacking = [k for k in rule.requires if k not in n.records]
        titles = "、".join(f"“{CATALOGUE[k].title}”（{k}）" for k in lacking)
        return f"未制作 {titles}：请在属性 records 中加入 {'、'.join(lacking)}" if lacking else None
    if rule.kind == "recording" and rule.mode == "on_obstruction":
        return None  # the gate demands it once a refusal or obstruction is recorded at the task, whatever ``av`` says
    if rule.kind == "recording" and rule.mode == "on_refusal":
        if av == "required" or on_refusal == "required":
            return None
        return f"拒签时未要求音像记录（av_on_refusal={on_refusal}）：请设 av_on_refusal=required"
    if rule.kind == "recording":
        if av == "required":
            return None
        return f"未要求音像记录（av={av}），本环节须{'录音' if rule.media == 'audio' else '音像记录'}：请设 av=required"
    if rule.kind == "period" and not rule.fact:
        return _period_gap(rule, n, g)
    return None


def _fact_gap(rule: Rule, n: Node, into: Mapping[str, frozenset[str]],
              maybe: Mapping[str, frozenset[str]]) -> str | None:
    """A rule judged on a fact of the case needs the fact's anchor record upstream on every path (the 催告书
    before its 送达回证) and a record that can prove the fact upstream (the task's own record counts).

    Whether the proving record is made on *every* path depends on conditions (a 送达 that failed leads back,
    not on), which the analysis does not correlate; the gate judges that on the case's facts at run time."""
    source = FACTS.get(rule.fact or "")
    if source is None or source.optional or rule.kind not in ("not_before", "period", "same"):
        return None
    own = _gen(n)
    if source.after and "rec:" + source.after not in into.get(n.key, frozenset()) | own:
        return f"并非每条到达本环节的路径上都先有“{CATALOGUE[source.after].title}”：无法确定“{source.title}”"
    if "fact:" + (rule.fact or "") not in maybe.get(n.key, frozenset()) | own:
        kinds = "、".join(CATALOGUE[k].title for k in source.proofs if k in CATALOGUE)
        return f"上游没有任何任务制作证明“{source.title}”的记录（{kinds}之一）：期限无从起算"
    return None


def _period_gap(rule: Rule, n: Node, g: Graph) -> str | None:
    limit = parse_period(rule.within or "")
    try:
        have = Declared.read(n.props)
    except PeriodError as exc:
        return str(exc)
    if have is None:
        return f"未设期限：请设办理期限（deadline）不长于{limit.describe()}"
    if have.period.nominal_days() > limit.nominal_days():
        return f"期限 {have.period.describe()} 长于规定的 {limit.describe()}"
    # how the law counts this period: by the articles the task and the rule cite, as the deadline service does
    expected = counting_for(have.period, (*have.basis, rule.basis))
    if expected.mode == "calendar" and have.counting.mode == "working":
        return (f"期限按工作日计算，长于规定的{expected.describe()}：请删去 deadline_count=working"
                "，或改为 calendar")
    if expected.mode == "exact" and have.counting.mode != "exact":
        return f"期限须{expected.describe()}"
    if rule.start:
        return _start_gap(rule.start, have.starts, n, g)
    return None


def _start_gap(start: str, starts: str | None, n: Node, g: Graph) -> str | None:
    if "." in start and start.isascii() or start == "case":
        return None if starts == start else (
            f"期限起算点（deadline_from）为 {starts or '任务开始时'}，应为 {start}：请设 deadline_from={start}")
    same = [m for m in g.nodes.values() if m.process == n.process and m.tag == "userTask" and governs(start, m.act)]
    if starts and any(m.id == starts for m in same):
        return None
    ids = "、".join(sorted({m.id for m in same})) or f"执行“{start}”的任务"
    return f"期限起算点（deadline_from）为 {starts or '任务开始时'}，应为“{start}”完成时：请设 deadline_from={ids}"


def check_rules(g: Graph, rules: Sequence[Rule], citer: Citer, into: Mapping[str, frozenset[str]],
                outs: Mapping[str, frozenset[str]], maybe: Mapping[str, frozenset[str]]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    tasks = [n for n in g.tasks() if not n.side]
    # inlined copies of one task look alike to a rule: ask once per (id, records, act), not once per copy
    alike: dict[tuple[str, tuple[str, ...], str | None], list[Node]] = {}
    for n in tasks:
        alike.setdefault((n.id, n.records, n.act), []).append(n)
    for rule in rules:
        article = _cite(citer, rule)
        if rule.procedures and g.process not in rule.procedures:
            continue
        if rule.kind == "presence":
            for act in rule.acts:
                if not any(governs(act, n.act) for n in tasks):
                    out.append(Finding(g.process, "", g.process, rule.id, article,
                                       f"程序中没有“{act}”环节（{rule.title}）：请加入 act={act} 的任务"))
            continue
        for n in (n for sign, copies in alike.items() if rule.governs(*sign) for n in copies):
            key = (rule.id, n.process, n.id)
            if rule.kind == "order":
                out += _order_gaps(rule, n, article, g, into, outs, maybe)
                continue
            # what a task carries is the same in every inlined copy; what precedes it depends on where it is called
            why = None if key in seen else _task_gap(rule, n, g)
            seen.add(key)
            why = why or _fact_gap(rule, n, into, maybe)
            if why:
                out.append(Finding(n.id, n.name, n.process, rule.id, article, f"{rule.title}——{why}"))
    return out


def _order_gaps(rule: Rule, n: Node, article: str, g: Graph, into: Mapping[str, frozenset[str]],
                outs: Mapping[str, frozenset[str]], maybe: Mapping[str, frozenset[str]]) -> list[Finding]:
    """Where task ``n`` breaks an order rule.  An entry ``A|B`` is met by either act (行政强制法 第二十七、二十八条:
    a seizure ends in a decision on the goods *or* their release), judged path by path, not act by act."""
    out = []
    earlier = {s[4:] for s in maybe.get(n.key, frozenset()) if s.startswith("act:")}
    for a in rule.not_after:
        if any(governs(a, x) for x in earlier):
            out.append(Finding(n.id, n.name, n.process, rule.id, article,
                               f"{rule.title}——有路径在“{a}”之后才到达本环节：本环节须在“{a}”之前"))
    done = {s[4:] for s in into.get(n.key, frozenset()) if s.startswith("act:")}
    later = {s[4:] for s in outs.get(n.key, frozenset()) if s.startswith("act:")}
    for a in rule.preceded_by:
        if not _met(g, a, n, done, forward=True):
            out.append(Finding(n.id, n.name, n.process, rule.id, article,
                               f"{rule.title}——有路径在“{_either(a)}”之前到达本环节：请在每条到达本环节的路径上先安排“{_either(a)}”"))
    for a in rule.followed_by:
        if not _met(g, a, n, later, forward=False):
            out.append(Finding(n.id, n.name, n.process, rule.id, article,
                               f"{rule.title}——有路径在本环节之后未经“{_either(a)}”即结束：请在之后的每条路径上安排“{_either(a)}”"))
    return out


def _met(g: Graph, entry: str, n: Node, certain: set[str], forward: bool) -> bool:
    """An order entry holds at ``n``: its one act is among the ``certain`` ones (the must-analysis), or, for
    alternatives, every path passes one of them — "A on some paths and B on the others" is in neither set."""
    if "|" not in entry:
        return any(governs(entry, x) for x in certain)
    return _always(g, entry, forward)[n.key]


def _either(entry: str) -> str:
    return "”或“".join(entry.split("|"))


def _always(g: Graph, entry: str, forward: bool) -> dict[str, bool]:
    """For each node, whether every path into it (``forward``) or from it to an end passes one of the acts
    ``A|B|…``: a must-analysis of its own, made once per graph and entry."""
    if (entry, forward) in g.passes:
        return g.passes[entry, forward]
    alts = entry.split("|")
    hit = {k: any(governs(a, n.act) for a in alts) for k, n in g.nodes.items()}
    edges = g.preds() if forward else g.succs(main_only=True)
    state: dict[str, bool | None] = dict.fromkeys(g.nodes)
    result = dict.fromkeys(g.nodes, False)
    order = _order(g) if forward else list(reversed(_order(g)))
    changed = True
    while changed:
        changed = False
        for k in order:
            known = [v for e in edges[k] if (v := state[e]) is not None]
            if edges[k] and not known or not forward and g.nodes[k].side:
                continue
            joined = any(known) if forward and g.nodes[k].tag == "parallelGateway" else bool(known) and all(known)
            result[k] = joined
            if state[k] != (joined or hit[k]):
                state[k], changed = joined or hit[k], True
    return g.passes.setdefault((entry, forward), result)


def check_version(g: Graph) -> list[Finding]:
    """A version must be a version of a procedure: it has at least one user task and reaches an end."""
    out = []
    if not g.tasks():
        out.append(Finding(g.process, "", g.process, "", "", "流程中没有任何用户任务，不是一个执法程序"))
    if not g.ends:
        out.append(Finding(g.process, "", g.process, "", "", "流程没有可到达的结束事件"))
    return out


def prove(sources: Mapping[str, bytes], procedures: Iterable[str], rules: Sequence[Rule],
          citer: Citer) -> list[Finding]:
    """Every finding against the agency's law for the named procedures (empty: the diagrams are proved)."""
    findings: list[Finding] = []
    for pid in procedures:
        g = compose(sources, pid)
        if g.problems and not g.nodes:
            findings += g.problems
            continue
        into, outs, maybe = before(g), after(g), possibly_before(g)
        findings += check_version(g) + check_data_flow(g, into) + check_rules(g, rules, citer, into, outs, maybe)
        findings += g.problems
    return list(dict.fromkeys(findings))


def require(sources: Mapping[str, bytes], procedures: Iterable[str], rules: Sequence[Rule], citer: Citer) -> None:
    """Raise :class:`ProofFailed` with every finding, or return when the diagrams are proved."""
    findings = prove(sources, procedures, rules, citer)
    if findings:
        raise ProofFailed(findings)


@dataclass(frozen=True)
class Binding:
    """One rule as the designer sees it on a task (or on the whole procedure): held, or why not."""

    rule: Rule
    article: str
    why: tuple[str, ...]  # the proof's findings on this element for this rule (empty: held)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule.id, "title": self.rule.title, "kind": self.rule.kind, "article": self.article,
                "text": self.rule.text, "held": not self.why, "why": list(self.why)}


def bindings(sources: Mapping[str, bytes], process_id: str, rules: Sequence[Rule], citer: Citer,
             found: Sequence[Finding]) -> dict[str, list[Binding]]:
    """For each user task of ``process_id``'s own file (key: its id) and for the procedure (key: the process id),
    the rules that bind it and whether ``found`` — the proof of these very sources — left each held.

    The designer's panel reads this, so the rules it lists are the ones the proof checks, by the same
    ``governs`` and for the same procedures."""
    g = compose(sources, process_id)
    misses: dict[tuple[str, str], list[str]] = {}
    titles = {r.id: r.title + "——" for r in rules}
    for f in found:  # the panel shows the rule's title beside its findings: each finding without it
        misses.setdefault((f.element, f.rule), []).append(f.message.removeprefix(titles.get(f.rule, "\0")))
    out: dict[str, list[Binding]] = {process_id: []}
    for rule in rules:
        if rule.procedures and process_id not in rule.procedures:
            continue
        if rule.kind == "presence":
            out[process_id].append(Binding(rule, _cite(citer, rule), tuple(misses.get((process_id, rule.id), ()))))
            continue
        for n in g.tasks():
            if n.process == process_id and not n.side and rule.governs(n.id, n.records, n.act) and \
                    not any(b.rule.id == rule.id for b in out.get(n.id, ())):
                why = tuple(dict.fromkeys(misses.get((n.id, rule.id), ())))
                out.setdefault(n.id, []).append(Binding(rule, _cite(citer, rule), why))
    return out
