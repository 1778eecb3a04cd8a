"""pullback.tree and tree_util's key-path API against jax.tree / jax.tree_util on the same
pytrees: paths, keystr, keyed and dataclass registration, transpose, broadcast, reductions."""
from __future__ import annotations

import collections
import dataclasses

import pytest

import pullback as pb
from pullback import tree_util as ptu

jax = pytest.importorskip("jax")
jtu = jax.tree_util

Point = collections.namedtuple("Point", "x y")
TREES = [
    {"a": [1, (2, 3)], "b": None, "c": {"d": 4}},
    (1, [2, Point(3, 4)], {}),
    collections.OrderedDict([("z", 1), ("a", (2,))]),
    [],
    5,
]


def _paths(pairs):
    return [(tuple(repr(k) for k in path), leaf) for path, leaf in pairs]


@pytest.mark.parametrize("tree", TREES)
def test_flatten_with_path_matches_jax(tree):
    got, gdef = ptu.tree_flatten_with_path(tree)
    want, wdef = jtu.tree_flatten_with_path(tree)
    assert _paths(got) == _paths(want)
    assert gdef.num_leaves == wdef.num_leaves
    assert [ptu.keystr(p) for p, _ in got] == [jtu.keystr(p) for p, _ in want]
    assert [ptu.keystr(p, simple=True, separator="/") for p, _ in got] == \
        [jtu.keystr(p, simple=True, separator="/") for p, _ in want]
    assert _paths(pb.tree.leaves_with_path(tree)) == _paths(jax.tree.leaves_with_path(tree))


def test_map_with_path_matches_jax():
    tree = {"a": [1, 2], "b": Point(3, 4)}
    other = {"a": [10, 20], "b": Point(30, 40)}

    def fn(k):
        return lambda p, x, y: f"{k.keystr(p)}={x + y}"
    assert pb.tree.map_with_path(fn(ptu), tree, other) == jax.tree.map_with_path(fn(jtu), tree, other)


def test_key_entries_compare_and_print_as_jax():
    for name, arg in [("SequenceKey", 3), ("DictKey", "k"), ("GetAttrKey", "w"), ("FlattenedIndexKey", 1)]:
        p, j = getattr(ptu, name)(arg), getattr(jtu, name)(arg)
        assert repr(p) == repr(j) and str(p) == str(j)
        assert p == getattr(ptu, name)(arg) and hash(p) == hash(getattr(ptu, name)(arg))
    assert ptu.SequenceKey(1) != ptu.FlattenedIndexKey(1)


def test_register_pytree_with_keys():
    for tu in (ptu, jtu):
        class Box:
            def __init__(self, a, b):
                self.a, self.b = a, b
        tu.register_pytree_with_keys(
            Box, lambda x: (((tu.GetAttrKey("a"), x.a), (tu.GetAttrKey("b"), x.b)), None),
            lambda aux, ch: Box(*ch))
        pairs, _ = tu.tree_flatten_with_path({"k": Box(1, [2])})
        if tu is ptu:
            got = [(tu.keystr(p), v) for p, v in pairs]
        else:
            want = [(tu.keystr(p), v) for p, v in pairs]
    assert got == want == [("['k'].a", 1), ("['k'].b[0]", 2)]


def test_register_dataclass_and_static_field():
    out = {}
    for mod, tu in ((pb, ptu), (jax, jtu)):
        @tu.register_dataclass
        @dataclasses.dataclass
        class Layer:
            w: object
            b: object
            act: str = mod.tree.static(default="relu")
        leaves, tdef = mod.tree.flatten(Layer(1, 2))
        rebuilt = mod.tree.unflatten(tdef, [5, 6])
        out[mod] = (leaves, rebuilt.w, rebuilt.b, rebuilt.act, mod.tree.map(lambda v: v * 2, Layer(1, 2)).b,
                    [tu.keystr(p) for p, _ in tu.tree_flatten_with_path(Layer(1, 2))[0]])
    assert out[pb] == out[jax]


