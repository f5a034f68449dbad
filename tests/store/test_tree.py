"""Proofs streamed from the leaves read once, in order, equal RFC 6962's definitions computed over the whole list —
for every (m, n) of small trees, and over an agency's leaves as the database holds them."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from handlers import merkle
from handlers.audit_actions import Action
from webapp.db import db
from webapp.models import AuditEntry, AuditHead
from webapp.store import audit, checkpoints
from webapp.store.tree import leaf_of, stored_leaves

LEAVES = [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(70)]


def mth(d: list[bytes]) -> bytes:
    """MTH(D[n]), RFC 6962 §2.1."""
    if not d:
        return merkle.EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return merkle.node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 6962 §2.1.1."""
    if len(d) <= 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return [*path(m, d[:k]), mth(d[k:])] if m < k else [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 6962 §2.1.2."""
    if m == len(d):
        return [] if whole else [mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return [*subproof(m, d[:k], whole), mth(d[k:])] if m <= k else [*subproof(m - k, d[k:], False), mth(d[:k])]


def once(leaves: list[bytes]) -> Iterator[bytes]:
    """The leaves as a stream that can be read only once (as rows from a server-side cursor)."""
    yield from leaves


def test_streamed_consistency_proofs_equal_rfc_6962_for_every_m_and_n():
    for n in range(1, len(LEAVES) + 1):
        root_n = mth(LEAVES[:n])
        for m in range(1, n):
            frontier, _ = merkle.frontier_of(LEAVES[:m])
            proof = merkle.consistency_proof_streamed(frontier, m, n, once(LEAVES[m:n]))
            assert proof == subproof(m, LEAVES[:n], True), (m, n)
            assert merkle.verify_consistency(m, n, mth(LEAVES[:m]), root_n, proof)


def test_streamed_inclusion_paths_and_frontier_equal_rfc_6962_for_every_index():
    for n in range(1, len(LEAVES) + 1):
        tree, paths = merkle.tree_and_paths(once(LEAVES[:n]), n, range(n))
        assert merkle.frontier_root(tree) == mth(LEAVES[:n]) and tree == merkle.frontier_of(LEAVES[:n])[0]
        assert paths == {i: path(i, LEAVES[:n]) for i in range(n)}, n
        assert all(merkle.verify_inclusion(LEAVES[i], i, n, paths[i], mth(LEAVES[:n])) for i in range(n))


def test_a_stream_of_the_wrong_length_or_a_wrong_frontier_gives_no_proof():
    frontier, _ = merkle.frontier_of(LEAVES[:10])
    with pytest.raises(ValueError):
        merkle.consistency_proof_streamed(frontier, 10, 20, once(LEAVES[10:19]))  # a leaf short
    with pytest.raises(ValueError):
        merkle.consistency_proof_streamed(frontier, 10, 20, once(LEAVES[10:21]))  # a leaf too many
    with pytest.raises(ValueError):
        merkle.consistency_proof_streamed(frontier[:1], 10, 20, once(LEAVES[10:20]))  # not the frontier of 10
    rewritten = [merkle.leaf_hash(b"rewritten"), *LEAVES[1:10]]
    forged = merkle.consistency_proof_streamed(merkle.frontier_of(rewritten)[0], 10, 20, once(LEAVES[10:20]))
    assert not merkle.verify_consistency(10, 20, mth(LEAVES[:10]), mth([*rewritten, *LEAVES[10:20]]), forged)


def test_checkpoint_proofs_from_stored_leaves_equal_rfc_6962(app, agency):
    """consistency_from streams the agency's leaves from the database; the proofs are those of the whole list."""
    with app.app_context():
        for i in range(37):
            audit.append(agency.id, Action.INTEGRITY_CHECKED, detail={"n": i})
            db.session.commit()
        n = db.session.get(AuditHead, agency.id).seq
        hashes = db.session.scalars(select(AuditEntry.hash).where(AuditEntry.agency_id == agency.id)
                                    .order_by(AuditEntry.seq)).all()
        leaves = [leaf_of(h) for h in hashes]
        assert list(stored_leaves(agency.id, 1, n)) == leaves and len(leaves) == n > 37
        for m in range(1, n):
            old = checkpoints.sign(agency.id, m, hashes[m - 1], merkle.frontier_of(leaves[:m])[0], None)
            got = checkpoints.consistency_from(old, n, agency.id)
            assert got is not None and got["proof"] == [p.hex() for p in subproof(m, leaves, True)], m
        tree, paths = merkle.tree_and_paths(stored_leaves(agency.id, 1, n), n, [0, n // 2, n - 1])
        assert merkle.frontier_root(tree) == mth(leaves)
        assert paths == {i: path(i, leaves) for i in (0, n // 2, n - 1)}


def test_a_checkpoint_due_during_a_completion_is_signed(app, agency):
    """A completion appends its entry under no_autoflush: the checkpoint then due reads that entry as its last leaf
    (read as missing, the log looked rewritten — a false alarm in the log, and no checkpoint)."""
    with app.app_context():
        audit.append(agency.id, Action.INTEGRITY_CHECKED, detail={"n": "before"})
        db.session.commit()
        every = app.config.get("LIUHEN_CHECKPOINT_EVERY")
        app.config["LIUHEN_CHECKPOINT_EVERY"] = 1
        try:
            with db.session.no_autoflush:
                entry = audit.append(agency.id, Action.INTEGRITY_CHECKED, detail={"n": "completion"})
                pending = db.session.info.get(checkpoints.PENDING, {}).get(agency.id)
        finally:
            app.config["LIUHEN_CHECKPOINT_EVERY"] = every
        assert pending is not None and pending.size == entry.seq and pending.previous is not None
        db.session.commit()
        assert checkpoints.load(checkpoints.name(agency.id, entry.seq)) is not None
