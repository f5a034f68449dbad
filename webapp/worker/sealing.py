"""Sealing the 文书: number, render, store and audit the documents a completed task calls for.

When a task completes (``signals.task_completed``), the documents it makes are queued in the same
transaction — those its diagram lists in the user-task property ``documents``, or else those
:mod:`documents.kinds` makes on the kinds of record the task holds — and rendered by the worker service
(``flask liuhen worker``, :mod:`webapp.worker.service`), so a completion never waits for a PDF; the case page
shows them as 生成中 until sealed.  ``flask liuhen render-pending`` renders the queue once; tests ask for
rendering right after the commit (``LIUHEN_RENDER_INLINE``).  Each gets a 文号 from the agency's counter for its series
and year (UPDATE … SET last = last + 1 RETURNING, under the row lock, so concurrent requests never
share or skip a number and a rolled-back render gives its number back), its PDF goes to the
content-addressed file store, and a ``document.rendered`` audit entry seals its SHA-256 with the ids
and hashes of the records it was made from.  Rendering the same document again (same case, kind
and source task) keeps the 文号 and adds a version that supersedes the previous one.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import threading
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

import documents
from documents import DocumentKind
from documents.render import cndate
from handlers import av_rules, catalogue, clock, gate
from handlers.audit_actions import Action
from handlers.catalogue import AV_NOT_SUITABLE, CATALOGUE
from handlers.roles import TASK_ROLES as MAKERS
from handlers.settings import Settings
from handlers.task_rules import TaskRules, rules_from_properties, rules_of, split_list
from webapp import store
from webapp.cases import references
from webapp.cases.completion import AnyRecord
from webapp.cases.service import get_case, require_handler
from webapp.db import db, table
from webapp.engine import runner
from webapp.errors import Conflict, Forbidden, Invalid, NotFound
from webapp.models import (
    Agency,
    Case,
    CaseTask,
    Document,
    DocumentCounter,
    MediaItem,
    Record,
    RenderJob,
    StoredFile,
    User,
)
from webapp.store import audit
from webapp.worker import claims
from webapp.worker.signing import signer_for

CASE_SERIES = "案"
CASE_NO_SEPARATOR = "·"


def issue_number(agency_id: int, series: str, year: int) -> int:
    """The next number of a series: one atomic upsert-and-increment, held until the transaction ends."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(DocumentCounter).values(agency_id=agency_id, series=series, year=year, last=1)
    upsert = stmt.on_conflict_do_update(index_elements=["agency_id", "series", "year"],
                                        set_={"last": DocumentCounter.last + 1}).returning(DocumentCounter.last)
    return db.session.execute(upsert, execution_options={"synchronize_session": False}).scalar_one()


def local_now(agency: Agency) -> dt.datetime:
    return clock.local(clock.now(), clock.zone(agency.settings.timezone))


# --------------------------------------------------------------------------- context


def latest_records(case_id: int) -> dict[str, Record]:
    """The newest version of each kind of record in the case."""
    rows = db.session.scalars(select(Record).where(Record.case_id == case_id).order_by(Record.id))
    return {r.kind: r for r in rows}


def footer_basis(dk: DocumentKind, source: AnyRecord, settings: Settings, step: TaskRules | None = None
                 ) -> tuple[str, ...]:
    """The articles a 文书's 依据 line stands on: the rules of the agency's law that govern the step that made its source
    record (as the gate finds them; ``step``: the diagram's properties of that step, else those of the shipped task of
    its id) — the diagram's articles and the ``record`` rules that require the record; for a 工作情况说明, the step's
    recording articles (:func:`handlers.gate.recording_basis`) and the agency's rules on explaining a gap.  Never a
    fixed list: a county's article is printed only where its rule binds the agency."""
    name = source.task_name or ""
    rules = step or replace(rules_from_properties({}, name), records=(dk.source,))
    law = gate.applying(settings.law(), name, rules)
    if dk.source == AV_NOT_SUITABLE:
        return tuple(dict.fromkeys((*gate.recording_basis(rules, law), *av_rules.gap_basis(settings))))
    return tuple(dict.fromkeys((*rules.basis, *(r.basis for r in law if r.kind == "record" and dk.source in r.requires))))


