"""pullback.tree_util against jax.tree_util's documented behaviour (expected values were
checked against jax 0.10)."""
import collections
import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pullback import tree_util as tu
from pullback.tree_util import (
    broadcast_prefix, register_pytree_node, register_pytree_node_class, tree_all,
    tree_flatten, tree_leaves, tree_map, tree_reduce, tree_structure, tree_unflatten,
    treedef_is_leaf, treedef_is_strict_leaf,
)

Point = collections.namedtuple("Point", "x y")
Other = collections.namedtuple("Other", "x y")


class Box:
    """A custom node with aux data: children (a, b), aux `tag`."""

    def __init__(self, a, b, tag="t"):
        self.a, self.b, self.tag = a, b, tag

    def __eq__(self, other):
        return type(other) is Box and (self.a, self.b, self.tag) == (other.a, other.b, other.tag)

    def __repr__(self):
        return f"Box({self.a!r}, {self.b!r}, {self.tag!r})"


unflatten_children_types = []


def _unflatten_box(tag, children):
    unflatten_children_types.append(type(children))
    return Box(*children, tag=tag)


register_pytree_node(Box, lambda b: ((b.a, b.b), b.tag), _unflatten_box)


@register_pytree_node_class
class Pair:
    def __init__(self, first, second):
        self.first, self.second = first, second

    def tree_flatten(self):
        return [self.first, self.second], None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    def __eq__(self, other):
        return type(other) is Pair and (self.first, self.second) == (other.first, other.second)


class Unhashable:
    __hash__ = None

    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return isinstance(other, Unhashable) and self.v == other.v


class Opaque:
    """Custom node whose aux data is unhashable."""

    def __init__(self, x, v):
        self.x, self.v = x, v


register_pytree_node(Opaque, lambda o: ((o.x,), Unhashable(o.v)), lambda aux, ch: Opaque(ch[0], aux.v))


# ------------------------------------------------------------------ flatten / unflatten

ROUND_TRIPS = [
    (1, [1], "*"),
    (None, [], "None"),
    ((), [], "()"),
    ([], [], "[]"),
    ({}, [], "{}"),
    ((1,), [1], "(*,)"),
    ((1, 2), [1, 2], "(*, *)"),
    ([1, (2, 3)], [1, 2, 3], "[*, (*, *)]"),
    ((1, {"a": 2}), [1, 2], "(*, {'a': *})"),
    ({"b": 1, "a": (2, None)}, [2, 1], "{'a': (*, None), 'b': *}"),
    ((None, None), [], "(None, None)"),
    (Point(1, (2, 3)), [1, 2, 3], "CustomNode(namedtuple[Point], [*, (*, *)])"),
    (collections.OrderedDict([("b", 1), ("a", 2)]), [1, 2],
     "CustomNode(OrderedDict[('b', 'a')], [*, *])"),
    (collections.defaultdict(list, {"b": 1, "a": 2}), [2, 1],
     "CustomNode(defaultdict[(<class 'list'>, ('a', 'b'))], [*, *])"),
    (Box(1, (2, 3)), [1, 2, 3], "CustomNode(Box[t], [*, (*, *)])"),
    (Pair(1, [2]), [1, 2], "CustomNode(Pair[None], [*, [*]])"),
    ([Box({"k": 1}, None, tag=("x", 1)), Point([], 2)], [1, 2],
     "[CustomNode(Box[('x', 1)], [{'k': *}, None]), CustomNode(namedtuple[Point], [[], *])]"),
]


@pytest.mark.parametrize("tree,leaves,shape", ROUND_TRIPS, ids=[r[2] for r in ROUND_TRIPS])
def test_round_trip(tree, leaves, shape):
    got, treedef = tree_flatten(tree)
    assert got == leaves
    assert repr(treedef) == f"PyTreeDef({shape})"
    assert treedef.num_leaves == len(leaves)
    rebuilt = tree_unflatten(treedef, got)
    assert rebuilt == tree and type(rebuilt) is type(tree)
    # Rebuilding with other leaves keeps the structure.
    tags = [f"leaf{i}" for i in range(len(leaves))]
    other = treedef.unflatten(tags)
    assert tree_structure(other) == treedef and tree_leaves(other) == tags


