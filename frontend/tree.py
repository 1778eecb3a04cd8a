"""pullback.tree: the short names of jax.tree (tree.map, tree.leaves, ...), the same
functions as pullback.tree_util's tree_* ones."""
from __future__ import annotations

from .tree_paths import static
from .tree_paths import tree_broadcast as broadcast
from .tree_paths import tree_flatten_with_path as flatten_with_path
from .tree_paths import tree_leaves_with_path as leaves_with_path
from .tree_paths import tree_map_with_path as map_with_path
from .tree_paths import tree_reduce_associative as reduce_associative
from .tree_util import tree_all as all
from .tree_util import tree_flatten as flatten
from .tree_util import tree_leaves as leaves
from .tree_util import tree_map as map
from .tree_util import tree_reduce as reduce
from .tree_util import tree_structure as structure
from .tree_util import tree_unflatten as unflatten


def transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    from .tree_paths import tree_transpose
    return tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose)


__all__ = ["all", "broadcast", "flatten", "flatten_with_path", "leaves", "leaves_with_path", "map", "map_with_path",
           "reduce", "reduce_associative", "static", "structure", "transpose", "unflatten"]
