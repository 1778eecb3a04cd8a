// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=GONE
// RUN: pullback-opt %s -pb-to-linalg --run=count --arg=3.0 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=COUNT
// RUN: pullback-opt %s -pb-to-linalg --run=count --arg=-1.0 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=COUNT0
// RUN: pullback-opt %s -pb-to-linalg --run=bounded --arg=0 | filecheck %s --check-prefix=BOUNDED
// RUN: pullback-opt %s -pb-to-linalg --run=pick2 --arg=0 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PICK2A
// RUN: pullback-opt %s -pb-to-linalg --run=pick2 --arg=7 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PICK2B
// RUN: pullback-opt %s -pb-to-linalg --run=pick3 --arg=-5 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PICK3A
// RUN: pullback-opt %s -pb-to-linalg --run=pick3 --arg=1 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PICK3B
// RUN: pullback-opt %s -pb-to-linalg --run=pick3 --arg=9 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PICK3C
// RUN: pullback-opt %s -pb-to-linalg --run=prefix --arg='[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]' \
// RUN:   | filecheck %s --check-prefix=PREFIX
// RUN: pullback-opt %s -pb-to-linalg --run=suffix --arg='[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]' \
// RUN:   | filecheck %s --check-prefix=SUFFIX
// RUN: pullback-opt %s -pb-to-linalg --run=suffix3 --arg='[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]' \
// RUN:   | filecheck %s --check-prefix=SUFFIX
// RUN: pullback-opt %s -pb-to-linalg --run=scale_u32 --arg='[1, 2, 4000000000]' --arg=3 | filecheck %s --check-prefix=U32
// RUN: pullback-opt %s -pb-to-linalg --run=nested --arg='[1.0, -2.0, 3.0, -4.0]' | filecheck %s --check-prefix=NESTED
// RUN: pullback-opt %s -pb-to-linalg --run=fib --arg='[1.0, 2.0]' --arg='[0.0, 0.0]' | filecheck %s --check-prefix=FIB
// RUN: pullback-opt %s -pb-to-linalg --run=rotate --arg='[1.0, 2.0]' --arg='[3.0, 4.0]' --arg='[5.0, 6.0]' \
// RUN:   | filecheck %s --check-prefix=ROTATE

// pb-to-linalg turns each call of a pb.control declaration (dialects/control.py) into scf
// ops holding copies of its bodies (passes/control_lowering.py), then lowers every pb op in
// them as anywhere else. The --run lines lower first: pullback-opt's --run keeps only the
// functions @FN calls, and does not follow a control declaration to its bodies.

// Bodies and declarations are gone afterwards, and so is every pb op.
// GONE-NOT: "pb.
// GONE-NOT: pb.control
// GONE-NOT: call