def test_leaf_types_and_subclasses_are_leaves():
    class D(dict):
        pass

    class L(list):
        pass

    class T(tuple):   # a tuple subclass without _fields is not a namedtuple
        pass

    arr = np.arange(3)
    for leaf in (1, 2.5, "str", b"bytes", arr, D(a=1), L([1]), T((1,)), object()):
        leaves, treedef = tree_flatten(leaf)
        assert leaves[0] is leaf and len(leaves) == 1
        assert repr(treedef) == "PyTreeDef(*)"
        assert treedef.unflatten([leaf]) is leaf


def test_flat_fast_path_matches_general_path():
    class Fresh:   # a leaf type never seen before: the fast path must classify it
        pass

    a, b = Fresh(), np.ones(2)
    for tree in ((a, b), [a, b], (b,), [], (a, None), (a, (b,))):
        fast_leaves, fast = tree_flatten(tree)
        slow_leaves, slow = tree_flatten(tree, is_leaf=lambda x: False)
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
        assert len(fast_leaves) == len(slow_leaves)
        assert all(x is y for x, y in zip(fast_leaves, slow_leaves))
        rebuilt = fast.unflatten(fast_leaves)
        assert type(rebuilt) is type(tree) and tree_structure(rebuilt) == fast
        assert all(x is y for x, y in zip(tree_leaves(rebuilt), fast_leaves))
    lst = [a, b]
    leaves, treedef = tree_flatten(lst)
    assert leaves == lst and leaves is not lst   # a fresh list, never the input
    out = treedef.unflatten(leaves)
    assert type(out) is list and out is not leaves


def test_custom_unflatten_gets_tuple_children():
    unflatten_children_types.clear()
    tree_map(lambda x: x, Box(1, 2))
    assert unflatten_children_types == [tuple]


def test_dict_keys_sorted_like_jax():
    d = {"b": 1, "a": 2, "c": 3}
    leaves, treedef = tree_flatten(d)
    assert leaves == [2, 1, 3]
    assert list(treedef.unflatten(leaves)) == ["a", "b", "c"]   # rebuilt in sorted order
    assert treedef == tree_structure({"c": 0, "a": 0, "b": 0})
    assert tree_leaves({2: "x", 1: "y"}) == ["y", "x"]
    with pytest.raises(ValueError, match="sorting pytree dictionary keys"):
        tree_flatten({"a": 1, 2: 2})


def test_ordered_and_default_dicts():
    od1 = collections.OrderedDict([("b", 1), ("a", 2)])
    od2 = collections.OrderedDict([("a", 2), ("b", 1)])
    assert tree_leaves(od1) == [1, 2]
    assert tree_structure(od1) != tree_structure(od2)   # insertion order is structure
    assert tree_structure(od1) != tree_structure(dict(od1))
    dd = collections.defaultdict(list, {"x": 1})
    back = tree_map(lambda v: v + 1, dd)
    assert type(back) is collections.defaultdict and back.default_factory is list
    assert back == {"x": 2}
    assert tree_structure(dd) != tree_structure(collections.defaultdict(dict, {"x": 1}))


def test_none_is_an_empty_node():
    leaves, treedef = tree_flatten(None)
    assert leaves == [] and treedef.num_nodes == 1 and treedef.num_leaves == 0
    assert treedef.unflatten([]) is None
    assert tree_leaves([None, 1, (None,)]) == [1]
    assert tree_map(lambda x: x + 1, (None, 1)) == (None, 2)
    assert tree_structure(None) != tree_structure(())


def test_is_leaf():
    tree = (None, [1, 2], {"a": (3,)})
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: x is None)
    assert leaves == [None, 1, 2, 3] and repr(treedef) == "PyTreeDef((*, [*, *], {'a': (*,)}))"
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, list))
    assert leaves == [[1, 2], 3] and treedef.unflatten(leaves) == tree
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, tuple))   # the root
    assert leaves == [tree] and treedef == tree_structure(0)
    assert tree_map(lambda x: x if isinstance(x, list) else -x, tree,
                    is_leaf=lambda x: isinstance(x, list)) == (None, [1, 2], {"a": (-3,)})


# ------------------------------------------------------------------ treedef objects

