"""Spec rows of the contraction family."""
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpCase, random_array

# bool contracts as OR of ANDs (XLA's PRED dot)
DTYPES = FLOAT_DTYPES + INT_DTYPES + ["uint32", "bool"] + COMPLEX_DTYPES


@st.composite
def dot_general_case(draw, kind: str = "random"):
    """Operands and dimension numbers; "random" places batch/contracting/free dims anywhere."""
    dtype = draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**31))
    size = st.integers(1, 4)
    if kind == "matmul":
        m, k, n = draw(size), draw(size), draw(size)
        shapes = ((m, k), (k, n))
        dn = dict(lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=())
    elif kind == "batch_matmul":
        b, m, k, n = draw(size), draw(size), draw(size), draw(size)
        shapes = ((b, m, k), (b, k, n))
        dn = dict(lhs_contracting=(2,), rhs_contracting=(1,), lhs_batch=(0,), rhs_batch=(0,))
    else:
        nb, nc = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        nlf, nrf = draw(st.integers(0, 4 - nb - nc)), draw(st.integers(0, 4 - nb - nc))
        batch, contract = [draw(size) for _ in range(nb)], [draw(size) for _ in range(nc)]
        # each operand: a random order of its batch, contracting and free dims
        roles_l = draw(st.permutations([("b", i) for i in range(nb)] + [("c", i) for i in range(nc)]
                                       + [("f", i) for i in range(nlf)]))
        roles_r = draw(st.permutations([("b", i) for i in range(nb)] + [("c", i) for i in range(nc)]
                                       + [("f", i) for i in range(nrf)]))
        lfree, rfree = [draw(size) for _ in range(nlf)], [draw(size) for _ in range(nrf)]

        def shape(roles, free):
            return tuple({"b": batch, "c": contract, "f": free}[r][i] for r, i in roles)

        def where(roles, role, n):
            return tuple(roles.index((role, i)) for i in range(n))
        shapes = (shape(roles_l, lfree), shape(roles_r, rfree))
        dn = dict(lhs_contracting=where(roles_l, "c", nc), rhs_contracting=where(roles_r, "c", nc),
                  lhs_batch=where(roles_l, "b", nb), rhs_batch=where(roles_r, "b", nb))
    arrays = [random_array(seed + i, s, dtype) for i, s in enumerate(shapes)]
    return arrays, dn, None


CASES = {
    "dot_general": OpCase(dot_general_case(), max_examples=20),
    # lowered to linalg.matmul / linalg.batch_matmul rather than linalg.generic
    "dot_general_matmul": OpCase(dot_general_case("matmul"), extra={"op": "dot_general"}),
    "dot_general_batch_matmul": OpCase(dot_general_case("batch_matmul"), extra={"op": "dot_general"}),
}