def step_rules(case: Case, source: AnyRecord) -> TaskRules | None:
    """The properties of the diagram task that made ``source``, in the case's diagram version."""
    spec, subs = runner.spec_for(case)
    found = next((s.task_specs[source.task_name] for s in (spec, *subs.values()) if source.task_name in s.task_specs), None)
    return rules_of(found) if found is not None else None


def context(dk: DocumentKind, agency: Agency, case: Case, records: Mapping[str, AnyRecord], number: str,
            now: dt.datetime, task_title: str = "", *, case_no: str = "",
            served: Mapping[str, Any] | None = None, issued: Mapping[str, Any] | None = None,
            step: TaskRules | None = None) -> dict[str, Any]:
    """What a template reads.  ``date`` (the 落款) is the day of the act the 文书 records — the decision, the
    notice, the approval — or, where no field states it, the day its source record was made; never the render day.
    ``basis``: the 依据 line, by real title and for this agency only (:func:`footer_basis`)."""
    settings = agency.settings
    payloads = {k: r.payload for k, r in records.items()}
    moment = documents.act_moment(dk, payloads)
    made = records[dk.source].created_at
    day = cndate(moment) if moment else cndate(clock.local(made, clock.zone(settings.timezone)) if made else now)
    return {"agency": {"name": agency.name, "archive_days": settings.archive_days, "archive_basis": settings.archive_basis,
                       "remedies": dict(settings.remedies), "payment": dict(settings.payment),
                       "appraisal": dict(settings.appraisal),
                       "format_set": settings.format_set},
            "cite": settings.citer().text, "basis": settings.citer().text(footer_basis(dk, records[dk.source], settings, step)),
            "title": dk.printed_title(settings.format_set, payloads), "number": number, "numbered": dk.numbered,
            "case_no": case_no, "served": dict(served) if served else None, "issued": dict(issued) if issued else None,
            "date": day, "task_title": task_title,
            "case": {"id": case.id, "title": case.title, "party_name": case.party_name},
            "doc": catalogue.display(dk.source, records[dk.source].payload),
            "records": {k: catalogue.display(k, r.payload) for k, r in records.items()}}


def case_number(case: Case, agency: Agency, year: int) -> str:
    """The case's 案号: the one its first unnumbered 文书 took, or a new one from the agency's 案 series.

    The official formats give 笔录, 审批表 and 回证 no 文号 of their own; they carry the case's 案号 (stored as
    the part of their document number before ``·``, so the number stays unique per document)."""
    unnumbered = [k.code for k in documents.DOCUMENT_KINDS if not k.numbered]
    first = db.session.scalar(select(Document.number).where(Document.case_id == case.id, Document.kind.in_(unnumbered))
                              .order_by(Document.id).limit(1))
    if first:
        return first.split(CASE_NO_SEPARATOR, 1)[0]
    settings = agency.settings
    series = settings.document_series.get("case") or CASE_SERIES
    n = issue_number(agency.id, series, year)
    return documents.format_number(documents.prefix_of(settings.doc_prefix, agency.name), series, year, n)


def served_document(case: Case, records: Mapping[str, AnyRecord], dk: DocumentKind) -> dict[str, Any] | None:
    """The 文书 a 回证 serves, as issued: chosen by id in the record, else the case's newest of the title typed."""
    payload = records[dk.source].payload
    if "document_id" not in payload and "document" not in payload:
        # a record that names no document itself (a 公告): the one the service's plan names, among those it uses
        payload = next((records[k].payload for k in dk.uses if k in records
                        and ("document_id" in records[k].payload or "document" in records[k].payload)), {})
        if not payload:
            return None
    found = (references.issued(case.id, int(payload["document_id"])) if payload.get("document_id")
             else references.by_title(case.id, str(payload.get("document") or "")))
    return found.quoted() if found else None


# --------------------------------------------------------------------------- sealing


