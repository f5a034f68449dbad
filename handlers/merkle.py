"""The RFC 6962 / RFC 9162 Merkle tree of an audit log: hashes, compact ranges, inclusion and consistency proofs.

Pure code (no database, no Flask): the log, the witness and the offline verifier of an export package all
check the same tree.  Leaf and node hashes are domain-separated (0x00 / 0x01 prefixes), so a leaf can never
be passed off as an inner node.  A *frontier* (compact range) holds the roots of the perfect subtrees that
make up a tree of size n, largest first; appending a leaf and computing the root cost O(log n) hashes, so a
checkpoint adds almost nothing to a completion.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


# --------------------------------------------------------------------------- compact ranges


def push(frontier: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The frontier of the tree of ``size + 1`` leaves, from that of ``size`` leaves and the new leaf hash."""
    out, node, n = list(frontier), leaf, size
    while n & 1:
        node = node_hash(out.pop(), node)
        n >>= 1
    out.append(node)
    return out


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


def frontier_of(leaves: Iterable[bytes]) -> tuple[list[bytes], int]:
    frontier: list[bytes] = []
    size = 0
    for leaf in leaves:
        frontier = push(frontier, size, leaf)
        size += 1
    return frontier, size


def frontier_ranges(size: int) -> list[tuple[int, int]]:
    """The (start, end) leaf ranges the frontier entries of a tree of ``size`` leaves cover."""
    out, start = [], 0
    for bit in reversed(range(size.bit_length())):
        if size & (1 << bit):
            out.append((start, start + (1 << bit)))
            start += 1 << bit
    return out


# --------------------------------------------------------------------------- trees held in full


def root(leaves: Sequence[bytes]) -> bytes:
    return frontier_root(frontier_of(leaves)[0])


SubtreeHash = Callable[[int, int], bytes]


def _subtree_from(leaves: Sequence[bytes]) -> SubtreeHash:
    return lambda a, b: root(leaves[a:b])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1, leaf hashes given."""
    return _path(index, 0, len(leaves), _subtree_from(leaves))


def _path(m: int, a: int, b: int, mth: SubtreeHash) -> list[bytes]:
    n = b - a
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, a, a + k, mth), mth(a + k, b)]
    return [*_path(m - k, a + k, b, mth), mth(a, a + k)]


def consistency_proof(leaves: Sequence[bytes], m: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2, leaf hashes given."""
    return consistency_proof_with(_subtree_from(leaves), m, len(leaves))


def consistency_proof_with(mth: SubtreeHash, m: int, n: int) -> list[bytes]:
    """The proof with subtree hashes from ``mth(start, end)``: only frontier nodes of the old tree and new ranges are asked."""
    return [mth(a, b) for a, b in consistency_ranges(m, n)]


Range = tuple[int, int]


def consistency_ranges(m: int, n: int) -> list[Range]:
    """The subtrees [a, b) whose hashes make PROOF(m, D[n]), in proof order: nodes of the old tree's frontier, and
    new subtrees that together cover leaves m..n-1 exactly once."""
    return _subproof(m, 0, n, True) if 0 < m < n else []


def _subproof(m: int, a: int, b: int, whole: bool) -> list[Range]:
    n = b - a
    if m == n:
        return [] if whole else [(a, b)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, a, a + k, whole), (a + k, b)]
    return [*_subproof(m - k, a + k, b, False), (a, a + k)]


def consistency_proof_streamed(frontier: Sequence[bytes], m: int, n: int, new_leaves: Iterable[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) from the old tree's frontier and its new leaves m..n-1 read once, in order (O(log n) memory)."""
    ranges = consistency_ranges(m, n)
    hashes = subtree_hashes(frontier, m, new_leaves, n, ranges)
    return [hashes[r] for r in ranges]


def inclusion_ranges(index: int, n: int) -> list[Range]:
    """The subtrees [a, b) whose hashes make PATH(index, D[n]), in proof order."""
    out: list[Range] = []
    a, b = 0, n
    while b - a > 1:
        k = _split(b - a)
        if index < a + k:
            out.append((a + k, b))
            b = a + k
        else:
            out.append((a, a + k))
            a += k
    return out[::-1]


def tree_and_paths(leaves: Iterable[bytes], n: int, indices: Iterable[int]) -> tuple[list[bytes], dict[int, list[bytes]]]:
    """The frontier of the tree of the n leaves and PATH(i, D[n]) for each index, from the leaves read once, in order
    (O(log n) memory besides the proofs)."""
    paths = {i: inclusion_ranges(i, n) for i in indices}
    tops = frontier_ranges(n)
    hashes = subtree_hashes([], 0, leaves, n, [*tops, *(r for ranges in paths.values() for r in ranges)])
    return [hashes[r] for r in tops], {i: [hashes[r] for r in ranges] for i, ranges in paths.items()}


def subtree_hashes(frontier: Sequence[bytes], size: int, leaves: Iterable[bytes], n: int,
                   wanted: Iterable[Range]) -> dict[Range, bytes]:
    """MTH(D[a:b]) of each wanted subtree of the tree of ``n`` leaves grown from a tree of ``size`` (its frontier) by
    ``leaves``, read once: a perfect subtree is a node the compact range forms as the leaves are pushed, the others
    end at n and are roots of the final frontier's tails.  Inside the old tree only its frontier nodes can be had."""
    want = set(wanted)
    found = {r: h for r, h in zip(frontier_ranges(size), frontier, strict=True) if r in want}
    stack, count = list(frontier), size
    for leaf in leaves:
        node, start, width, k = leaf, count, 1, count
        if (start, start + 1) in want:
            found[(start, start + 1)] = node
        while k & 1:
            node = node_hash(stack.pop(), node)
            start, width, k = start - width, width * 2, k >> 1
            if (start, start + width) in want:
                found[(start, start + width)] = node
        stack.append(node)
        count += 1
    if count != n:
        raise ValueError(f"叶子数 {count} 与树的大小 {n} 不符")
    for i, (a, _) in enumerate(frontier_ranges(n)):
        if (a, n) in want:
            found[(a, n)] = frontier_root(stack[i:])
    missing = sorted(want - found.keys())
    if missing:
        raise ValueError(f"子树 [{missing[0][0]}, {missing[0][1]}) 无法由旧树的紧凑范围与新的叶子得出")
    return found


def subtree_hasher(frontier: Sequence[bytes], size: int, new_leaves: Sequence[bytes]) -> SubtreeHash:
    """Subtree hashes of a tree extended from an old one: old ranges from its frontier, new ranges from the new leaves."""
    known = dict(zip(frontier_ranges(size), frontier, strict=True))

    def mth(a: int, b: int) -> bytes:
        if (a, b) in known:
            return known[(a, b)]
        if a >= size:
            return root(new_leaves[a - size:b - size])
        raise ValueError(f"子树 [{a}, {b}) 跨越旧树边界，无法由旧树的紧凑范围得出")
    return mth


# --------------------------------------------------------------------------- checking proofs (RFC 9162 §2.1.3.2, §2.1.4.2)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]) -> bool:
    if m == n:
        return root_m == root_n and not proof
    if m == 0:
        return not proof
    if m > n or not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:  # m is a power of two: the old root is the first node
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root_m and sr == root_n
