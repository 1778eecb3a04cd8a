// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// pb.control declarations (dialects/control.py) are verified against their bodies: each
// mismatch is reported at the declaration, naming the type the body must have and the one
// it has. Calls are checked against the declaration by the func dialect.

func.func private @c(%x: tensor<f32>) -> tensor<i1> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%x, %z) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @b(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{the body @b of the while @w must have type (tensor<f32>) -> (tensor<f32>), got (tensor<3xf32>) -> (tensor<3xf32>)}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 0, num_body_consts = 0}}

// -----

// The condition returns a boolean scalar.
func.func private @c(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @b(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
// expected-error @+1 {{the cond @c of the while @w must have type (tensor<f32>) -> (tensor<i1>), got (tensor<f32>) -> (tensor<f32>)}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 0, num_body_consts = 0}}

// -----

// Constants come first: the cond takes its own, the body its own, both take the carry.
func.func private @c(%k: tensor<f32>, %x: tensor<2xf32>) -> tensor<i1> {
  %p = "pb.compare"(%k, %k) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @b(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
// expected-error @+1 {{the body @b of the while @w must have type (tensor<i32>, tensor<2xf32>) -> (tensor<2xf32>), got (tensor<2xf32>) -> (tensor<2xf32>)}}
func.func private @w(tensor<f32>, tensor<i32>, tensor<2xf32>) -> tensor<2xf32>
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 1, num_body_consts = 1}}

// -----

// A while loop returns its carry.
func.func private @c(%x: tensor<f32>) -> tensor<i1> {
  %p = "pb.compare"(%x, %x) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
// expected-error @+1 {{@w (while): a while loop returns its carry: the operands after the constants, (tensor<f32>), must have the result types (tensor<i32>)}}
func.func private @w(tensor<f32>) -> tensor<i32>
    attributes {pb.control = {kind = "while", cond = @c, body = @c, num_cond_consts = 0, num_body_consts = 0}}

// -----

// expected-error @+1 {{@w (while): num_cond_consts = 3 is out of range for a declaration of 1 operands}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @w, body = @w, num_cond_consts = 3, num_body_consts = 0}}

// -----

// expected-error @+1 {{@w (while) refers to @missing, which is not a function of the module}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @missing, body = @w, num_cond_consts = 0, num_body_consts = 0}}

// -----

// expected-error @+1 {{malformed pb.control attribute on @w: a while declaration needs the integer 'num_body_consts'}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @w, body = @w, num_cond_consts = 0}}

// -----

// expected-error @+1 {{malformed pb.control attribute on @w: unknown control flow kind 'for' (known: while, cond, scan, remat)}}
func.func private @w(tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "for"}}

// -----

// expected-error @+1 {{malformed pb.control attribute on @w: unknown entry 'steps' in a while declaration}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @w, body = @w, num_cond_consts = 0, num_body_consts = 0, steps = 3}}

// -----

// expected-error @+1 {{malformed pb.control attribute on @w: 'cond' must be a function symbol (@name), got "c"}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = "c", body = @w, num_cond_consts = 0, num_body_consts = 0}}

// -----

// A tagged declaration has no body.
func.func private @c(%x: tensor<f32>) -> tensor<i1> {
  %p = "pb.compare"(%x, %x) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
// expected-error @+1 {{@w carries pb.control but has a body; control flow calls are declarations}}
func.func private @w(%x: tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @c, num_cond_consts = 0, num_body_consts = 0}} {
  return %x : tensor<f32>
}

// -----

// cond: the first operand is the int32 branch index.
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
// expected-error @+1 {{@s (cond): the first operand of a cond is the branch index, a tensor<i32>, got tensor<i1>}}
func.func private @s(tensor<i1>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@id, @id]}}

// -----