def seal(case: Case, dk: DocumentKind, user: User, task_title: str = "") -> Document:
    """Render ``dk`` from the case's records and store it as a new document version (caller commits)."""
    records = latest_records(case.id)
    source = records.get(dk.source)
    if source is None:
        title = CATALOGUE[dk.source].title if dk.source in CATALOGUE else dk.source
        raise Invalid(f"案件中尚无“{title}”记录，无法制作{dk.title}", kind=dk.code)
    agency = cast(Agency, db.session.get(Agency, case.agency_id))  # a case's agency exists (foreign key)
    now = local_now(agency)
    previous = db.session.scalar(
        select(Document).where(Document.case_id == case.id, Document.kind == dk.code,
                               Document.task_id == source.task_id).order_by(Document.version.desc()).limit(1))
    case_no = "" if dk.numbered else case_number(case, agency, now.year)
    if previous is not None:
        number, version = previous.number, previous.version + 1
    elif dk.numbered:
        settings = agency.settings
        series = settings.document_series.get(dk.code) or dk.series
        n = issue_number(agency.id, series, now.year)
        number, version = documents.format_number(documents.prefix_of(settings.doc_prefix, agency.name), series, now.year, n), 1
    else:
        made = db.session.scalar(select(func.count()).select_from(Document).where(
            Document.case_id == case.id, Document.kind == dk.code, Document.version == 1))
        number, version = f"{case_no}{CASE_NO_SEPARATOR}{dk.series}{(made or 0) + 1}", 1
    task_title = task_title or db.session.scalar(select(CaseTask.title).where(CaseTask.id == source.task_id)) or ""
    quoted = references.of_kind(case.id, dk.quotes) if dk.quotes else None
    ctx = context(dk, agency, case, records, number, now, task_title, case_no=case_no,
                  served=served_document(case, records, dk), issued=quoted.quoted() if quoted else None,
                  step=step_rules(case, source))
    bound: dict[str, Any] = {}
    if dk.bound:
        body, manifest = case_file(case, agency, records, ctx)
        bound = {"bound": [[e["number"], e["sha256"]] for e in manifest["documents"]], "pages": manifest["pages"],
                 "media": [m["sha256"] for m in manifest["media"]]}
    else:
        body = documents.render(dk.template, ctx)
    pdf = signer_for(agency).sign(body)
    title = ctx["title"]  # as the 范本 of the agency's set names it, one of its alternatives where it names several
    sha, size = _store(pdf, f"{number}{title}.pdf", agency.id, user.id)
    used = [records[k] for k in dict.fromkeys((dk.source, dk.trigger, *dk.uses)) if k in records]
    doc = Document(agency_id=agency.id, case_id=case.id, task_id=source.task_id, kind=dk.code, title=title,
                   number=number, version=version, supersedes_id=previous.id if previous else None, sha256=sha,
                   size=size, sources=[[r.id, r.kind, r.content_hash] for r in used], made_by=user.id,
                   made_at=clock.now())
    db.session.add(doc)
    db.session.flush()
    audit.append(agency.id, Action.DOCUMENT_RENDERED, actor_id=user.id, case_id=case.id,
                 detail={"document_id": doc.id, "kind": dk.code, "number": number, "version": version,
                         "sha256": sha, "size": size, "sources": doc.sources, **bound})
    return doc


