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
        return jnp.sum(_softmax(x) ** 2)
    params = [(jnp.ones((8, 8)) * 0.1, jnp.zeros(8)) for _ in range(5)]
    return pb.jit(pb.grad(loss)), (params, jnp.ones((4, 8)))


def _softmax(x):
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


def _fft_and_lapack():
    """Lowerings that fill buffers (FFT kernels, LAPACK calls) and return them as tensors."""
    def f(x, a):
        spectra = [jnp.fft.fft(x * k) for k in range(3)]
        spd = a @ a.T + 4 * jnp.eye(4)
        solves = [jnp.linalg.solve(spd, jnp.ones(4) * k) for k in range(3)]
        return sum(jnp.sum(jnp.abs(s)) for s in spectra) + sum(jnp.sum(s) for s in solves) + \
            jnp.sum(jnp.linalg.cholesky(spd)) + jnp.sum(jnp.linalg.cholesky(spd * 2))
    return pb.jit(pb.grad(f, argnums=(0, 1))), (jnp.linspace(0.0, 1.0, 6), jnp.eye(4) * 0.5 + 0.1)


PROGRAMS = {"mlp_grad": _mlp_grad, "rnn_grad": _rnn_grad, "specials": _repeated_specials,
            "vmapped_cond": _vmapped_cond, "fft_and_lapack": _fft_and_lapack}


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


def _function(text: str):
    module = ir.Module.parse(text)
    block = module.body.operations[0].regions[0].blocks[0]
    return module, block, block.operations[len(block.operations) - 1]


def _ops(block) -> list[str]:
    return [op.operation.name for op in block.operations]


def test_memo_reuses_and_refuses():
    """Seen a third time, a lowering is cloned; one that reads a value it did not make (not
    an operand) is built every time; which operands are one value is part of the key."""
    from pullback.dialects.context import context
    with context(), ir.Location.unknown():
        module, block, ret = _function("""
          func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
            return %a, %b : tensor<4xf32>, tensor<4xf32>
          }""")
        a, b = block.arguments
        memo = lowering_memo.LoweringMemo()
        built = []

        def unary(name, x):
            def build():
                built.append((name, x))
                return [ir.Operation.create(name, results=[x.type], operands=[x]).result]
            return build

        with ir.InsertionPoint(ret):
            outs = [memo.lower("neg", ret, [v], unary("arith.negf", v)) for v in (a, b, a, b)]
        assert len(built) == 2  # the third and fourth are clones
        assert [o[0].owner.operands[0] for o in outs] == [a, b, a, b]

        def add(x, y):
            def build():
                built.append(("add", x, y))
                return [ir.Operation.create("arith.addf", results=[x.type], operands=[x, y]).result]
            return build

        with ir.InsertionPoint(ret):
            for _ in range(3):
                memo.lower("add", ret, [a, a], add(a, a))
            out = memo.lower("add", ret, [b, a], add(b, a))  # not the add(a, a) template
        assert built[-1] == ("add", b, a) and len(built) == 5
        assert list(out[0].owner.operands) == [b, a]

        # a lowering whose region reads a value that is no operand cannot be a template
        with ir.InsertionPoint(ret):
            region_op = ir.Operation.create("scf.execute_region", results=[a.type], regions=1)
        body = region_op.regions[0].blocks.append()
        with ir.InsertionPoint(body):
            ir.Operation.create("scf.yield", operands=[b])
        assert lowering_memo.build_template(ir.Location.unknown(), [a], [region_op], [region_op.result]) is None
        region_op.erase()


def test_memo_clones_ops_that_only_write_buffers():
    """A lowering that fills a buffer and returns it as a tensor (FFT, LAPACK): the store
    reaches no result, and a copy without it would read uninitialized memory."""
    from pullback.dialects.context import context
    with context(), ir.Location.unknown():
        module, block, ret = _function("""
          func.func @f(%x: f32) -> f32 {
            return %x : f32
          }""")
        x = block.arguments[0]
        memo = lowering_memo.LoweringMemo()
        memref_type = ir.MemRefType.get([1], x.type)
        tensor_type = ir.RankedTensorType.get([1], x.type)

        def build():
            buf = ir.Operation.create("memref.alloc", results=[memref_type],
                                      attributes={"operandSegmentSizes": ir.DenseI32ArrayAttr.get([0, 0])}).result
            zero = ir.Operation.create("arith.constant", results=[ir.IndexType.get()],
                                       attributes={"value": ir.IntegerAttr.get(ir.IndexType.get(), 0)}).result
            ir.Operation.create("memref.store", operands=[x, buf, zero])
            return [ir.Operation.create("bufferization.to_tensor", results=[tensor_type], operands=[buf],
                                        attributes={"restrict": ir.UnitAttr.get()}).result]

        with ir.InsertionPoint(ret):
            for _ in range(3):
                memo.lower("fill", ret, [x], build)
        assert _ops(block).count("memref.store") == 3
        assert _ops(block).count("arith.constant") == 3  # (the markers are gone)
        module.operation.verify()