// ---- while: the cond body in `before`, the loop body in `after`. The loop starts from
// copies of its initial carries and materializes each new carry in the loop argument's
// buffer: one buffer per carry, written in place, no allocation per step.
// CHECK-LABEL: func.func @count(
// CHECK-SAME: %[[LIMIT:[^:]+]]: tensor<f32>, %[[X:[^:]+]]: tensor<3xf32>)
// CHECK: %[[I0:.+]] = bufferization.alloc_tensor() copy(%{{.+}}) : tensor<f32>
// CHECK: %[[ACC0:.+]] = bufferization.alloc_tensor() copy(%[[X]]) : tensor<3xf32>
// CHECK: %[[R:.+]]:2 = scf.while (%[[I:.+]] = %[[I0]], %[[ACC:.+]] = %[[ACC0]]) : (tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
// CHECK: linalg.generic {{.*}} ins(%[[I]], %[[LIMIT]] : tensor<f32>, tensor<f32>)
// CHECK: arith.cmpf olt
// CHECK: %[[GO:.+]] = tensor.extract %{{.+}}[] : tensor<i1>
// CHECK: scf.condition(%[[GO]]) %[[I]], %[[ACC]] : tensor<f32>, tensor<3xf32>
// CHECK: } do {
// CHECK: ^bb0(%[[I2:.+]]: tensor<f32>, %[[ACC2:.+]]: tensor<3xf32>):
// CHECK: arith.addf
// CHECK: %[[PROD:.+]] = linalg.generic {{.*}} ins(%[[ACC2]], %[[X]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: arith.mulf
// CHECK: %[[NEWI:.+]] = bufferization.materialize_in_destination %{{.+}} in %[[I2]]
// CHECK: %[[NEWACC:.+]] = bufferization.materialize_in_destination %[[PROD]] in %[[ACC2]]
// CHECK: scf.yield %[[NEWI]], %[[NEWACC]] : tensor<f32>, tensor<3xf32>
// CHECK: return %[[R]]#0, %[[R]]#1
// COUNT: result[0]: tensor<f32> = 3.0
// COUNT: result[1]: tensor<3xf32> = [1.0, 16.0, 81.0]
// COUNT0: result[0]: tensor<f32> = 0.0
// COUNT0: result[1]: tensor<3xf32> = [1.0, 2.0, 3.0]
func.func @count(%limit: tensor<f32>, %x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %zero = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %r:2 = call @loop(%limit, %x, %zero, %x) : (tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %r#0, %r#1 : tensor<f32>, tensor<3xf32>
}
func.func private @loop(tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.control = {kind = "while", cond = @below, body = @step, num_cond_consts = 1, num_body_consts = 1}}
func.func private @below(%limit: tensor<f32>, %i: tensor<f32>, %acc: tensor<3xf32>) -> tensor<i1> {
  %p = "pb.compare"(%i, %limit) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @step(%x: tensor<3xf32>, %i: tensor<f32>, %acc: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %j = "pb.add"(%i, %one) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %a = "pb.mul"(%acc, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %j, %a : tensor<f32>, tensor<3xf32>
}

// ---- while with max_steps: an index counter joins the carry, and the condition.
// CHECK-LABEL: func.func @bounded(
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[W:.+]]:2 = scf.while (%[[N:.+]] = %[[C0]], %{{.+}} = %{{.+}}) : (index, tensor<i32>) -> (index, tensor<i32>)
// CHECK: %[[MORE:.+]] = arith.cmpi slt, %[[N]], %{{.+}} : index
// CHECK: %[[GO:.+]] = arith.andi %{{.+}}, %[[MORE]] : i1
// CHECK: scf.condition(%[[GO]])
// CHECK: arith.addi %{{.+}}, %{{.+}} : index
// CHECK: return %[[W]]#1 : tensor<i32>
// BOUNDED: result[0]: tensor<i32> = 4
func.func @bounded(%x: tensor<i32>) -> tensor<i32> {
  %r = call @upto(%x) : (tensor<i32>) -> tensor<i32>
  return %r : tensor<i32>
}
func.func private @upto(tensor<i32>) -> tensor<i32>
    attributes {pb.control = {kind = "while", cond = @small, body = @incr, num_cond_consts = 0, num_body_consts = 0, max_steps = 4}}
func.func private @small(%x: tensor<i32>) -> tensor<i1> {
  %c = "pb.constant"() {value = dense<100> : tensor<i32>} : () -> tensor<i32>
  %p = "pb.compare"(%x, %c) {direction = "LT"} : (tensor<i32>, tensor<i32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @incr(%x: tensor<i32>) -> tensor<i32> {
  %c = "pb.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
  %y = "pb.add"(%x, %c) : (tensor<i32>, tensor<i32>) -> tensor<i32>
  return %y : tensor<i32>
}

// ---- cond, two branches: scf.if on index > 0 (branch 1 in `then`); results written into
// buffers made before the branch.
// CHECK-LABEL: func.func @pick2(
// CHECK: %[[IDX:.+]] = tensor.extract %{{.+}}[] : tensor<i32>
// CHECK: %[[OUT:.+]] = bufferization.alloc_tensor() : tensor<3xf32>
// CHECK: %[[GT:.+]] = arith.cmpi sgt, %[[IDX]], %{{.+}} : i32
// CHECK: %[[IF:.+]] = scf.if %[[GT]] -> (tensor<3xf32>) {
// CHECK: arith.addf
// CHECK: bufferization.materialize_in_destination %{{.+}} in %[[OUT]]
// CHECK: } else {
// CHECK: arith.subf
// CHECK: bufferization.materialize_in_destination %{{.+}} in %[[OUT]]
// CHECK: return %[[IF]]
// PICK2A: result[0]: tensor<3xf32> = [0.0, 1.0, 2.0]
// PICK2B: result[0]: tensor<3xf32> = [2.0, 4.0, 6.0]
func.func @pick2(%i: tensor<i32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @cond2(%i, %x) : (tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @cond2(tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.control = {kind = "cond", branches = [@minus_one, @twice]}}
func.func private @minus_one(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = "pb.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %y = "pb.sub"(%x, %c) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
func.func private @twice(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = "pb.add"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// ---- cond, three branches: scf.index_switch on the clamped index; the last branch is
// the default case.
// CHECK-LABEL: func.func @pick3(
// CHECK: %[[IDX:.+]] = tensor.extract %{{.+}}[] : tensor<i32>
// CHECK: %[[LO:.+]] = arith.maxsi %[[IDX]], %{{.+}} : i32
// CHECK: %[[HI:.+]] = arith.minsi %[[LO]], %{{.+}} : i32
// CHECK: %[[CASE:.+]] = arith.index_cast %[[HI]] : i32 to index
// CHECK: scf.index_switch %[[CASE]] -> tensor<3xf32>
// CHECK: case 0 {
// CHECK: arith.subf
// CHECK: case 1 {
// CHECK: arith.addf
// CHECK: default {
// CHECK: math.exp {{.+}} {pb.fast_math}
// PICK3A: result[0]: tensor<3xf32> = [0.0, 1.0, 2.0]
// PICK3B: result[0]: tensor<3xf32> = [2.0, 4.0, 6.0]
// PICK3C: result[0]: tensor<3xf32> = [2.71828{{[0-9]*}}, 7.38905{{[0-9]*}}, 20.0855{{[0-9]*}}]
func.func @pick3(%i: tensor<i32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @cond3(%i, %x) : (tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @cond3(tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.control = {kind = "cond", branches = [@minus_one, @twice, @exp]}}
func.func private @exp(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = "pb.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// ---- cond, one branch: the branch itself.
// CHECK-LABEL: func.func @pick1(
// CHECK-NOT: scf.
// CHECK: math.exp {{.+}} {pb.fast_math}
// CHECK: return
func.func @pick1(%i: tensor<i32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @cond1(%i, %x) : (tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @cond1(tensor<i32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.control = {kind = "cond", branches = [@exp]}}

// ---- scan: scf.for over (carry, ys); row i of xs is an extract_slice, row i of ys an
// insert_slice into the ys the loop carries (a buffer of its own: alloc_tensor, which CSE
// never merges with another loop's). A y that is the old carry is written first, before the
// body computes the new carry, so the carry can be updated in place.
// CHECK-LABEL: func.func @prefix(
// CHECK-SAME: %[[XS:[^:]+]]: tensor<4x2xf32>)
// CHECK: %[[YS0:.+]] = bufferization.alloc_tensor() : tensor<4x2xf32>
// CHECK: %[[C0:.+]] = bufferization.alloc_tensor() copy(%{{.+}}) : tensor<2xf32>
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[IV:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[C:.+]] = %[[C0]], %[[YS:.+]] = %[[YS0]]) -> (tensor<2xf32>, tensor<4x2xf32>) {
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[XS]][%[[IV]], 0] [1, 2] [1, 1] : tensor<4x2xf32> to tensor<2xf32>
// CHECK: %[[PUT:.+]] = tensor.insert_slice %[[C]] into %[[YS]][%[[IV]], 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<4x2xf32>
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} ins(%[[C]], %[[ROW]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[NEWC:.+]] = bufferization.materialize_in_destination %[[SUM]] in %[[C]]
// CHECK: scf.yield %[[NEWC]], %[[PUT]] : tensor<2xf32>, tensor<4x2xf32>
// CHECK: return %[[LOOP]]#0, %[[LOOP]]#1
// PREFIX: result[0]: tensor<2xf32> = [16.0, 20.0]
// PREFIX: result[1]: tensor<4x2xf32> = {{\[}}[0.0, 0.0], [1.0, 2.0], [4.0, 6.0], [9.0, 12.0]]
func.func @prefix(%xs: tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>) {
  %zero = "pb.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %r:2 = call @sums(%zero, %xs) : (tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
  return %r#0, %r#1 : tensor<2xf32>, tensor<4x2xf32>
}
func.func private @sums(tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
    attributes {pb.control = {kind = "scan", body = @add_row, length = 4, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
func.func private @add_row(%c: tensor<2xf32>, %x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %s = "pb.add"(%c, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %s, %c : tensor<2xf32>, tensor<2xf32>
}

// ---- scan whose new carry b is the old a, (a, b) -> (a + b, a) (as reverse mode transposes a
// swap): b is written before a, whose old value it copies. A loop argument read after its
// in-place write has no op one-shot bufferization could copy out of the way ("cannot avoid
// RaW conflict"); --run bufferizes it.
// CHECK-LABEL: func.func @fib(
// CHECK: scf.for %{{.+}} iter_args(%[[A:[^ ]+]] = %{{[^ ]+}}, %[[B:[^ ]+]] = %{{[^ ]+}}, %{{.+}})
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[NEWB:.+]] = bufferization.materialize_in_destination %[[A]] in %[[B]]
// CHECK-NEXT: %[[NEWA:.+]] = bufferization.materialize_in_destination %[[SUM]] in %[[A]]
// CHECK-NEXT: scf.yield %[[NEWA]], %[[NEWB]], %{{.+}} :
// FIB: result[0]: tensor<2xf32> = [8.0, 16.0]
// FIB: result[1]: tensor<2xf32> = [5.0, 10.0]
// FIB: result[2]: tensor<5x2xf32> = {{\[}}[1.0, 2.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [5.0, 10.0]]
func.func @fib(%a: tensor<2xf32>, %b: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<5x2xf32>) {
  %r:3 = call @fib_scan(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<5x2xf32>)
  return %r#0, %r#1, %r#2 : tensor<2xf32>, tensor<2xf32>, tensor<5x2xf32>
}
func.func private @fib_scan(tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<5x2xf32>)
    attributes {pb.control = {kind = "scan", body = @fib_step, length = 5, reverse = 0, num_consts = 0, num_carry = 2, unroll = 1}}
func.func private @fib_step(%a: tensor<2xf32>, %b: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %s = "pb.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %s, %a, %a : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// ---- scan rotating its carries, (p, q, r) -> (q, r, p): a cycle no order of the writes
// serves, so the old p is copied before any is written, and r is written from the copy.
// CHECK-LABEL: func.func @rotate(
// CHECK: scf.for %{{.+}} iter_args(%[[P:[^ ]+]] = %{{[^ ]+}}, %[[Q:[^ ]+]] = %{{[^ ]+}}, %[[R:[^ ]+]] = %{{[^ ]+}}, %{{.+}})
// CHECK: %[[OLDP:.+]] = bufferization.alloc_tensor() copy(%[[P]]) : tensor<2xf32>
// CHECK-NEXT: %[[NEWP:.+]] = bufferization.materialize_in_destination %[[Q]] in %[[P]]
// CHECK-NEXT: %[[NEWQ:.+]] = bufferization.materialize_in_destination %[[R]] in %[[Q]]
// CHECK-NEXT: %[[NEWR:.+]] = bufferization.materialize_in_destination %[[OLDP]] in %[[R]]
// CHECK-NEXT: scf.yield %[[NEWP]], %[[NEWQ]], %[[NEWR]], %{{.+}} :
// ROTATE: result[0]: tensor<2xf32> = [3.0, 4.0]
// ROTATE: result[1]: tensor<2xf32> = [5.0, 6.0]
// ROTATE: result[2]: tensor<2xf32> = [1.0, 2.0]
// ROTATE: result[3]: tensor<4x2xf32> = {{\[}}[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [1.0, 2.0]]
func.func @rotate(%p: tensor<2xf32>, %q: tensor<2xf32>, %r: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4x2xf32>) {
  %o:4 = call @rotate_scan(%p, %q, %r) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4x2xf32>)
  return %o#0, %o#1, %o#2, %o#3 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4x2xf32>
}
func.func private @rotate_scan(tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4x2xf32>)
    attributes {pb.control = {kind = "scan", body = @rotate_step, length = 4, reverse = 0, num_consts = 0, num_carry = 3, unroll = 1}}
func.func private @rotate_step(%p: tensor<2xf32>, %q: tensor<2xf32>, %r: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  return %q, %r, %p, %p : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// ---- scan in reverse, unrolled by 2: one loop step runs two rows (indices counted down
// from length - 1).
// CHECK-LABEL: func.func @suffix(
// CHECK: %[[STEPS:.+]] = arith.constant 2 : index
// CHECK: scf.for %[[IV:.+]] = %{{.+}} to %[[STEPS]] step %{{.+}} iter_args(
// CHECK: %[[BASE:.+]] = arith.muli %[[IV]], %{{.+}} : index
// CHECK: arith.subi %{{.+}}, %[[BASE]] : index
// CHECK: tensor.extract_slice
// CHECK: %[[NEXT:.+]] = arith.addi %[[BASE]], %{{.+}} : index
// CHECK: arith.subi %{{.+}}, %[[NEXT]] : index
// CHECK: tensor.extract_slice
// CHECK: scf.yield
// CHECK-NOT: tensor.extract_slice
// CHECK: return
// A scan unrolled so far that its loop would run once is straight-line code.
// CHECK-LABEL: func.func @suffix3(
// CHECK-NOT: scf.for
// CHECK-COUNT-4: tensor.extract_slice
// CHECK-NOT: scf.for
// CHECK: return
// SUFFIX: result[0]: tensor<2xf32> = [16.0, 20.0]
// SUFFIX: result[1]: tensor<4x2xf32> = {{\[}}[15.0, 18.0], [12.0, 14.0], [7.0, 8.0], [0.0, 0.0]]
func.func @suffix(%xs: tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>) {
  %zero = "pb.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %r:2 = call @rsums(%zero, %xs) : (tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
  return %r#0, %r#1 : tensor<2xf32>, tensor<4x2xf32>
}
func.func private @rsums(tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
    attributes {pb.control = {kind = "scan", body = @add_row, length = 4, reverse = 1, num_consts = 0, num_carry = 1, unroll = 2}}
func.func @suffix3(%xs: tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>) {
  %zero = "pb.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %r:2 = call @rsums3(%zero, %xs) : (tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
  return %r#0, %r#1 : tensor<2xf32>, tensor<4x2xf32>
}
func.func private @rsums3(tensor<2xf32>, tensor<4x2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
    attributes {pb.control = {kind = "scan", body = @add_row, length = 4, reverse = 1, num_consts = 0, num_carry = 1, unroll = 3}}

// ---- scan with a constant and no carry, over uint32 (stored as i32; the multiply wraps).
// CHECK-LABEL: func.func @scale_u32(
// CHECK-SAME: tensor<3xi32>
// CHECK: scf.for
// CHECK: tensor.extract_slice %{{.+}} : tensor<3xi32> to tensor<i32>
// CHECK: arith.muli
// (--run sees the lowered signature: the i32 storage of 3410065408 is -884901888)
// U32: result[0]: tensor<3xi32> = [3, 6, -884901888]
func.func @scale_u32(%xs: tensor<3xui32>, %k: tensor<ui32>) -> tensor<3xui32> {
  %r = call @scale(%k, %xs) : (tensor<ui32>, tensor<3xui32>) -> tensor<3xui32>
  return %r : tensor<3xui32>
}
func.func private @scale(tensor<ui32>, tensor<3xui32>) -> tensor<3xui32>
    attributes {pb.control = {kind = "scan", body = @times, length = 3, reverse = 0, num_consts = 1, num_carry = 0, unroll = 1}}
func.func private @times(%k: tensor<ui32>, %x: tensor<ui32>) -> tensor<ui32> {
  %y = "pb.mul"(%k, %x) : (tensor<ui32>, tensor<ui32>) -> tensor<ui32>
  return %y : tensor<ui32>
}

// ---- nesting: a scan whose body calls a cond whose branch runs a while loop. Bodies are
// lowered first, so the scan copies a body whose cond is already an scf.if.
// CHECK-LABEL: func.func @nested(
// CHECK: scf.for
// CHECK: scf.if
// CHECK: scf.while
// NESTED: result[0]: tensor<f32> = 10.0
func.func @nested(%xs: tensor<4xf32>) -> tensor<f32> {
  %zero = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %r = call @total(%zero, %xs) : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @total(tensor<f32>, tensor<4xf32>) -> tensor<f32>
    attributes {pb.control = {kind = "scan", body = @accumulate, length = 4, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
// c + |x|, where |x| is x, or -x doubled by a while loop and halved again
func.func private @accumulate(%c: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %neg = "pb.compare"(%x, %z) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  %i = "pb.convert_element_type"(%neg) {new_dtype = "int32"} : (tensor<i1>) -> tensor<i32>
  %a = call @abs(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  %s = "pb.add"(%c, %a) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %s : tensor<f32>
}
func.func private @abs(tensor<i32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@same, @negated]}}
func.func private @same(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @negated(%x: tensor<f32>) -> tensor<f32> {
  %n = "pb.neg"(%x) : (tensor<f32>) -> tensor<f32>
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %r:2 = call @twice_once(%z, %n) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %h = "pb.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %y = "pb.mul"(%r#1, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @twice_once(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.control = {kind = "while", cond = @first, body = @double, num_cond_consts = 0, num_body_consts = 0}}
func.func private @first(%k: tensor<f32>, %v: tensor<f32>) -> tensor<i1> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%k, %z) {direction = "EQ"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @double(%k: tensor<f32>, %v: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %d = "pb.add"(%v, %v) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %one, %d : tensor<f32>, tensor<f32>
}