def case_file(case: Case, agency: Agency, records: Mapping[str, AnyRecord], ctx: Mapping[str, Any]
              ) -> tuple[bytes, dict[str, Any]]:
    """The 电子案卷 (:mod:`documents.case_file`): the case's sealed 文书 (newest version of each, in the order first
    made), each laid out again from the records it was sealed from and its signed original attached; the A/V list."""
    rows = list(db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)))
    newest: dict[str, Document] = {}
    for d in rows:
        if d.kind in documents.BY_CODE and not documents.BY_CODE[d.kind].bound:
            newest[d.number] = d  # insertion order stays that of the first version
    filed = []
    for d in newest.values():
        dk = documents.kind(d.kind)
        ids = [int(s[0]) for s in d.sources or []]
        sealed_from = {r.kind: r for r in db.session.scalars(select(Record).where(Record.id.in_(ids)))} if ids else {}
        merged = {**records, **sealed_from}
        case_no = "" if dk.numbered else d.number.split(CASE_NO_SEPARATOR, 1)[0]
        quoted = references.of_kind(case.id, dk.quotes) if dk.quotes else None
        part = context(dk, agency, case, merged, d.number, local_now(agency), case_no=case_no,
                       served=served_document(case, merged, dk), issued=quoted.quoted() if quoted else None,
                       step=step_rules(case, merged[dk.source]))
        with store.current().open(d.sha256) as fh:
            original = fh.read()
        filed.append(documents.Filed(d.title, d.number, part["date"], dk.template, part, original, d.sha256,
                                     label=d.number if dk.numbered else ""))
    media = [{"file_name": m.file_name, "started_at": m.started_at.isoformat(), "recorded_by": m.recorded_by,
              "seconds": int((m.ended_at - m.started_at).total_seconds()), "sha256": m.sha256}
             for m in db.session.scalars(select(MediaItem).where(MediaItem.case_id == case.id).order_by(MediaItem.id))]
    archive = ctx["doc"]
    opinions = _opinions(case.id)
    front = {**ctx, "case": {**ctx["case"]}, "archive_no": archive.get("archive_no", ""),
             "retention": archive.get("retention", ""), "archivist": archive.get("archivist", ""),
             "archived_on": ctx["date"], "ended_on": _ended(records),
             "opinions": [catalogue.display(r.kind, r.payload) for r in opinions]}
    return documents.assemble_case_file(front, filed, media, _appraisal_scans(opinions))


def _opinions(case_id: int) -> list[Record]:
    """Every 鉴定意见 record of the case, every version, oldest first, each content once: a case may receive several
    opinions, and a corrected record is a new version — the 案卷 files all it received, not only the newest."""
    held: dict[str, Record] = {}
    for r in db.session.scalars(select(Record).where(Record.case_id == case_id, Record.kind == "expert_opinion")
                                .order_by(Record.id)):
        held.setdefault(json.dumps(r.payload, sort_keys=True, default=str), r)
    return list(held.values())


def _appraisal_scans(opinions: Collection[AnyRecord]) -> list[documents.Appended]:
    """The 鉴定意见's uploaded originals, attached as they are: the 鉴定书 is the 鉴定机构's paper, which the agency
    files in place of one of its own (documents/README.md), so the 案卷 must carry the file itself, not only its hash;
    each file once, by its SHA-256, however many records name it."""
    out = []
    shas = dict.fromkeys(sha for opinion in opinions for sha in opinion.payload.get("files") or [])
    for i, sha in enumerate(shas, 1):
        stored = db.session.get(StoredFile, sha)
        with store.current().open(sha) as fh:
            content = fh.read()
        name = stored.original_name if stored is not None else sha[:12]
        out.append(documents.Appended(f"鉴定意见-{i:02d}-{name}", content, f"鉴定意见原件（SHA-256 {sha}）"))
    return out


def _ended(records: Mapping[str, AnyRecord]) -> str:
    report = records.get("closing_report")
    return cndate(report.payload.get("ended_at")) if report else ""


def _store(pdf: bytes, name: str, agency_id: int, user_id: int) -> tuple[str, int]:
    sha, size = store.current().put(io.BytesIO(pdf))
    store.register(sha, size, content_type="application/pdf", name=name, agency_id=agency_id, user_id=user_id)
    return sha, size


def kinds_for_task(task_spec: Any, records: Mapping[str, AnyRecord]) -> list[DocumentKind]:
    """The diagram's ``documents`` property if the task has one, else what the task's records make."""
    declared = getattr(task_spec, "extensions", {}).get("properties", {}).get("documents")
    if declared is not None:
        return [documents.kind(code) for code in split_list(declared)]
    flags = {k: dict(r.payload) for k, r in records.items()}
    return documents.made_on(set(records), flags)


# --------------------------------------------------------------------------- API services


