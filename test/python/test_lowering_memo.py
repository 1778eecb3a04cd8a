"""pb-to-linalg clones repeated lowerings (passes/lowering_memo.py): the IR must be the one the
rules build, op for op, locations included; and a lowering that reads values it did not
make inside its regions must not be reused."""
from __future__ import annotations

import pytest
from mlir import ir

import pullback as pb
import pullback.lax as lax
import pullback.numpy as jnp
from pullback.passes import lowering_memo, run_pipeline
from pullback.passes.pipeline import STAGES


def _mlp_grad():
    def loss(params, x):
        for w, b in params:
            x = jnp.tanh(x @ w + b)
        return jnp.sum(jax_softmax(x) ** 2)
    params = [(jnp.ones((8, 8)) * 0.1, jnp.zeros(8)) for _ in range(5)]
    return pb.jit(pb.grad(loss)), (params, jnp.ones((4, 8)))


def jax_softmax(x):
    e = jnp.exp(x - jnp.max(x, axis=-1, keepdims=True))
    return e / jnp.sum(e, axis=-1, keepdims=True)


def _rnn_grad():
    def loss(w, xs):
        def step(h, x):
            h = jnp.tanh(w @ h + x)
            return h, jnp.sin(h) * jnp.cos(h)
        h, ys = lax.scan(step, jnp.zeros(6), xs)
        return jnp.sum(ys) + jnp.sum(h ** 3)
    return pb.jit(pb.grad(loss)), (jnp.eye(6) * 0.5, jnp.ones((5, 6)))


def _repeated_specials():
    def f(x, i):
        ys = []
        for k in range(4):  # each on its own source line per iteration: same line, same lowering
            ys.append(lax.erf(x * k) + jnp.log1p(jnp.abs(x)) + jnp.sort(x)[::-1] + jnp.cumsum(x))
            ys.append(jnp.fft.rfft(x).real[:2].sum() + jnp.take(x, i))
        return sum(ys)
    return pb.jit(f), (jnp.linspace(-1.0, 1.0, 8), jnp.array(3))


def _vmapped_cond():
    def f(x):
        return lax.cond(x.sum() > 0, lambda v: jnp.tanh(v) * 2, lambda v: jnp.sinh(v), x) + \
            lax.cond(x.sum() > 1, lambda v: jnp.tanh(v) * 2, lambda v: jnp.sinh(v), x)
    return pb.jit(pb.vmap(f)), (jnp.ones((3, 4)),)


PROGRAMS = {"mlp_grad": _mlp_grad, "rnn_grad": _rnn_grad, "specials": _repeated_specials,
            "vmapped_cond": _vmapped_cond}


def _linalg(make, monkeypatch, reuse: bool) -> str:
    """The program after pb-to-linalg, printed with its locations."""
    monkeypatch.setattr(lowering_memo.LoweringMemo, "BUILDS_BEFORE_TEMPLATE", 2 if reuse else 1 << 30)
    fn, args = make()
    program = fn._trace_alone(args, {}).program
    with program.context:
        module = ir.Module.parse(program.module.operation.get_asm(enable_debug_info=True))
        run_pipeline(module, STAGES["transformed"] + STAGES["linalg"])
        return module.operation.get_asm(enable_debug_info=True)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_reused_lowerings_print_as_built(name, monkeypatch):
    """Op for op, nested ops' locations included (each the new op's, not the template's)."""
    built = _linalg(PROGRAMS[name], monkeypatch, reuse=False)
    reused = _linalg(PROGRAMS[name], monkeypatch, reuse=True)
    assert "loc(" in built
    assert reused == built


def test_memo_reuses_and_refuses():
    """Seen a third time, a lowering is cloned; one whose region reads an outside value is not."""
    from pullback.dialects.context import context
    with context(), ir.Location.unknown():
        module = ir.Module.parse("""
          func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
            return %a, %b : tensor<4xf32>, tensor<4xf32>
          }""")
        block = module.body.operations[0].regions[0].blocks[0]
        a, b = block.arguments
        ret = block.operations[0]
        memo = lowering_memo.LoweringMemo()
        built = []

        def negate(x):
            def build():
                built.append(x)
                with ir.InsertionPoint(ret):
                    return [ir.Operation.create("arith.negf", results=[x.type], operands=[x]).result]
            return build

        with ir.InsertionPoint(ret):
            outs = [memo.lower("neg", [v], ir.Location.unknown(), negate(v)) for v in (a, b, a, b)]
        assert len(built) == 2  # the third and fourth are clones
        assert [o[0].owner.operands[0] for o in outs] == [a, b, a, b]

        def add(x, y):
            def build():
                built.append((x, y))
                with ir.InsertionPoint(ret):
                    return [ir.Operation.create("arith.addf", results=[x.type], operands=[x, y]).result]
            return build

        with ir.InsertionPoint(ret):
            for _ in range(3):
                memo.lower("add", [a, a], ir.Location.unknown(), add(a, a))
            # a template made from add(a, a) reads one operand twice: add(b, a) is built
            out = memo.lower("add", [b, a], ir.Location.unknown(), add(b, a))
        assert built[-1] == (b, a) and len(built) == 5
        assert list(out[0].owner.operands) == [b, a]
        # a lowering whose region reads a value of the program cannot be a template
        region_op = ir.Operation.create("scf.execute_region", results=[a.type], regions=1)
        body = region_op.regions[0].blocks.append()
        with ir.InsertionPoint(body):
            ir.Operation.create("scf.yield", operands=[b])
        assert lowering_memo.build_template([a], [region_op.result]) is None
        region_op.erase()
