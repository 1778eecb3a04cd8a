"""Pytrees, following `jax.tree_util`: flatten nested containers to a list of leaves and a
hashable `PyTreeDef` that rebuilds them.

Nodes are tuple, list, dict (keys sorted, as JAX does), None (a node with no children),
namedtuples (any tuple subclass with `_fields`), OrderedDict and defaultdict (custom nodes in
JAX too) and registered custom types; the type must match exactly, so e.g. dict subclasses
are leaves.  Everything else is a leaf.

A treedef is a nested tuple `spec`: `_LEAF`, or `(node, aux, child_specs)` where `node` is
the one `_Node` of the type and `aux` its static data (sorted keys, custom aux data).  Plain
tuples compare and hash in C, which keeps treedefs cheap as compile-cache keys.  Flattening is
on the jit dispatch hot path, so a tuple/list of leaves and a lone leaf skip the recursion and
reuse interned treedefs.
"""
from __future__ import annotations

import collections
import functools
import operator
from typing import Any, Callable, Iterable

from .tree_keys import DictKey, FlattenedIndexKey, GetAttrKey, SequenceKey


class _Node:
    """How one node type flattens, rebuilds, matches a prefix, and prints."""
    __slots__ = ("type", "kind", "flatten", "unflatten", "key")

    def __init__(self, type_, kind, flatten, unflatten, key=None):
        self.type, self.kind = type_, kind
        self.flatten = flatten        # x -> (children, aux)
        self.unflatten = unflatten    # (aux, children tuple) -> x
        self.key = key                # (aux, i) -> key path entry of child i

    def __reduce__(self):             # one node per type, so pickling/copying looks it up again
        return (_node_of, (self.type,))

    def __repr__(self):
        return f"<pytree node {self.type.__name__}>"


class _Leaf:
    __slots__ = ()

    def __repr__(self):
        return "*"

    def __reduce__(self):
        return "_LEAF"


_LEAF = _Leaf()
_UNKNOWN = object()

# Exact type -> _Node, or None for a type known to be a leaf (cached on first sight).
_kinds: dict[type, _Node | None] = {}
# Types registered as nodes (built-in or custom); registering them again is an error.
_registered: dict[type, _Node] = {}


def _index_key(aux, i):
    return SequenceKey(i)


def _dict_key(keys, i):
    return DictKey(keys[i])


def _sorted_keys(d) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:
        raise ValueError("Comparator raised exception while sorting pytree dictionary keys; "
                         f"keys: {list(d)!r}") from None