def test_register_dataclass_explicit_fields_and_static_type():
    for tu in (ptu, jtu):
        @dataclasses.dataclass
        class P:
            x: object
            meta: str
        tu.register_dataclass(P, data_fields=["x"], meta_fields=["meta"])

        @tu.register_static
        class Cfg:
            def __init__(self, n):
                self.n = n
        leaves = tu.tree_leaves([P(1, "m"), Cfg(3)])
        assert leaves == [1]


@pytest.mark.parametrize("outer,inner,tree", [
    ([0, 0], (0, 0), [(1, 2), (3, 4)]),
    ({"a": 0, "b": 0}, [0, 0, 0], {"a": [1, 2, 3], "b": [4, 5, 6]}),
])
def test_transpose_matches_jax(outer, inner, tree):
    got = pb.tree.transpose(ptu.tree_structure(outer), ptu.tree_structure(inner), tree)
    want = jax.tree.transpose(jtu.tree_structure(outer), jtu.tree_structure(inner), tree)
    assert got == want
    assert pb.tree.transpose(ptu.tree_structure(outer), None, tree) == want


def test_transpose_mismatch_raises_like_jax():
    with pytest.raises(Exception) as want:
        jax.tree.transpose(jtu.tree_structure([0, 0]), jtu.tree_structure((0, 0)), [(1, 2), (3,)])
    with pytest.raises(want.type):
        pb.tree.transpose(ptu.tree_structure([0, 0]), ptu.tree_structure((0, 0)), [(1, 2), (3,)])


def test_short_names_match_jax():
    tree = {"x": [1, 2, 3], "y": (4, None)}
    assert pb.tree.leaves(tree) == jax.tree.leaves(tree)
    assert pb.tree.map(lambda v: v + 1, tree) == jax.tree.map(lambda v: v + 1, tree)
    assert pb.tree.reduce(lambda a, b: a + b, tree, 10) == jax.tree.reduce(lambda a, b: a + b, tree, 10)
    assert pb.tree.reduce_associative(lambda a, b: a * b, tree) == \
        jax.tree.reduce_associative(lambda a, b: a * b, tree)
    assert pb.tree.all(tree) == jax.tree.all(tree) and not pb.tree.all([1, 0])
    leaves, tdef = pb.tree.flatten(tree)
    assert pb.tree.unflatten(tdef, leaves) == tree
    assert pb.tree.structure(tree).num_leaves == jax.tree.structure(tree).num_leaves
    assert pb.tree.broadcast([1, 2], [(0, 0), {"a": 0}]) == jax.tree.broadcast([1, 2], [(0, 0), {"a": 0}])
    with pytest.raises(TypeError):
        pb.tree.reduce_associative(lambda a, b: a + b, [])


def test_one_level_helpers_match_jax():
    tree = {"b": [1, 2], "a": 3}
    assert ptu.flatten_one_level(tree)[0] == jtu.flatten_one_level(tree)[0]
    got = [(repr(k), v) for k, v in ptu.flatten_one_level_with_keys(tree)[0]]
    want = [(repr(k), v) for k, v in jtu.flatten_one_level_with_keys(tree)[0]]
    assert got == want
    for t in (int, list, type(None), Point, dict, str):
        assert ptu.is_tree_node(t) == jtu.is_tree_node(t)
    assert ptu.all_leaves([1, 2.0]) and not ptu.all_leaves([[1]])
    assert jtu.all_leaves([1, 2.0]) and not jtu.all_leaves([[1]])
    defs = [ptu.tree_structure((0, 0)), ptu.tree_structure([0])]
    assert ptu.treedef_tuple(defs) == ptu.tree_structure(((0, 0), [0]))
    assert ptu.treedef_children(ptu.treedef_tuple(defs)) == defs
    with pytest.raises(ValueError):
        ptu.flatten_one_level(1)
