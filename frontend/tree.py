"""pullback.tree: the short names of jax.tree (tree.map, tree.leaves, ...), the same
functions as pullback.tree_util's tree_* ones."""
from __future__ import annotations

from .tree_paths import (static, tree_broadcast as broadcast, tree_flatten_with_path as flatten_with_path,
                         tree_leaves_with_path as leaves_with_path, tree_map_with_path as map_with_path,
                         tree_reduce_associative as reduce_associative, tree_transpose)
from .tree_util import (tree_all as all, tree_flatten as flatten, tree_leaves as leaves, tree_map as map,
                        tree_reduce as reduce, tree_structure as structure, tree_unflatten as unflatten)


def transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    return tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose)


__all__ = ["all", "broadcast", "flatten", "flatten_with_path", "leaves", "leaves_with_path", "map", "map_with_path",
           "reduce", "reduce_associative", "static", "structure", "transpose", "unflatten"]
