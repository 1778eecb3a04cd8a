"""pb-carries-in-place: a loop step computes its new carries and ys rows in the loop's buffers.

Runs just before one-shot bufferization. The scf lowering of loops (control_lowering.py)
hands each new carry to `bufferization.materialize_in_destination` into the loop's carry
argument, and each ys row to a `tensor.insert_slice` into the loop's ys argument. When the
kernel computing that value writes a `tensor.empty`, it gets a buffer of its own, copied
into the carry (or row) at every step. This pass makes the kernel write the destination
itself: its init becomes the carry argument (or the row's `tensor.extract_slice` of the
ys argument), which is what upstream's eliminate-empty-tensors does, but only where that is
safe to bufferize in place:

- the kernel (a linalg op with one init and one result) is in the loop body's block and
  does not read the destination itself (an elementwise update of a carry reads it, and
  one-shot bufferization refuses such a write into a loop argument);
- nothing after the kernel reads the destination but the materialize/insert itself: a
  body that swaps carries, `(a, b) -> (b, a + 1)`, reads b after `a + 1` would have been
  written over it, so b's copy stays.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import tensor

from pullback.dialects.ir import ancestor_in, ops_named

from .registry import register_pass

_LOOP_BODIES = ("scf.for", "scf.while")


def _producer(v: ir.Value):
    owner = v.owner
    return owner.operation if isinstance(owner, ir.OpView) else None


def _kernel(v: ir.Value, block: ir.Block):
    """The linalg op of `block` computing v into an empty tensor (its one init), or None."""
    op = _producer(v)
    if op is None or not op.name.startswith("linalg.") or op.block != block or len(op.results) != 1:
        return None
    init = _producer(op.operands[len(op.operands) - 1])
    return op if init is not None and init.name == "tensor.empty" else None


def _free_after(dest: ir.Value, kernel, writer, block: ir.Block) -> bool:
    """Whether `dest` is read by nothing but `writer` from `kernel` on (nor by the kernel)."""
    for use in dest.uses:
        user = ancestor_in(block, use.owner)
        if user is None:
            return False
        if user == writer:
            continue
        if user == kernel or not user.is_before_in_block(kernel):
            return False
    return True


def _defined_before(v: ir.Value, kernel) -> bool:
    op = _producer(v)
    return op is None or op.block != kernel.block or op.is_before_in_block(kernel)


def _static(writer, name: str) -> bool:
    return all(d != ir.ShapedType.get_dynamic_size() for d in ir.DenseI64ArrayAttr(writer.attributes[name]))


def _retarget(writer, block: ir.Block) -> None:
    """Point the kernel behind one materialize or insert_slice at its destination."""
    source, dest = writer.operands[0], writer.operands[1]
    offsets = list(writer.operands)[2:]  # insert_slice: dynamic offsets only (checked below)
    if not (isinstance(dest.owner, ir.Block) and dest.owner == block):
        return
    if writer.name == "tensor.insert_slice" and not (_static(writer, "static_sizes") and
                                                     _static(writer, "static_strides")):
        return
    kernel = _kernel(source, block)
    if kernel is None or not _free_after(dest, kernel, writer, block):
        return
    if not all(_defined_before(v, kernel) for v in offsets):
        return
    if writer.name == "tensor.insert_slice":
        a = writer.attributes
        with ir.InsertionPoint(kernel), writer.location:
            dest = tensor.ExtractSliceOp(source.type, dest, offsets, [], [], a["static_offsets"], a["static_sizes"],
                                         a["static_strides"]).result
    kernel.operands[len(kernel.operands) - 1] = dest


@register_pass("pb-carries-in-place", "Compute a loop step's new carries and ys rows in the loop's own buffers")
def carries_in_place(module_op) -> None:
    writers = [op for op in ops_named(module_op, ("bufferization.materialize_in_destination", "tensor.insert_slice"))
               if op.parent is not None and op.parent.name in _LOOP_BODIES]
    for writer in writers:
        _retarget(writer, writer.block)
