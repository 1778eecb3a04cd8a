"""Tagged declarations: transformation requests (`pb.transform`), custom derivative calls
(`pb.custom`) and host callbacks (`pb.host_callback`) are private func.func declarations
carrying a tag. This module holds what their verifiers share: the checks every tag makes
(well-formed, no body) and the signatures they compare."""
from __future__ import annotations

from typing import Callable, Iterator

from .ir import functions, is_declaration, signature
from .types import spec_of_type


def signature_specs(fn) -> tuple[list, list]:
    """(input specs, result specs) of a func.func (TypeError for a non-pb type)."""
    ins, outs = signature(fn)
    return [spec_of_type(t) for t in ins], [spec_of_type(t) for t in outs]


def tagged_declarations(module_op, tag: str, read: Callable, what: str, errors: list) -> Iterator[tuple]:
    """(name, declaration, parsed tag, function table) for each function tagged `tag`.

    `read(fn)` parses the tag (None: untagged). A malformed tag, or a tagged function with a
    body, is appended to `errors` as (location, message) and skipped; `what` names the kind
    in that message ("host callbacks")."""
    table = functions(module_op)
    for name, fn in table.items():
        try:
            parsed = read(fn)
        except (TypeError, ValueError, KeyError) as e:
            errors.append((fn.location, f"malformed {tag} attribute on @{name}: {e}"))
            continue
        if parsed is None:
            continue
        if not is_declaration(fn):
            errors.append((fn.location, f"@{name} carries {tag} but has a body; {what} are declarations"))
            continue
        yield name, fn, parsed, table
