"""RFC 9162 §2.1 Merkle trees: hashes, roots, inclusion and consistency proofs, and their checks.

Stored trees are read through a `Lookup`: the hash of the complete subtree of 2**level leaves
starting at leaf `index * 2**level` (level 0 are the leaf hashes). Every range the RFC's
recursions visit is either such a subtree or splits into them, so a root or a proof needs
O(log n) lookups and never a full recomputation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Lookup = Callable[[int, int], bytes]
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_root(lookup: Lookup, lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) for a range the RFC's recursion visits (lo aligned to its size)."""
    n = hi - lo
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return lookup(level, lo >> level)
    k = split(n)
    return node_hash(subtree_root(lookup, lo, lo + k), subtree_root(lookup, lo + k, hi))


def root(lookup: Lookup, size: int) -> bytes:
    """MTH of the first `size` leaves."""
    return subtree_root(lookup, 0, size)


def inclusion_path(lookup: Lookup, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]), leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            path.append(subtree_root(lookup, lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree_root(lookup, lo, lo + k))
            lo += k
    return path[::-1]


def consistency_proof(lookup: Lookup, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]); empty when first == second."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    proof: list[bytes] = []
    lo, hi, m, whole = 0, second, first, True
    while hi - lo != m:
        k = split(hi - lo)
        if m <= k:
            proof.append(subtree_root(lookup, lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree_root(lookup, lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        proof.append(subtree_root(lookup, lo, hi))
    return proof[::-1]


def needed(compute: Callable[[Lookup], object]) -> set[tuple[int, int]]:
    """The (level, index) pairs `compute` looks up; they never depend on the hashes."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return bytes(HASH_SIZE)

    compute(record)
    return seen


def in_memory(leaves: Sequence[bytes]) -> Lookup:
    """A lookup over a list of leaf hashes (every complete subtree computed once)."""
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return lambda level, index: levels[level][index]


def append(frontier: dict[int, bytes], size: int, leaf: bytes) -> list[tuple[int, int, bytes]]:
    """Add leaf number `size` to a tree whose complete right-edge subtrees are `frontier`
    (level -> hash, updated in place); returns the new complete subtrees above the leaf."""
    made: list[tuple[int, int, bytes]] = []
    h, level = leaf, 0
    while (size >> level) & 1:
        h = node_hash(frontier.pop(level), h)
        level += 1
        made.append((level, ((size + 1) >> level) - 1, h))
    frontier[level] = h
    return made


def frontier_levels(size: int) -> list[tuple[int, int]]:
    """The (level, index) of the complete subtrees a tree of `size` leaves decomposes into."""
    return [
        (level, (size >> level) - 1) for level in range(size.bit_length()) if (size >> level) & 1
    ]


def frontier_root(frontier: dict[int, bytes]) -> bytes:
    """MTH of the tree whose right-edge subtrees are `frontier`."""
    h: bytes | None = None
    for level in sorted(frontier):
        h = frontier[level] if h is None else node_hash(frontier[level], h)
    return EMPTY_ROOT if h is None else h


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove leaf hash `leaf` at `index` in `root_hash`?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (and, for first == second, an empty proof of equal roots)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_hash == second_hash
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0
