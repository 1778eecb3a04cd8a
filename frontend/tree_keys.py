"""Key path entries of pytrees, as `jax.tree_util`'s: SequenceKey (tuple/list index), DictKey
(dict key), GetAttrKey (namedtuple field, dataclass attribute) and FlattenedIndexKey (child
i of a node registered without keys). `str(key)` is the form keystr joins ("[0]", "['a']",
".x"); they compare and hash by value so paths can be dict keys."""
from __future__ import annotations

from typing import Any


class _Key:
    __slots__ = ()
    _field = ""

    def _value(self):
        return getattr(self, self._field)

    def __eq__(self, other):
        return type(other) is type(self) and other._value() == self._value()

    def __hash__(self):
        return hash((type(self).__name__, self._value()))

    def __repr__(self):
        return f"{type(self).__name__}({self._field}={self._value()!r})"

    def simple_str(self) -> str:
        return str(self._value())


class SequenceKey(_Key):
    __slots__ = ("idx",)
    _field = "idx"
    __match_args__ = ("idx",)

    def __init__(self, idx: int):
        self.idx = idx

    def __str__(self):
        return f"[{self.idx!r}]"


class DictKey(_Key):
    __slots__ = ("key",)
    _field = "key"
    __match_args__ = ("key",)

    def __init__(self, key: Any):
        self.key = key

    def __str__(self):
        return f"[{self.key!r}]"


class GetAttrKey(_Key):
    __slots__ = ("name",)
    _field = "name"
    __match_args__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    __slots__ = ("key",)
    _field = "key"
    __match_args__ = ("key",)

    def __init__(self, key: int):
        self.key = key

    def __str__(self):
        return f"[<flat index {self.key}>]"


KeyEntry = Any
KeyPath = tuple


def keystr(keys, *, simple: bool = False, separator: str = "") -> str:
    """A key path as a string: "['a'][0].x", or with simple=True the bare keys joined by
    `separator` ("a/0/x" for separator="/")."""
    if simple:
        return separator.join(k.simple_str() if isinstance(k, _Key) else str(k) for k in keys)
    return separator.join(str(k) for k in keys)
