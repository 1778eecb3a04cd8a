"""jnp.einsum on pb ops: pairwise lax.dot_general contractions, left to right.

Each operand first sums the letters no one else needs; then operands are
contracted in order, a shared letter becoming a batch dimension while it is
still needed (by the output or a later operand) and a contracting dimension
otherwise; a final transpose puts the letters in output order. Size-1
dimensions broadcast against the other operands (they are squeezed away, as
JAX does), and '...' stands for the broadcast leading dimensions.
"""
from __future__ import annotations

from .. import lax
from ..errors import user_error
from ._core import as_value, promote
from ._arrange import diagonal


def einsum(subscripts, *operands, optimize=None, precision=None, preferred_element_type=None):
    if not isinstance(subscripts, str):
        subscripts, operands = _from_sublists(subscripts, operands)
    if preferred_element_type is not None:
        raise NotImplementedError("pullback.numpy.einsum with preferred_element_type")
    if not operands:
        raise user_error(ValueError, "einsum needs at least one operand")
    arrays = [as_value(x) for x in promote(*operands)]
    inputs, output = _parse(subscripts, [a.aval.ndim for a in arrays])
    for k, labels in enumerate(inputs):
        arrays[k], inputs[k] = _take_diagonals(arrays[k], labels)
    arrays, inputs = _broadcast_size_one(arrays, inputs)

    terms = list(zip(arrays, inputs))
    acc, acc_labels = _sum_unneeded(*terms[0], _needed(output, inputs[1:]))
    for k in range(1, len(terms)):
        needed = _needed(output, inputs[k + 1:])
        rhs, rhs_labels = _sum_unneeded(*terms[k], needed | set(acc_labels))
        acc, acc_labels = _sum_unneeded(acc, acc_labels, needed | set(rhs_labels))
        acc, acc_labels = _contract(acc, acc_labels, rhs, rhs_labels, needed)
    return lax.transpose(acc, [acc_labels.index(lab) for lab in output])


