"""Known-answer tests of the Merkle tree against RFC 9162 §2.1, on every tree of 1 to 64 leaves.

Each proof the efficient implementation makes is checked twice: against a naive reference
written straight from the RFC's definitions (MTH, PATH, SUBPROOF), and with the RFC's
verification algorithms, which must also refuse a proof that is off by one in any way.
"""

from __future__ import annotations

import hashlib

import pytest

from domain import merkle

SIZES = range(1, 65)
# The leaves of the RFC 6962 test vectors (certificate-transparency, merkle_tree_test).
VECTOR_LEAVES = [
    bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657")
] + [bytes(range(0x60, 0x70))]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


# The naive reference: RFC 9162 §2.1.1 to §2.1.4 as written, over the leaf data itself.
def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


Trees = dict[int, tuple[list[bytes], merkle.Lookup]]


def data(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


@pytest.fixture(scope="module")
def trees() -> dict[int, tuple[list[bytes], merkle.Lookup]]:
    out = {}
    for n in SIZES:
        d = data(n)
        out[n] = (d, merkle.in_memory([merkle.leaf_hash(x) for x in d]))
    return out


def test_fixed_vectors() -> None:
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    lookup = merkle.in_memory([merkle.leaf_hash(x) for x in VECTOR_LEAVES])
    for size, expected in enumerate(VECTOR_ROOTS, start=1):
        assert merkle.root(lookup, size).hex() == expected
        assert mth(VECTOR_LEAVES[:size]).hex() == expected
    assert [p.hex() for p in merkle.inclusion_path(lookup, 0, 8)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert merkle.root(merkle.in_memory([]), 0) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("n", SIZES)
def test_roots_and_incremental_appends(n: int, trees: Trees) -> None:
    d, lookup = trees[n]
    assert merkle.root(lookup, n) == mth(d)
    frontier: dict[int, bytes] = {}
    nodes: dict[tuple[int, int], bytes] = {}
    for i, x in enumerate(d):
        nodes[0, i] = merkle.leaf_hash(x)
        for level, index, h in merkle.append(frontier, i, merkle.leaf_hash(x)):
            nodes[level, index] = h
    assert merkle.frontier_root(frontier) == mth(d)
    assert sorted(frontier) == [lvl for lvl, _ in merkle.frontier_levels(n)]
    assert all(nodes[key] == lookup(*key) for key in nodes)  # every stored node is right
    assert merkle.root(lambda lvl, idx: nodes[lvl, idx], n) == mth(d)


@pytest.mark.parametrize("n", SIZES)
def test_inclusion_proofs(n: int, trees: Trees) -> None:
    d, lookup = trees[n]
    root = mth(d)
    for m in range(n):
        proof = merkle.inclusion_path(lookup, m, n)
        assert proof == path(m, d)
        leaf = merkle.leaf_hash(d[m])
        assert merkle.verify_inclusion(leaf, m, n, proof, root)
        assert not merkle.verify_inclusion(merkle.leaf_hash(b"other"), m, n, proof, root)
        assert not merkle.verify_inclusion(leaf, m, n, proof, merkle.EMPTY_ROOT)
        assert not merkle.verify_inclusion(leaf, m, n, [*proof, root], root)
        if proof:
            assert not merkle.verify_inclusion(leaf, m, n, proof[:-1], root)
        if n > 1:
            assert not merkle.verify_inclusion(leaf, (m + 1) % n, n, proof, root)
    assert not merkle.verify_inclusion(merkle.leaf_hash(d[0]), n, n, [], root)


@pytest.mark.parametrize("n", SIZES)
def test_consistency_proofs(n: int, trees: Trees) -> None:
    d, lookup = trees[n]
    second = mth(d)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(lookup, m, n)
        assert proof == subproof(m, d, True)
        first = mth(d[:m])
        assert merkle.verify_consistency(m, n, first, second, proof)
        assert not merkle.verify_consistency(m, n, merkle.EMPTY_ROOT, second, proof)
        assert not merkle.verify_consistency(m, n, first, merkle.EMPTY_ROOT, proof)
        if proof:
            assert not merkle.verify_consistency(m, n, first, second, proof[:-1])
            assert not merkle.verify_consistency(m, n, first, second, [*proof, second])
    assert not merkle.verify_consistency(0, n, merkle.EMPTY_ROOT, second, [])


def test_proofs_need_only_a_logarithmic_number_of_lookups() -> None:
    n = 1_000_003
    assert len(merkle.needed(lambda lookup: merkle.root(lookup, n))) <= 20
    assert len(merkle.needed(lambda lookup: merkle.inclusion_path(lookup, 777, n))) <= 45
    assert len(merkle.needed(lambda lookup: merkle.consistency_proof(lookup, 5_000, n))) <= 45