// Every branch maps the operands to the results.
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @wide(%x: tensor<f32>) -> tensor<f64> {
  %y = "pb.convert_element_type"(%x) {new_dtype = "float64"} : (tensor<f32>) -> tensor<f64>
  return %y : tensor<f64>
}
// expected-error @+1 {{the branch 1 @wide of the cond @s must have type (tensor<f32>) -> (tensor<f32>), got (tensor<f32>) -> (tensor<f64>)}}
func.func private @s(tensor<i32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@id, @wide]}}

// -----

// expected-error @+1 {{malformed pb.control attribute on @s: a cond declaration needs 'branches', a non-empty array of function symbols}}
func.func private @s(tensor<i32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = []}}

// -----

// expected-error @+1 {{@s (cond) refers to @gone, which is not a function of the module}}
func.func private @s(tensor<i32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@gone]}}

// -----

// scan: the body takes (consts, carry, rows of xs) and returns (carry, rows of ys).
func.func private @body(%c: tensor<f32>, %x: tensor<4xf32>) -> (tensor<f32>, tensor<f32>) {
  return %c, %c : tensor<f32>, tensor<f32>
}
// expected-error @+1 {{the body @body of the scan @s must have type (tensor<f32>, tensor<2xf32>) -> (tensor<f32>, tensor<2xf32>), got (tensor<f32>, tensor<4xf32>) -> (tensor<f32>, tensor<f32>)}}
func.func private @s(tensor<f32>, tensor<4x2xf32>) -> (tensor<f32>, tensor<4x2xf32>)
    attributes {pb.control = {kind = "scan", body = @body, length = 4, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}

// -----

// Scanned operands and results have leading dimension `length`.
func.func private @body(%c: tensor<f32>, %x: tensor<2xf32>) -> tensor<f32> {
  return %c : tensor<f32>
}
// expected-error @+1 {{@s (scan): every scanned operand has leading dimension length = 3, got tensor<4x2xf32>}}
func.func private @s(tensor<f32>, tensor<4x2xf32>) -> tensor<f32>
    attributes {pb.control = {kind = "scan", body = @body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}

// -----

// The carry comes back first, with its type.
func.func private @body(%c: tensor<f32>) -> tensor<f32> {
  return %c : tensor<f32>
}
// expected-error @+1 {{@s (scan): a scan returns its carry first: results (tensor<i32>) must have the carry types (tensor<f32>)}}
func.func private @s(tensor<f32>) -> tensor<i32>
    attributes {pb.control = {kind = "scan", body = @body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}

// -----

func.func private @body(%c: tensor<f32>) -> tensor<f32> {
  return %c : tensor<f32>
}
// expected-error @+1 {{@s (scan): a scan needs length >= 0, reverse 0 or 1 and unroll >= 1, got length = 3, reverse = 0, unroll = 0}}
func.func private @s(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "scan", body = @body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 0}}

// -----

// Calls are checked against the declaration by the func dialect.
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @s(tensor<i32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@id, @id]}}
func.func @main(%i: tensor<i32>, %x: tensor<f64>) -> tensor<f64> {
  // expected-error @+1 {{operand type mismatch: expected operand type 'tensor<f32>', but provided 'tensor<f64>' for operand number 1}}
  %r = call @s(%i, %x) : (tensor<i32>, tensor<f64>) -> tensor<f64>
  return %r : tensor<f64>
}

// -----

func.func private @sq(%x: tensor<f32>) -> tensor<f32> {
  %y = "pb.mul"(%x, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
// expected-error @+1 {{the body @sq of the remat @r must have type (tensor<2xf32>) -> (tensor<2xf32>), got (tensor<f32>) -> (tensor<f32>)}}
func.func private @r(tensor<2xf32>) -> tensor<2xf32> attributes {pb.control = {kind = "remat", body = @sq}}

// -----

func.func private @c(%x: tensor<f32>) -> tensor<i1> {
  %p = "pb.compare"(%x, %x) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
// expected-error @+1 {{@w (while): checkpoints = 2 needs max_steps and must be positive}}
func.func private @w(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @c2, num_cond_consts = 0, num_body_consts = 0, checkpoints = 2}}
func.func private @c2(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