def _flatten_dict(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _flatten_defaultdict(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _register(node: _Node) -> _Node:
    _registered[node.type] = _kinds[node.type] = node
    return node


_TUPLE = _register(_Node(tuple, "tuple", lambda x: (x, None), lambda aux, ch: ch, _index_key))
_LIST = _register(_Node(list, "list", lambda x: (x, None), lambda aux, ch: list(ch), _index_key))
_DICT = _register(_Node(dict, "dict", _flatten_dict, lambda keys, ch: dict(zip(keys, ch)),
                        _dict_key))
_NONE = _register(_Node(type(None), "none", lambda x: ((), None), lambda aux, ch: None))
_NONE_SPEC = (_NONE, None, ())
# JAX registers these two as ordinary custom nodes (so they print as CustomNode(...)).
_register(_Node(collections.OrderedDict, "custom", lambda d: (list(d.values()), tuple(d)),
                lambda keys, ch: collections.OrderedDict(zip(keys, ch)), _dict_key))
_register(_Node(collections.defaultdict, "custom", _flatten_defaultdict,
                lambda aux, ch: collections.defaultdict(aux[0], zip(aux[1], ch)),
                lambda aux, i: _dict_key(aux[1], i)))


def _classify(t: type) -> _Node | None:
    """Node for an unregistered type: a namedtuple node, or None (a leaf).  Cached."""
    node = None
    if issubclass(t, tuple) and hasattr(t, "_fields"):
        node = _Node(t, "namedtuple", lambda x: (x, None), lambda aux, ch: t(*ch),
                     lambda aux, i: GetAttrKey(t._fields[i]))
    _kinds[t] = node
    return node


def _node_of(t: type) -> _Node:
    node = _kinds.get(t, _UNKNOWN)
    node = _classify(t) if node is _UNKNOWN else node
    if node is None:
        raise ValueError(f"{t} is not a pytree node type")
    return node


def register_pytree_node(nodetype: type, flatten_func: Callable, unflatten_func: Callable) -> None:
    """Make `nodetype` a pytree node: `flatten_func(x) -> (children, aux_data)` and
    `unflatten_func(aux_data, children_tuple) -> x`.  aux_data must support `==` (it is part
    of the treedef) and should be hashable."""
    if nodetype in _registered:
        raise ValueError(f"Duplicate custom PyTreeDef type registration for {nodetype}.")
    _register(_Node(nodetype, "custom", flatten_func, unflatten_func,
                    lambda aux, i: FlattenedIndexKey(i)))


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: register `cls` via its `tree_flatten()` method and
    `tree_unflatten(aux_data, children)` classmethod."""
    register_pytree_node(cls, operator.methodcaller("tree_flatten"), cls.tree_unflatten)
    return cls


# ----------------------------------------------------------------------------- treedefs

def _count(spec) -> tuple[int, int]:
    """(num_leaves, num_nodes) of a spec."""
    if spec is _LEAF:
        return 1, 1
    leaves, nodes = 0, 1
    for c in spec[2]:
        cl, cn = _count(c)
        leaves += cl
        nodes += cn
    return leaves, nodes


def _hash_key(spec):
    """The spec with unhashable aux data replaced by a constant (JAX hashes no aux data)."""
    if spec is _LEAF:
        return spec
    node, aux, children = spec
    try:
        hash(aux)
    except TypeError:
        aux = None
    return node, aux, tuple([_hash_key(c) for c in children])


def _repr(spec) -> str:
    if spec is _LEAF:
        return "*"
    node, aux, children = spec
    cs = [_repr(c) for c in children]
    kind = node.kind
    if kind == "tuple":
        return "(" + ", ".join(cs) + ("," if len(cs) == 1 else "") + ")"
    if kind == "list":
        return "[" + ", ".join(cs) + "]"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(aux, cs)) + "}"
    if kind == "none":
        return "None"
    label = "namedtuple" if kind == "namedtuple" else node.type.__name__
    data = node.type.__name__ if kind == "namedtuple" else str(aux)
    return f"CustomNode({label}[{data}], [{', '.join(cs)}])"


def _build(spec, it):
    node, aux, children = spec
    return node.unflatten(aux, tuple([next(it) if c is _LEAF else _build(c, it) for c in children]))


class _Mismatch(Exception):
    """A structure mismatch in flatten_up_to; `path` collects key entries innermost first."""

    def __init__(self, message):
        super().__init__(message)
        self.message, self.path = message, []


def _match(node: _Node, aux, n: int, x) -> Iterable:
    """Children of `x` if it is a node like (node, aux) with n children; else _Mismatch."""
    kind = node.kind
    if kind in ("tuple", "list"):
        name = node.type.__name__
        if type(x) is not node.type:
            raise _Mismatch(f"Expected {name}, got {x!r}.")
        if len(x) != n:
            raise _Mismatch(f"{name.capitalize()} arity mismatch: {len(x)} != {n}; {name}: {x!r}.")
        return x
    if kind == "dict":
        if type(x) is not dict:
            raise _Mismatch(f"Expected dict, got {x!r}.")
        keys = _sorted_keys(x)
        if keys != aux:
            raise _Mismatch(f"Dict key mismatch; expected keys: {list(aux)!r}; "
                            f"present keys: {list(keys)!r}.")
        return [x[k] for k in keys]
    if kind == "none":
        if x is not None:
            raise _Mismatch(f"Expected None, got {x!r}. None is a pytree node with no children, "
                            "not a leaf; to treat None as a leaf pass is_leaf=lambda x: x is None.")
        return ()
    if kind == "namedtuple":
        if not (isinstance(x, tuple) and hasattr(x, "_fields")):
            raise _Mismatch(f"Expected named tuple, got {x!r}.")
        if type(x) is not node.type:
            raise _Mismatch(f"Named tuple type mismatch: expected type: {node.type!r}, tuple: {x!r}.")
        if len(x) != n:
            raise _Mismatch(f"Named tuple arity mismatch: {len(x)} != {n}; tuple: {x!r}.")
        return x
    if type(x) is not node.type:
        raise _Mismatch(f"Custom node type mismatch: expected type: {node.type!r}, value: {x!r}.")
    children, xaux = node.flatten(x)
    if not (aux == xaux):
        raise _Mismatch(f"Mismatch custom node data: {aux!r} != {xaux!r}; value: {x!r}.")
    children = list(children)
    if len(children) != n:
        raise _Mismatch(f"Custom type arity mismatch: {len(children)} != {n}; value: {x!r}.")
    return children


def _up_to(spec, x, out: list) -> None:
    if spec is _LEAF:
        out.append(x)
        return
    node, aux, children = spec
    for i, (c, xc) in enumerate(zip(children, _match(node, aux, len(children), x))):
        try:
            _up_to(c, xc, out)
        except _Mismatch as e:
            e.path.append(node.key(aux, i))
            raise


class PyTreeDef:
    """The structure of a pytree: hashable, and equal for equal structures."""
    __slots__ = ("_spec", "_num_leaves", "_num_nodes", "_hash", "_flat")

    def __init__(self, spec, num_leaves: int | None = None, flat: type | None = None):
        self._spec = spec
        self._num_leaves = _count(spec)[0] if num_leaves is None else num_leaves
        self._num_nodes = self._hash = None
        self._flat = flat             # tuple/list for a flat container of leaves (fast paths)

    @property
    def num_leaves(self) -> int:
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        if self._num_nodes is None:
            self._num_nodes = _count(self._spec)[1]
        return self._num_nodes

    def children(self) -> list["PyTreeDef"]:
        return [] if self._spec is _LEAF else [_make_def(c) for c in self._spec[2]]

    def node_data(self):
        """(node type, aux data) of the root as JAX gives it; None for a leaf."""
        if self._spec is _LEAF:
            return None
        node, aux, _ = self._spec
        return node.type, (list(aux) if node.kind == "dict" else aux)

    def unflatten(self, leaves: Iterable) -> Any:
        leaves = leaves if type(leaves) is list else list(leaves)
        n = self._num_leaves
        if len(leaves) != n:
            many = "many" if len(leaves) > n else "few"
            raise ValueError(f"Too {many} leaves for PyTreeDef; expected {n}, got {len(leaves)}.")
        if self._flat is not None:
            return tuple(leaves) if self._flat is tuple else list(leaves)
        if self._spec is _LEAF:
            return leaves[0]
        return _build(self._spec, iter(leaves))

    def flatten_up_to(self, tree) -> list:
        """The subtrees of `tree` at this treedef's leaves; ValueError (naming the mismatch and
        its key path) unless this treedef is a prefix of tree's structure."""
        return self._up_to(tree, "tree")

    def _up_to(self, tree, name: str, context: str = "") -> list:
        flat = self._flat
        if flat is not None and type(tree) is flat and len(tree) == self._num_leaves:
            return list(tree)
        out = []
        try:
            _up_to(self._spec, tree, out)
        except _Mismatch as e:
            path = "".join(str(k) for k in reversed(e.path))
            where = f"at key path {name}{path}: " if path else ""
            raise ValueError(f"{context}{where}{e.message}") from None
        return out

    def __eq__(self, other):
        if self is other:
            return True
        if type(other) is not PyTreeDef:
            return NotImplemented
        return self._num_leaves == other._num_leaves and self._spec == other._spec

    def __hash__(self):
        h = self._hash
        if h is None:
            try:
                h = hash(self._spec)
            except TypeError:
                h = hash(_hash_key(self._spec))
            self._hash = h
        return h

    def __repr__(self):
        return f"PyTreeDef({_repr(self._spec)})"

    def __reduce__(self):
        return (_make_def, (self._spec,))


_LEAF_DEF = PyTreeDef(_LEAF, 1)
_FLAT_DEFS: dict[tuple[type, int], PyTreeDef] = {}   # (tuple|list, n) -> interned treedef


def _flat_def(t: type, n: int) -> PyTreeDef:
    d = _FLAT_DEFS.get((t, n))
    if d is None:
        d = PyTreeDef((_kinds[t], None, (_LEAF,) * n), n, t)
        if n <= 256:   # bounded: huge lists of leaves are not worth interning
            _FLAT_DEFS[(t, n)] = d
    return d


def _make_def(spec, num_leaves: int | None = None) -> PyTreeDef:
    """Treedef of a spec, interned if it is a leaf or a flat tuple/list of leaves."""
    if spec is _LEAF:
        return _LEAF_DEF
    node, _, children = spec
    if ((node is _TUPLE or node is _LIST) and (num_leaves is None or num_leaves == len(children))
            and all(c is _LEAF for c in children)):
        return _flat_def(node.type, len(children))
    return PyTreeDef(spec, num_leaves)


# ----------------------------------------------------------------------------- flattening

def _flatten(x, leaves: list, is_leaf):
    """Spec of any x, appending its leaves (the general path, with is_leaf)."""
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return _LEAF
    node = _kinds.get(type(x), _UNKNOWN)
    if node is _UNKNOWN:
        node = _classify(type(x))
    if node is None:
        leaves.append(x)
        return _LEAF
    children, aux = node.flatten(x)
    return node, aux, tuple([_flatten(c, leaves, is_leaf) for c in children])


def _flatten_node(node: _Node, x, leaves: list):
    """Spec of node x without is_leaf: leaf children are handled inline, saving a call each."""
    if node is _TUPLE or node is _LIST:
        children, aux = x, None
    else:
        children, aux = node.flatten(x)
    get, specs = _kinds.get, []
    for c in children:
        cnode = get(type(c), _UNKNOWN)
        if cnode is _UNKNOWN:
            cnode = _classify(type(c))
        if cnode is None:
            leaves.append(c)
            specs.append(_LEAF)
        elif cnode is _NONE:
            specs.append(_NONE_SPEC)
        else:
            specs.append(_flatten_node(cnode, c, leaves))
    return node, aux, tuple(specs)


def tree_flatten(tree, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, PyTreeDef]:
    """(leaves, treedef); `is_leaf(x)` True stops the recursion at x (x becomes a leaf)."""
    if is_leaf is None:
        t = type(tree)
        if t is tuple or t is list:       # fastest path: a flat container of known leaves
            get = _kinds.get
            for c in tree:
                if get(type(c), _UNKNOWN) is not None:
                    break
            else:
                d = _FLAT_DEFS.get((t, len(tree)))
                return list(tree), (_flat_def(t, len(tree)) if d is None else d)
        node = _kinds.get(t, _UNKNOWN)
        if node is _UNKNOWN:
            node = _classify(t)
        if node is None:
            return [tree], _LEAF_DEF
        leaves = []
        return leaves, _make_def(_flatten_node(node, tree, leaves), len(leaves))
    leaves = []
    spec = _flatten(tree, leaves, is_leaf)
    return leaves, _make_def(spec, len(leaves))


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable) -> Any:
    return treedef.unflatten(leaves)