def _parse(subscripts: str, ranks: list[int]):
    """Label lists of the inputs and the output; '...' becomes labels '.0', '.1', ... (from the right)."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise user_error(ValueError, f"einsum '{subscripts}' names {len(terms)} operands but got {len(ranks)}")
    inputs, n_ellipsis = [], 0
    for term, rank in zip(terms, ranks):
        labels = _letters(term, subscripts)
        if "..." in labels:
            extra = rank - (len(labels) - 1)
            if extra < 0:
                raise user_error(ValueError, f"einsum '{subscripts}': operand of rank {rank} has too few "
                                 "dimensions for its subscripts")
            i = labels.index("...")
            labels[i:i + 1] = [f".{extra - 1 - j}" for j in range(extra)]
            n_ellipsis = max(n_ellipsis, extra)
        elif len(labels) != rank:
            raise user_error(ValueError, f"einsum '{subscripts}': subscripts '{term}' name {len(labels)} "
                             f"dimensions but the operand has rank {rank}")
        inputs.append(labels)
    ellipsis = [f".{n_ellipsis - 1 - j}" for j in range(n_ellipsis)]
    if arrow:
        output = _letters(rhs, subscripts)
        if "..." in output:
            i = output.index("...")
            output[i:i + 1] = ellipsis
        seen = {lab for labels in inputs for lab in labels}
        for lab in output:
            if output.count(lab) > 1:
                raise user_error(ValueError, f"einsum '{subscripts}': output index '{lab}' appears twice")
            if lab not in seen:
                raise user_error(ValueError, f"einsum '{subscripts}': output index '{lab}' appears in no input")
    else:  # implicit: the broadcast dims, then the letters used once, alphabetically
        counts: dict = {}
        for labels in inputs:
            for lab in labels:
                counts[lab] = counts.get(lab, 0) + 1
        output = ellipsis + sorted(lab for lab, n in counts.items() if n == 1 and not lab.startswith("."))
    return inputs, output


def _letters(term: str, subscripts: str) -> list[str]:
    out, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            if "..." in out:
                raise user_error(ValueError, f"einsum '{subscripts}': more than one '...' in a term")
            out.append("...")
            i += 3
        elif term[i].isalpha():
            out.append(term[i])
            i += 1
        else:
            raise user_error(ValueError, f"einsum '{subscripts}': invalid subscript character '{term[i]}'")
    return out


def _broadcast_size_one(arrays, inputs):
    """Squeeze size-1 dims whose letter is larger elsewhere; check the other sizes agree."""
    sizes: dict = {}
    for a, labels in zip(arrays, inputs):
        for lab, n in zip(labels, a.aval.shape):
            if n != 1 and sizes.get(lab, 1) not in (1, n):
                what = "a '...' dimension" if lab.startswith(".") else f"index '{lab}'"
                raise user_error(ValueError, f"einsum: {what} has sizes {sizes[lab]} and {n} in different "
                                 "operands")
            if n != 1 or lab not in sizes:
                sizes[lab] = n
    out_arrays, out_inputs = [], []
    for a, labels in zip(arrays, inputs):
        keep = [k for k, lab in enumerate(labels) if not (a.aval.shape[k] == 1 and sizes[lab] != 1)]
        if len(keep) != len(labels):
            a = lax.reshape(a, tuple(a.aval.shape[k] for k in keep))
            labels = [labels[k] for k in keep]
        out_arrays.append(a)
        out_inputs.append(list(labels))
    return out_arrays, out_inputs


def _needed(output, later_inputs) -> set:
    return set(output).union(*map(set, later_inputs))


def _sum_unneeded(x, labels, needed):
    axes = tuple(k for k, lab in enumerate(labels) if lab not in needed)
    if not axes:
        return x, labels
    return lax.reduce_sum(x, axes), [lab for k, lab in enumerate(labels) if k not in axes]


def _contract(lhs, lhs_labels, rhs, rhs_labels, needed):
    shared = [lab for lab in lhs_labels if lab in rhs_labels]
    batch = [lab for lab in shared if lab in needed]
    contracting = [lab for lab in shared if lab not in needed]
    dims = (([lhs_labels.index(l) for l in contracting], [rhs_labels.index(l) for l in contracting]),
            ([lhs_labels.index(l) for l in batch], [rhs_labels.index(l) for l in batch]))
    out = lax.dot_general(lhs, rhs, dims)
    labels = (batch + [l for l in lhs_labels if l not in shared] + [l for l in rhs_labels if l not in shared])
    return out, labels


def _from_sublists(first, rest):
    """The interleaved form einsum(op0, sublist0, op1, sublist1, ..., [sublist_out]) as a string."""
    args = (first,) + tuple(rest)
    out = args[-1] if len(args) % 2 else None
    pairs = args[:-1] if len(args) % 2 else args
    operands, sublists = list(pairs[0::2]), list(pairs[1::2])

    def letters(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)
    spec = ",".join(letters(s) for s in sublists)
    if out is not None:
        spec += "->" + letters(out)
    return spec, tuple(operands)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _take_diagonals(x, labels):
    """x with each label repeated within one operand ('ii') reduced to its diagonal, the
    diagonal's dimension last (jnp.diagonal's layout)."""
    labels = list(labels)
    while True:
        dup = next((lab for lab in labels if labels.count(lab) > 1), None)
        if dup is None:
            return x, labels
        p = labels.index(dup)
        q = labels.index(dup, p + 1)
        if x.aval.shape[p] != x.aval.shape[q]:
            raise user_error(ValueError, f"einsum: repeated index '{dup}' has sizes "
                             f"{x.aval.shape[p]} and {x.aval.shape[q]}")
        x = diagonal(x, 0, p, q)
        labels = [lab for i, lab in enumerate(labels) if i not in (p, q)] + [dup]
