"""The key-path half of `jax.tree_util`, and the registration helpers that carry keys.

Flattening with paths walks the same nodes as tree_flatten (so leaves come in the same
order) and records each child's key entry: the node's own key function, or the keys given
by `register_pytree_with_keys`. Also here: register_dataclass/register_static, transposing
a tree of trees, one-level flattening, treedef_tuple/children, tree_broadcast and the
associative reduction.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable

from . import tree_util as _tu
from .tree_keys import FlattenedIndexKey, GetAttrKey, keystr  # noqa: F401 - keystr re-exported
from .tree_util import PyTreeDef, register_pytree_node, tree_flatten, tree_leaves, tree_structure

# type -> flatten_with_keys(x) -> ([(key, child), ...], aux), for types registered with keys
_KEYED: dict[type, Callable] = {}


def _node(x):
    t = type(x)
    node = _tu._kinds.get(t, _tu._UNKNOWN)
    return _tu._classify(t) if node is _tu._UNKNOWN else node


def _keyed_children(x, node):
    keyed = _KEYED.get(type(x))
    if keyed is not None:
        pairs, _ = keyed(x)
        return [(k, c) for k, c in pairs]
    children, aux = node.flatten(x)
    return [(node.key(aux, i) if node.key else FlattenedIndexKey(i), c) for i, c in enumerate(children)]


def _walk(x, path, out, is_leaf):
    if is_leaf is not None and is_leaf(x):
        out.append((path, x))
        return
    node = _node(x)
    if node is None:
        out.append((path, x))
        return
    for k, c in _keyed_children(x, node):
        _walk(c, path + (k,), out, is_leaf)


def tree_flatten_with_path(tree, is_leaf: Callable[[Any], bool] | None = None):
    """([(key_path, leaf), ...], treedef)."""
    out: list = []
    _walk(tree, (), out, is_leaf)
    return out, tree_structure(tree, is_leaf)


def tree_leaves_with_path(tree, is_leaf: Callable[[Any], bool] | None = None) -> list:
    out: list = []
    _walk(tree, (), out, is_leaf)
    return out


def tree_map_with_path(f: Callable, tree, *rest, is_leaf: Callable[[Any], bool] | None = None):
    """f(key_path, leaf, *matching leaves of rest) at every leaf."""
    pairs, treedef = tree_flatten_with_path(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


def register_pytree_with_keys(nodetype: type, flatten_with_keys: Callable, unflatten_func: Callable,
                              flatten_func: Callable | None = None) -> None:
    """Register a node whose flatten_with_keys(x) -> ([(key, child), ...], aux) names its
    children's key entries."""
    if flatten_func is None:
        def flatten_func(x):
            pairs, aux = flatten_with_keys(x)
            return [c for _, c in pairs], aux
    register_pytree_node(nodetype, flatten_func, unflatten_func)
    _KEYED[nodetype] = flatten_with_keys


def register_pytree_with_keys_class(cls: type) -> type:
    flat = getattr(cls, "tree_flatten", None)
    register_pytree_with_keys(cls, lambda x: x.tree_flatten_with_keys(), cls.tree_unflatten,
                              (lambda x: x.tree_flatten()) if flat is not None else None)
    return cls


def register_dataclass(nodetype: type, data_fields=None, meta_fields=None, drop_fields=()) -> type:
    """A dataclass as a node: data_fields are children (keys GetAttrKey), meta_fields static aux.
    Without field lists, fields marked `metadata={'static': True}` (tree.static) are meta."""
    if data_fields is None or meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError("register_dataclass: data_fields and meta_fields are required when"
                            f" {nodetype} is not a dataclass")
        fields = [f for f in dataclasses.fields(nodetype) if f.init and f.name not in drop_fields]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)

    def flatten_with_keys(x):
        return ([(GetAttrKey(n), getattr(x, n)) for n in data_fields], tuple(getattr(x, m) for m in meta_fields))

    def flatten(x):
        return [getattr(x, n) for n in data_fields], tuple(getattr(x, m) for m in meta_fields)

    def unflatten(meta, children):
        return nodetype(**dict(zip(data_fields, children)), **dict(zip(meta_fields, meta)))
    register_pytree_with_keys(nodetype, flatten_with_keys, unflatten, flatten)
    return nodetype