def tree_leaves(tree, is_leaf: Callable[[Any], bool] | None = None) -> list:
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    return tree_flatten(tree, is_leaf)[1]


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """As in JAX: True for a one-node treedef, so also for None and empty containers."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef: PyTreeDef) -> bool:
    return treedef.num_nodes == 1 and treedef.num_leaves == 1


def tree_map(f: Callable, tree, *rest, is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """Apply f to the leaves of tree (and the matching subtrees of each tree in rest, whose
    structure must have tree's structure as a prefix)."""
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves])
    context = "tree_map: the first tree's structure must be a prefix of every other tree; "
    all_leaves = [leaves] + [treedef._up_to(r, f"rest[{i}]", context) for i, r in enumerate(rest)]
    return treedef.unflatten(list(map(f, *all_leaves)))


def tree_all(tree, *, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    return all(tree_leaves(tree, is_leaf))


_NO_INITIALIZER = object()


def tree_reduce(function: Callable, tree, initializer=_NO_INITIALIZER,
                is_leaf: Callable[[Any], bool] | None = None):
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def broadcast_prefix(prefix_tree, full_tree, is_leaf: Callable[[Any], bool] | None = None) -> list:
    """For each leaf of full_tree, the leaf of prefix_tree whose position covers it.

    `is_leaf` applies to prefix_tree only (vmap passes `lambda x: x is None` so that None
    in_axes entries are leaves); full_tree is flattened as usual, so None there has no leaves.
    """
    leaves, treedef = tree_flatten(prefix_tree, is_leaf)
    context = "broadcast_prefix: prefix_tree's structure must be a prefix of full_tree's; "
    subtrees = treedef._up_to(full_tree, "full_tree", context)
    out = []
    get = _kinds.get
    for leaf, sub in zip(leaves, subtrees):
        if get(type(sub), _UNKNOWN) is None:
            out.append(leaf)
        else:
            out.extend([leaf] * len(tree_leaves(sub)))
    return out


class _Callable:
    """A callable kept whole: functools.partial merges a partial passed as `func` into the new
    one, which would make its arguments leaves of the Partial."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


class Partial(functools.partial):
    """A functools.partial that is a pytree, as `jax.tree_util.Partial`: its arguments are the
    children and the function is static, so it can be passed to (and returned from) jit.
    vjp and linearize return their functions as Partials of the saved residuals."""

    def __new__(cls, func, *args, **kwargs):
        if isinstance(func, functools.partial):
            func = _Callable(func)
        return super().__new__(cls, func, *args, **kwargs)


register_pytree_node(Partial, lambda p: ((p.args, p.keywords), p.func),
                     lambda func, children: Partial(func, *children[0], **children[1]))


# Key paths, keyed registration and the rest of jax.tree_util's helpers (they build on the above).
from .tree_keys import KeyEntry, KeyPath, keystr  # noqa: E402
from .tree_paths import (all_leaves, flatten_one_level, flatten_one_level_with_keys, is_tree_node,  # noqa: E402
                         register_dataclass, register_pytree_with_keys, register_pytree_with_keys_class,
                         register_static, tree_broadcast, tree_flatten_with_path, tree_leaves_with_path,
                         tree_map_with_path, tree_reduce_associative, tree_transpose, treedef_children,
                         treedef_tuple)

__all__ = [
    "Partial", "PyTreeDef", "broadcast_prefix", "register_pytree_node", "register_pytree_node_class",
    "tree_all", "tree_flatten", "tree_leaves", "tree_map", "tree_reduce", "tree_structure",
    "tree_unflatten", "treedef_is_leaf", "treedef_is_strict_leaf",
    "DictKey", "FlattenedIndexKey", "GetAttrKey", "KeyEntry", "KeyPath", "SequenceKey", "all_leaves",
    "flatten_one_level", "flatten_one_level_with_keys", "is_tree_node", "keystr", "register_dataclass",
    "register_pytree_with_keys", "register_pytree_with_keys_class", "register_static", "tree_broadcast",
    "tree_flatten_with_path", "tree_leaves_with_path", "tree_map_with_path", "tree_reduce_associative",
    "tree_transpose", "treedef_children", "treedef_tuple",
]