def test_treedef_equality_and_hash():
    s = tree_structure
    same = [
        (s((1, {"a": 2})), s(("x", {"a": np.ones(3)}))),
        (s(Point(1, 2)), s(Point(3, 4))),
        (s(Box(1, 2, "t")), s(Box(5, 6, "t"))),
        (s([None]), s([None])),
        (s((1, 2)), s((1, 2), is_leaf=lambda x: False)),
    ]
    for a, b in same:
        assert a == b and not (a != b) and hash(a) == hash(b)
    different = [
        (s((1, 2)), s([1, 2])),
        (s((1, 2)), s((1, 2, 3))),
        (s({"a": 1}), s({"b": 1})),
        (s(Point(1, 2)), s(Other(1, 2))),
        (s(Point(1, 2)), s((1, 2))),
        (s(Box(1, 2, "t")), s(Box(1, 2, "u"))),
        (s(None), s(1)),
        (s(None), s(())),
        (s((1, (2, 3))), s(((1, 2), 3))),
    ]
    for a, b in different:
        assert a != b and not (a == b)
    assert s(1) != 1 and s(()) != ()
    cache = {s((1, 2)): "flat", s({"a": 1}): "dict"}   # compile-cache style lookups
    assert cache[s((np.ones(1), np.ones(2)))] == "flat" and cache[s({"a": 3.0})] == "dict"


def test_treedef_with_unhashable_aux_is_hashable():
    a, b = tree_structure(Opaque(1, 5)), tree_structure(Opaque(2, 5))
    assert a == b and hash(a) == hash(b)
    assert a != tree_structure(Opaque(1, 6))


def test_treedef_accessors():
    treedef = tree_structure((1, [2, None], {"b": 3, "a": 4}))
    assert (treedef.num_leaves, treedef.num_nodes) == (4, 8)
    assert [repr(c) for c in treedef.children()] == [
        "PyTreeDef(*)", "PyTreeDef([*, None])", "PyTreeDef({'a': *, 'b': *})"]
    assert tree_structure(1).children() == []
    assert treedef.node_data() == (tuple, None)
    assert tree_structure({"b": 1, "a": 2}).node_data() == (dict, ["a", "b"])
    assert tree_structure(Box(1, 2, "q")).node_data() == (Box, "q")
    assert tree_structure(Point(1, 2)).node_data() == (Point, None)
    assert tree_structure(1).node_data() is None
    assert [treedef_is_leaf(tree_structure(x)) for x in (1, None, (), (1,))] == [True, True, True, False]
    assert [treedef_is_strict_leaf(tree_structure(x)) for x in (1, None, (), (1,))] == [True, False, False, False]


def test_unflatten_leaf_count_errors():
    treedef = tree_structure((1, [2, 3], {"a": 4}))
    with pytest.raises(ValueError, match="Too few leaves for PyTreeDef; expected 4, got 2"):
        treedef.unflatten([1, 2])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 4, got 5"):
        treedef.unflatten(range(5))
    with pytest.raises(ValueError, match="Too many leaves"):
        tree_structure((1, 2)).unflatten([1, 2, 3])   # flat fast path checks too
    assert treedef.unflatten(iter([1, 2, 3, 4])) == (1, [2, 3], {"a": 4})


def test_pickle_and_copy_keep_equality():
    for tree in ((1, 2), (1, {"a": [None, Point(1, 2)]}), 1, Box(1, 2)):
        treedef = tree_structure(tree)
        for clone in (pickle.loads(pickle.dumps(treedef)), copy.deepcopy(treedef), copy.copy(treedef)):
            assert clone == treedef and hash(clone) == hash(treedef) and repr(clone) == repr(treedef)
            assert clone.unflatten(tree_leaves(tree)) == tree


# ------------------------------------------------------------------ prefixes

def test_flatten_up_to():
    treedef = tree_structure((1, [2, 3], {"a": 4}))
    full = (1, [2, (3, 4)], {"a": {"x": 5}})
    assert treedef.flatten_up_to(full) == [1, 2, (3, 4), {"x": 5}]
    assert tree_structure((1, 1)).flatten_up_to((None, 2)) == [None, 2]   # a leaf covers None
    assert tree_structure(0).flatten_up_to((5, 6)) == [(5, 6)]
    assert tree_structure((None, 1)).flatten_up_to((None, 2)) == [2]


