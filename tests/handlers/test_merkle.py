"""The RFC 6962 Merkle tree: roots, inclusion and consistency proofs, and the frontier the log keeps."""
from __future__ import annotations

import hashlib

import pytest

from handlers import merkle

LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(40)]


def _mth(d: list[bytes]) -> bytes:
    """The definition in RFC 6962 §2.1, written out recursively."""
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def test_hashes_are_domain_separated():
    """A leaf and an inner node over the same bytes differ (RFC 6962 §2.1: 0x00 and 0x01 prefixes)."""
    a, b = b"a" * 32, b"b" * 32
    assert merkle.leaf_hash(a + b) != merkle.node_hash(a, b)
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.root([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 32, 33, 40])
def test_root_frontier_and_inclusion_proofs(n):
    leaves = LEAVES[:n]
    root = merkle.root(leaves)
    assert root == _mth(leaves)
    frontier, size = merkle.frontier_of(leaves)
    assert size == n and len(frontier) == n.bit_count() and merkle.frontier_root(frontier) == root
    for i in range(n):
        proof = merkle.inclusion_proof(leaves, i)
        assert merkle.verify_inclusion(leaves[i], i, n, proof, root)
        assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), i, n, proof, root)
        if proof:
            bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
            assert not merkle.verify_inclusion(leaves[i], i, n, bad, root)


def test_consistency_proofs_from_the_old_frontier_match_the_full_ones():
    for n in range(2, 40):
        for m in range(1, n):
            proof = merkle.consistency_proof(LEAVES[:n], m)
            frontier, _ = merkle.frontier_of(LEAVES[:m])
            assert merkle.consistency_proof_with(merkle.subtree_hasher(frontier, m, LEAVES[m:n]), m, n) == proof
            assert merkle.verify_consistency(m, n, merkle.root(LEAVES[:m]), merkle.root(LEAVES[:n]), proof)


def test_a_rewritten_history_has_no_consistency_proof():
    rewritten = [merkle.leaf_hash(b"rewritten"), *LEAVES[1:20]]
    old_root = merkle.root(LEAVES[:10])
    proof = merkle.consistency_proof(rewritten, 10)
    assert not merkle.verify_consistency(10, 20, old_root, merkle.root(rewritten), proof)
    assert not merkle.verify_consistency(20, 10, old_root, merkle.root(rewritten), proof)  # a shorter log