def register_static(cls: type) -> type:
    """A type with no children: its instances are static aux data of the treedef."""
    register_pytree_with_keys(cls, lambda x: ((), x), lambda aux, _: aux)
    return cls


def static(**kwargs):
    """A dataclasses.field marked static for register_dataclass (jax.tree.static)."""
    metadata = {"static": True, **(kwargs.pop("metadata", {}) or {})}
    return dataclasses.field(metadata=metadata, **kwargs)


def tree_transpose(outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose):
    """An outer tree of inner trees as an inner tree of outer trees (JAX's algorithm: the leaves
    in order, cut into outer-many runs of inner-many)."""
    flat, treedef = tree_flatten(pytree_to_transpose)
    if inner_treedef is None:
        inner_treedef = tree_structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    inner, outer = inner_treedef.num_leaves, outer_treedef.num_leaves
    if treedef.num_leaves != inner * outer:
        raise TypeError(f"Mismatch\n{treedef}\n != \nouter {outer_treedef} of inner {inner_treedef}")
    lol = [flat[i * inner:(i + 1) * inner] for i in range(outer)]
    cols = list(zip(*lol)) if lol else [() for _ in range(inner)]
    return inner_treedef.unflatten([outer_treedef.unflatten(list(c)) for c in cols])


def flatten_one_level(tree):
    node = _node(tree)
    if node is None:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    children, aux = node.flatten(tree)
    return tuple(children), aux


def flatten_one_level_with_keys(tree):
    node = _node(tree)
    if node is None:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    _, aux = node.flatten(tree)
    return tuple(_keyed_children(tree, node)), aux


def is_tree_node(typ: type) -> bool:
    """Whether the type is a pytree node type (registered, built in, or a namedtuple)."""
    if not isinstance(typ, type):
        raise TypeError(f"is_tree_node takes a type, got {typ!r}")
    node = _tu._kinds.get(typ, _tu._UNKNOWN)
    return (_tu._classify(typ) if node is _tu._UNKNOWN else node) is not None


def all_leaves(iterable, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    items = list(iterable)
    leaves = tree_leaves(items, is_leaf)
    return len(leaves) == len(items) and all(a is b for a, b in zip(items, leaves))


def treedef_children(treedef: PyTreeDef) -> list:
    return treedef.children()


def treedef_tuple(treedefs) -> PyTreeDef:
    return tree_structure(tuple(t.unflatten([0] * t.num_leaves) for t in treedefs))


def tree_broadcast(prefix_tree, full_tree, is_leaf: Callable[[Any], bool] | None = None):
    """prefix_tree's leaves repeated over the full structure of full_tree."""
    return tree_structure(full_tree).unflatten(_tu.broadcast_prefix(prefix_tree, full_tree, is_leaf=is_leaf))


_NO_IDENTITY = object()


def tree_reduce_associative(operation: Callable, tree, *, identity=_NO_IDENTITY,
                            is_leaf: Callable[[Any], bool] | None = None):
    """The leaves combined pairwise in a balanced tree (operation must be associative)."""
    leaves = tree_leaves(tree, is_leaf)
    if not leaves:
        if identity is _NO_IDENTITY:
            raise TypeError("Must specify identity for parallel reduction of empty sequence.")
        return identity
    while len(leaves) > 1:
        pairs = [operation(a, b) for a, b in zip(leaves[0::2], leaves[1::2])]
        leaves = pairs + ([leaves[-1]] if len(leaves) % 2 else [])
    return functools.reduce(operation, leaves)