PREFIX_ERRORS = [
    ((1, [2, 3]), (1, [2, 3], 4), r"^Tuple arity mismatch: 3 != 2; tuple: \(1, \[2, 3\], 4\)\.$"),
    ((1, [2, 3]), [1, [2, 3]], r"^Expected tuple, got \[1, \[2, 3\]\]\.$"),
    ((1, [2, 3]), (1, [2]), r"^at key path tree\[1\]: List arity mismatch: 1 != 2; list: \[2\]\.$"),
    ((1, [2, 3]), (1, (2, 3)), r"^at key path tree\[1\]: Expected list"),
    ({"a": 1}, {"b": 1}, r"Dict key mismatch; expected keys: \['a'\]; present keys: \['b'\]\."),
    ({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}},
     r"^at key path tree\['a'\]: Dict key mismatch; expected keys: \['b'\]; present keys: \['b', 'c'\]"),
    ({"a": 1}, collections.OrderedDict(a=1), r"Expected dict, got OrderedDict"),
    ((None, 1), (1, 2), r"^at key path tree\[0\]: Expected None, got 1\."),
    (Point(1, 2), (1, 2), r"Expected named tuple, got \(1, 2\)\."),
    (Point(1, 2), Other(1, 2), r"Named tuple type mismatch: expected type: .*Point.*, tuple: Other\(x=1, y=2\)"),
    (Point(1, (2, 3)), Point(1, (2,)), r"^at key path tree\.y: Tuple arity mismatch: 1 != 2"),
    (Box(1, 2), (1, 2), r"Custom node type mismatch: expected type: .*Box.*, value: \(1, 2\)\."),
    (Box(1, 2, "t"), Box(1, 2, "u"), r"Mismatch custom node data: 't' != 'u'; value: Box"),
    (Box(1, (2,)), Box(1, 3), r"^at key path tree\[<flat index 1>\]: Expected tuple, got 3\."),
    (collections.OrderedDict([("a", 1), ("b", 2)]), collections.OrderedDict([("b", 1), ("a", 2)]),
     r"Mismatch custom node data: \('a', 'b'\) != \('b', 'a'\)"),
]


@pytest.mark.parametrize("prefix,full,message", PREFIX_ERRORS, ids=[m for _, _, m in PREFIX_ERRORS])
def test_flatten_up_to_errors(prefix, full, message):
    with pytest.raises(ValueError, match=message):
        tree_structure(prefix).flatten_up_to(full)


def test_tree_map():
    assert tree_map(lambda x: x * 2, (1, {"a": [2, 3]})) == (2, {"a": [4, 6]})
    assert tree_map(lambda x, y: x + y, (1, [2]), (10, [20])) == (11, [22])
    # The other trees only need the first tree's structure as a prefix.
    assert tree_map(lambda x, y: (x, y), (1, 2), (3, (4, 5))) == ((1, 3), (2, (4, 5)))
    assert tree_map(lambda x, y, z: x + y + z, {"a": 1}, {"a": 2}, {"a": 3}) == {"a": 6}
    assert tree_map(lambda x: x, Point(1, Box(2, 3))) == Point(1, Box(2, 3))
    assert tree_map(lambda x: x + 1, ()) == ()
    with pytest.raises(ValueError, match=r"prefix of every other tree; Expected tuple, got \[1, 2\]"):
        tree_map(lambda x, y: x, (1, 2), [1, 2])
    with pytest.raises(ValueError, match=r"at key path rest\[1\]\['a'\]: Dict key mismatch"):
        tree_map(lambda *a: a, {"a": {"x": 1}}, {"a": {"x": 2}}, {"a": {"y": 3}})
    with pytest.raises(ValueError, match=r"at key path rest\[0\]\[0\]: Expected None, got 1"):
        tree_map(lambda x, y: y, (None, 2), (1, 1))


def test_tree_all_and_reduce():
    assert tree_all((1, [True, 2.0])) and not tree_all((1, [0]))
    assert tree_all(()) and tree_all(None)
    assert tree_all((1, [0]), is_leaf=lambda x: isinstance(x, list))
    assert tree_reduce(lambda a, b: a + b, (1, [2, 3], {"a": 4})) == 10
    assert tree_reduce(lambda a, b: a + b, (), 7) == 7
    assert tree_reduce(lambda a, b: a + [b], ([1], 2), [0]) == [0, 1, 2]
    assert tree_reduce(lambda a, b: a + b, ([1], [2]), is_leaf=lambda x: isinstance(x, list)) == [1, 2]
    with pytest.raises(TypeError):
        tree_reduce(lambda a, b: a + b, ())