def case_documents(user: User, case_id: int) -> list[Document]:
    get_case(case_id, user)
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def rerender(user: User, case_id: int, kind_code: str) -> Document:
    """Render a document again from the case's current records: a new version, same 文号."""
    case = get_case(case_id, user, lock=True)
    if not user.has_any(*MAKERS):
        raise Forbidden("只有办案人员（承办人、审核人、法制审核、负责人）可以制作文书")
    if kind_code not in documents.BY_CODE:
        raise Invalid(f"未知的文书种类：{kind_code!r}", fields={"kind": ["未知的文书种类"]})
    try:
        doc = seal(case, documents.BY_CODE[kind_code], user)
        db.session.commit()
    except IntegrityError as exc:  # another request stored the same version first
        db.session.rollback()
        raise Conflict("该文书正由他人同时制作，请刷新后查看") from exc
    return doc


def open_document(user: User, document_id: int) -> Document:
    """The stored PDF of a document the user's agency holds; the download is an audit entry."""
    doc = db.session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"文书 {document_id} 不存在")
    require_handler(user, get_case(doc.case_id, user), "下载本案文书")
    if store.current().hash_of(doc.sha256) != doc.sha256:
        raise NotFound(f"文书 {doc.number} 的文件缺失或已被改动（SHA-256 不符）")
    audit.append(doc.agency_id, Action.DOCUMENT_DOWNLOADED, actor_id=user.id, case_id=doc.case_id,
                 detail={"document_id": doc.id, "number": doc.number, "version": doc.version, "sha256": doc.sha256})
    db.session.commit()
    return doc


def document_json(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "case_id": doc.case_id, "task_id": doc.task_id, "kind": doc.kind, "title": doc.title,
            "number": doc.number, "version": doc.version, "supersedes_id": doc.supersedes_id, "sha256": doc.sha256,
            "size": doc.size, "sources": doc.sources, "made_by": doc.made_by, "made_at": doc.made_at.isoformat(),
            "url": f"/api/documents/{doc.id}/pdf"}


# --------------------------------------------------------------------------- the render queue

CLAIM_TIMEOUT, BACKOFF, BACKOFF_MAX, backoff = claims.CLAIM_TIMEOUT, claims.BACKOFF, claims.BACKOFF_MAX, claims.backoff


def worker_name(role: str = "") -> str:
    """Who holds a claim: host and process (and role, e.g. ``web`` for inline rendering)."""
    return f"{socket.gethostname()}:{os.getpid()}" + (f":{role}" if role else "")


def queue_for_task(case: Case, *, task: Any, user: User, records: Mapping[str, AnyRecord], **_: Any) -> None:
    """Receiver of ``signals.task_completed``: queue the task's documents in the completion's transaction (one
    INSERT for all of them)."""
    jobs = [{"agency_id": case.agency_id, "case_id": case.id, "kind": dk.code, "task_title": task.task_spec.bpmn_name or "",
             "requested_by": user.id, "requested_at": clock.now(), "attempts": 0}
            for dk in kinds_for_task(task.task_spec, records)]
    if jobs:
        db.session.execute(insert(table(RenderJob)), jobs)  # the table: no ORM objects to return


def render_after_commit(case: Case, **_: Any) -> None:
    """Receiver of ``signals.task_committed``: render the case's queued documents in the request only when
    ``LIUHEN_RENDER_INLINE`` asks for it (tests); otherwise the worker service renders them."""
    if current_app.config.get("LIUHEN_RENDER_INLINE", False):
        render_pending(case.id, worker=worker_name("web"))


def pending_jobs(case: Case) -> list[tuple[str, RenderJob]]:
    """The case's 文书 still queued, titled as the agency's 范本 titles them once sealed (the case page shows them
    as 生成中 until then)."""
    jobs = db.session.scalars(select(RenderJob).where(RenderJob.case_id == case.id, RenderJob.document_id.is_(None))
                              .order_by(RenderJob.id))
    format_set = cast(Agency, db.session.get(Agency, case.agency_id)).settings.format_set
    return [(documents.BY_CODE[j.kind].title_in(format_set) if j.kind in documents.BY_CODE else j.kind, j)
            for j in jobs]


