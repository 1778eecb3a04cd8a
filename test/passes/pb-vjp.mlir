// RUN: pullback-opt %s -pb-vjp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-vjp --run=main --arg='[0.5, 1.0, -2.0]' --arg='[1.0, 2.0, 0.5]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-vjp defines a `vjp` request of @f, @f_vjp(x, ct) -> (f(x), ct^T df(x)), as JAX does:
// linearize @f into a primal function (returning residuals) and a linear function, then
// transpose the linear function in its tangent (passes/autodiff/vjp.py).

// CHECK-LABEL: func.func private @f_vjp(
// CHECK-SAME: %[[X0:[^:]+]]: tensor<3xf32>, %[[C0:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[P:.+]]:4 = call @[[PRIMAL:[A-Za-z0-9_]+]](%[[X0]])
// CHECK-NEXT: %[[G:.+]] = call @[[BWD:[A-Za-z0-9_]+]](%[[P]]#1, %[[P]]#2, %[[P]]#3, %[[C0]])
// CHECK-NEXT: return %[[P]]#0, %[[G]] : tensor<3xf32>, tensor<3xf32>
// CHECK: func.func private @[[PRIMAL]](%[[X:[^:]+]]: tensor<3xf32>)
// CHECK-DAG: %[[SIN:.+]] = "pb.sin"(%[[X]])
// CHECK-DAG: %[[COS:.+]] = "pb.cos"(%[[X]])
// CHECK-DAG: %[[Y:.+]] = "pb.mul"(%[[SIN]], %[[X]])
// CHECK: return %[[Y]], %[[COS]], %[[X]], %[[SIN]]
// The backward function (no transcendental left): ct sin(x) + (ct x) cos(x).
// CHECK: func.func private @[[BWD]](%[[RCOS:[^:]+]]: tensor<3xf32>, %[[RX:[^:]+]]: tensor<3xf32>, %[[RSIN:[^:]+]]: tensor<3xf32>, %[[CT:[^:]+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK-NOT: pb.sin
// CHECK-NOT: pb.cos
// CHECK-DAG: %[[A:.+]] = "pb.mul"(%[[RSIN]], %[[CT]])
// CHECK-DAG: %[[B:.+]] = "pb.mul"(%[[CT]], %[[RX]])
// CHECK-DAG: %[[D:.+]] = "pb.mul"(%[[B]], %[[RCOS]])
// CHECK: %[[S:.+]] = "pb.add"(%[[A]], %[[D]])
// CHECK-NEXT: return %[[S]] : tensor<3xf32>
// CHECK: // -----

// Numbers: y = sin(x) x, ct (cos(x) x + sin(x)).
// NUM: result[0]: tensor<3xf32> = [0.23971{{[0-9]*}}, 0.84147{{[0-9]*}}, 1.81859{{[0-9]*}}]
// NUM: result[1]: tensor<3xf32> = [0.91821{{[0-9]*}}, 2.76354{{[0-9]*}}, -0.038501{{[0-9]*}}]
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.mul"(%0, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @f_vjp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func @main(%x: tensor<3xf32>, %c: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %g = call @f_vjp(%x, %c) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %y, %g : tensor<3xf32>, tensor<3xf32>
}

// -----

// Integer inputs get zero cotangents and integer outputs' cotangents are ignored; calls
// are inlined into the primal and backward functions, which are call-free.
// CHECK-LABEL: func.func private @mixed_vjp(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2xf32>, %[[N:[^:]+]]: tensor<2xi32>, %[[CX:[^:]+]]: tensor<2xf32>, %[[CN:[^:]+]]: tensor<2xi32>)
// CHECK-NEXT: %[[P:.+]]:{{[0-9]+}} = call @[[PRIMAL:[A-Za-z0-9_]+]](%[[X]], %[[N]])
// CHECK-NEXT: %[[G:.+]]:2 = call @[[BWD:[A-Za-z0-9_]+]]({{.*}}%[[CX]], %[[CN]])
// CHECK-NEXT: return %[[P]]#0, %[[P]]#1, %[[G]]#0, %[[G]]#1
// CHECK: func.func private @[[PRIMAL]](
// CHECK-NOT: call
// CHECK: return
// CHECK: func.func private @[[BWD]]({{.*}}%[[C:[^:]+]]: tensor<2xf32>, %{{[^:]+}}: tensor<2xi32>) -> (tensor<2xf32>, tensor<2xi32>)
// CHECK-NOT: call
// CHECK-DAG: %[[GX:.+]] = "pb.mul"(%[[C]], %{{.+}})
// CHECK-DAG: %[[GN:.+]] = "pb.constant"() {value = dense<0> : tensor<2xi32>}
// CHECK: return %[[GX]], %{{.+}} : tensor<2xf32>, tensor<2xi32>
// CHECK: // -----
func.func @mixed(%x: tensor<2xf32>, %n: tensor<2xi32>) -> (tensor<2xf32>, tensor<2xi32>) {
  %0 = "pb.convert_element_type"(%n) {new_dtype = "float32"} : (tensor<2xi32>) -> tensor<2xf32>
  %1 = call @scale(%x, %0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = "pb.add"(%n, %n) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %1, %2 : tensor<2xf32>, tensor<2xi32>
}
func.func private @scale(%x: tensor<2xf32>, %s: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.mul"(%x, %s) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
func.func private @mixed_vjp(tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xi32>)
    -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xi32>)
    attributes {pb.transform = {kind = "vjp", callee = @mixed}}

// -----

// The declared signature must be (x, ct) -> (y, ct_x).
func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{@id_vjp must have type (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) to be the vjp of @id, got (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)}}
func.func private @id_vjp(tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @id}}

// -----

// expected-error @+1 {{@missing_vjp is the vjp of @missing, which is not a function of the module}}
func.func private @missing_vjp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @missing}}

// -----

func.func @upstream(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-jvp cannot differentiate 'math.sin'}}
  %0 = math.sin %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @upstream_vjp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @upstream}}