def test_broadcast_prefix():
    full = ((np.ones(1), np.ones(2)), 3.0, {"k": [4, 5]})
    assert broadcast_prefix(0, full) == [0, 0, 0, 0, 0]
    assert broadcast_prefix((0, 1, 2), full) == [0, 0, 1, 2, 2]
    assert broadcast_prefix((0, 1, {"k": [2, 3]}), full) == [0, 0, 1, 2, 3]
    # vmap's in_axes: None entries are leaves of the prefix.
    none_leaf = lambda x: x is None   # noqa: E731
    assert broadcast_prefix((0, None, None), full, is_leaf=none_leaf) == [0, 0, None, None, None]
    assert broadcast_prefix(None, full, is_leaf=none_leaf) == [None] * 5
    # None in the full tree has no leaves, so nothing covers it.
    assert broadcast_prefix((0, 1), ((1, None), 3), is_leaf=none_leaf) == [0, 1]
    assert broadcast_prefix((0, 1), (None, 3)) == [1]
    with pytest.raises(ValueError, match=r"^broadcast_prefix: .*at key path full_tree\[1\]: Expected None"):
        broadcast_prefix((0, None), ((1, 2), 3))   # without is_leaf None is a node
    with pytest.raises(ValueError, match=r"Tuple arity mismatch: 3 != 2"):
        broadcast_prefix((0, 1), ((1, 2), 3, 4), is_leaf=none_leaf)
    with pytest.raises(ValueError, match=r"Expected dict"):
        broadcast_prefix({"a": 0}, [1])


# ------------------------------------------------------------------ registration

def test_registration_rules():
    for t in (tuple, list, dict, type(None), collections.OrderedDict, Box, Pair):
        with pytest.raises(ValueError, match="Duplicate custom PyTreeDef type registration"):
            register_pytree_node(t, lambda x: ((), None), lambda aux, ch: None)

    class Later:
        def __init__(self, v):
            self.v = v

    obj = Later(1)
    assert tree_leaves([obj]) == [obj]   # a leaf until registered
    register_pytree_node(Later, lambda o: ((o.v,), None), lambda aux, ch: Later(*ch))
    assert tree_leaves([obj]) == [1] and tree_leaves(obj) == [1]

    Reg = collections.namedtuple("Reg", "a b")
    assert repr(tree_structure(Reg(1, 2))) == "PyTreeDef(CustomNode(namedtuple[Reg], [*, *]))"
    # An explicit registration overrides the namedtuple heuristic (only b is a child here).
    register_pytree_node(Reg, lambda r: ((r.b,), r.a), lambda a, ch: Reg(a, *ch))
    assert tree_flatten(Reg(1, 2))[0] == [2]
    assert repr(tree_structure(Reg(1, 2))) == "PyTreeDef(CustomNode(Reg[1], [*]))"


# ------------------------------------------------------------------ random trees

_leaf = st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=3),
                  st.builds(np.float32, st.integers(-5, 5)))


def _nodes(children):
    keys = st.text(max_size=3)
    return st.one_of(
        st.none(),
        st.lists(children, max_size=4).map(tuple),
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.builds(Point, children, children),
        st.builds(Box, children, children, st.sampled_from(["t", "u"])),
        st.dictionaries(keys, children, max_size=3).map(collections.OrderedDict),
    )


trees = st.recursive(_leaf, _nodes, max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_random_round_trip(tree):
    leaves, treedef = tree_flatten(tree)
    assert treedef.unflatten(leaves) == tree
    assert treedef.num_leaves == len(leaves)
    assert treedef.flatten_up_to(tree) == leaves
    tags = [f"leaf{i}" for i in range(len(leaves))]
    tagged = treedef.unflatten(tags)
    assert tree_structure(tagged) == treedef and hash(tree_structure(tagged)) == hash(treedef)
    assert tree_leaves(tagged) == tags
    assert tree_map(lambda x: x, tree) == tree
    if not treedef_is_strict_leaf(treedef):   # the children share out the leaves
        assert sum(c.num_leaves for c in treedef.children()) == treedef.num_leaves
        assert sum(c.num_nodes for c in treedef.children()) == treedef.num_nodes - 1


@settings(max_examples=100, deadline=None)
@given(trees, st.data())
def test_random_prefix(tree, data):
    leaves, treedef = tree_flatten(tree)
    subtrees = [data.draw(trees) for _ in leaves]   # replace each leaf by a subtree
    full = treedef.unflatten(subtrees)
    assert treedef.flatten_up_to(full) == subtrees
    covering = broadcast_prefix(tree, full)
    assert covering == [leaf for leaf, sub in zip(leaves, subtrees) for _ in tree_leaves(sub)]
    assert tree_map(lambda x, sub: sub, tree, full) == full