def claim_next(worker: str, case_id: int | None = None, ignore_backoff: bool = False,
               skip: Collection[int] = ()) -> int | None:
    """Claim the oldest queued 文书 that is free and due (:func:`webapp.worker.claims.claim`)."""
    return claims.claim(RenderJob, RenderJob.document_id.is_(None), worker, case_id, ignore_backoff, skip)


def render_job(job_id: int, worker: str) -> bool:
    """Seal a claimed job's 文书 in one transaction; True if sealed.  The job is marked done only while the claim
    is still ours, so a worker whose lease ran out never adds a second version; a failure keeps the job queued
    with its error and a back-off before the next attempt."""
    job = cast(RenderJob, db.session.get(RenderJob, job_id))  # claimed, so the row exists
    kind, attempts = job.kind, job.attempts
    try:
        # the job's case and requester exist (foreign keys)
        doc = seal(cast(Case, db.session.get(Case, job.case_id)), documents.kind(job.kind),
                   cast(User, db.session.get(User, job.requested_by)), task_title=job.task_title)
        done = cast("CursorResult[Any]", db.session.execute(
            update(RenderJob).where(RenderJob.id == job_id, RenderJob.document_id.is_(None),
                                    RenderJob.claimed_by == worker)
            .values(document_id=doc.id, last_error=None).execution_options(synchronize_session=False)))
        if done.rowcount != 1:
            db.session.rollback()
            return False
        db.session.commit()
        return True
    except Exception as exc:  # noqa: BLE001 - any render failure leaves the job queued with its reason
        db.session.rollback()
        db.session.execute(update(RenderJob).where(RenderJob.id == job_id, RenderJob.claimed_by == worker)
                           .values(last_error=f"{type(exc).__name__}: {exc}"[:1000], claimed_at=None,
                                   claimed_by=None, not_before=clock.now() + backoff(attempts))
                           .execution_options(synchronize_session=False))
        db.session.commit()
        current_app.logger.exception("文书 %s 制作失败（任务 %s），已留待重试", kind, job_id)
        raise


def render_pending(case_id: int | None = None, *, worker: str | None = None, ignore_backoff: bool = True,
                   limit: int | None = None) -> tuple[int, int]:
    """Render queued documents, each claimed and sealed in its own transactions; return (rendered, failed).

    The one-off command and inline rendering retry failed jobs at once (``ignore_backoff``); the worker
    service respects the back-off."""
    worker = worker or worker_name("cli")
    done, failures = 0, set[int]()
    while limit is None or done + len(failures) < limit:
        job_id = claim_next(worker, case_id, ignore_backoff, skip=failures)  # one attempt per job and run
        if job_id is None:
            break
        try:
            done += render_job(job_id, worker)
        except Exception:  # noqa: BLE001 - recorded on the job by render_job
            failures.add(job_id)
    return done, len(failures)


def render_queue_at_start(app: Flask) -> None:
    """For an installation without the worker service: the first request a (re)started web process serves starts
    a thread that renders every queued 文书.  On with ``LIUHEN_RENDER_AT_START=1`` (the worker service,
    ``flask liuhen worker``, does this otherwise); ``flask liuhen verify`` names any job still queued too long."""
    if not app.config.get("LIUHEN_RENDER_AT_START", False):
        return
    once = threading.Lock()

    def start() -> None:
        if "liuhen.render_thread" in app.extensions or not once.acquire(blocking=False):
            return
        thread = threading.Thread(target=_drain, args=(app,), name="liuhen-render-queue", daemon=True)
        app.extensions["liuhen.render_thread"] = thread
        thread.start()

    app.before_request(start)


def _drain(app: Flask) -> None:
    with app.app_context():
        try:
            done, failed = render_pending(worker=worker_name("web"))
            if done or failed:
                app.logger.warning("启动时补制排队的文书：成功 %s 份，失败 %s 份", done, failed)
        except Exception:  # noqa: BLE001 - a failure here must not stop the web process; verify reports the queue
            app.logger.exception("启动时补制排队的文书失败")
        finally:
            db.session.remove()
