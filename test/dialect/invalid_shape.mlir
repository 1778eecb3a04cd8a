// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per inference constraint of the shape family that IR can express.
// Start index dtypes that differ inside the variadic operand are rejected by
// the IRDL definition before inference runs (an IRDL constraint variable binds
// all members to one type), so they have no case here.

func.func @constant_result_type() -> tensor<3xf32> {
  // expected-error @+1 {{inferred result type tensor<2xf32> does not match tensor<3xf32>}}
  %0 = "pb.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @iota_bool() -> tensor<3xi1> {
  // expected-error @+1 {{pb.iota attribute 'dtype' must be one of}}
  %0 = "pb.iota"() {dtype = "bool", shape = array<i64: 3>, dimension = 0 : i64} : () -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @iota_negative_shape() -> tensor<3xi32> {
  // expected-error @+1 {{pb.iota attribute 'shape' must be non-negative, got [-1]}}
  %0 = "pb.iota"() {dtype = "int32", shape = array<i64: -1>, dimension = 0 : i64} : () -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @iota_dimension() -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.iota dimension must be in [0, 2), got 2}}
  %0 = "pb.iota"() {dtype = "float32", shape = array<i64: 2, 3>, dimension = 2 : i64} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @broadcast_negative_shape(%x: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.broadcast_in_dim attribute 'shape' must be non-negative, got [-2]}}
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: -2>, broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @broadcast_dims_count(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.broadcast_in_dim attribute 'broadcast_dimensions' needs one entry per operand dimension (1), got []}}
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: 2, 3>, broadcast_dimensions = array<i64>} : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @broadcast_dims_range(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.broadcast_in_dim attribute 'broadcast_dimensions' entries must be in [0, 2), got [2]}}
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: 2, 3>, broadcast_dimensions = array<i64: 2>} : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @broadcast_dims_order(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{pb.broadcast_in_dim broadcast_dimensions must be strictly increasing, got [1, 0]}}
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: 3, 3>, broadcast_dimensions = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @broadcast_size(%x: tensor<2xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{pb.broadcast_in_dim operand dimension 0 of size 2 must be 1 or equal to output dimension 1 of size 3}}
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: 4, 3>, broadcast_dimensions = array<i64: 1>} : (tensor<2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @reshape_negative(%x: tensor<2x3xi32>) -> tensor<6xi32> {
  // expected-error @+1 {{pb.reshape attribute 'new_sizes' must be non-negative, got [-6]}}
  %0 = "pb.reshape"(%x) {new_sizes = array<i64: -6>} : (tensor<2x3xi32>) -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xi32>) -> tensor<4x2xi32> {
  // expected-error @+1 {{pb.reshape cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)}}
  %0 = "pb.reshape"(%x) {new_sizes = array<i64: 4, 2>} : (tensor<2x3xi32>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf64>) -> tensor<2x2xf64> {
  // expected-error @+1 {{pb.transpose permutation [0, 0] is not a permutation of the operand's 2 dimensions}}
  %0 = "pb.transpose"(%x) {permutation = array<i64: 0, 0>} : (tensor<2x3xf64>) -> tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// -----

func.func @transpose_rank(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{pb.transpose permutation [0] is not a permutation of the operand's 2 dimensions}}
  %0 = "pb.transpose"(%x) {permutation = array<i64: 0>} : (tensor<2x3xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @rev_range(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  // expected-error @+1 {{pb.rev attribute 'dimensions' entries must be in [0, 2), got [-1]}}
  %0 = "pb.rev"(%x) {dimensions = array<i64: -1>} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @rev_duplicate(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  // expected-error @+1 {{pb.rev dimensions must be unique, got [1, 1]}}
  %0 = "pb.rev"(%x) {dimensions = array<i64: 1, 1>} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @slice_count(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{pb.slice attribute 'start_indices' needs one entry per operand dimension (2), got [0]}}
  %0 = "pb.slice"(%x) {start_indices = array<i64: 0>, limit_indices = array<i64: 4, 5>, strides = array<i64: 1, 1>} : (tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @slice_limit(%x: tensor<4x5xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{pb.slice needs 0 <= start <= limit <= size in dimension 1, got start 0, limit 6, size 5}}
  %0 = "pb.slice"(%x) {start_indices = array<i64: 0, 0>, limit_indices = array<i64: 4, 6>, strides = array<i64: 1, 1>} : (tensor<4x5xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @slice_start_after_limit(%x: tensor<4x5xf32>) -> tensor<0x5xf32> {
  // expected-error @+1 {{pb.slice needs 0 <= start <= limit <= size in dimension 0, got start 3, limit 2, size 4}}
  %0 = "pb.slice"(%x) {start_indices = array<i64: 3, 0>, limit_indices = array<i64: 2, 5>, strides = array<i64: 1, 1>} : (tensor<4x5xf32>) -> tensor<0x5xf32>
  return %0 : tensor<0x5xf32>
}

// -----

func.func @slice_stride(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{pb.slice strides must be positive, got [1, 0]}}
  %0 = "pb.slice"(%x) {start_indices = array<i64: 0, 0>, limit_indices = array<i64: 4, 5>, strides = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @dynamic_slice_count(%x: tensor<4x5xf32>, %i: tensor<i32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{pb.dynamic_slice needs one start index per operand dimension (2), got 1}}
  %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 2, 2>} : (tensor<4x5xf32>, tensor<i32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @dynamic_slice_index_rank(%x: tensor<4xf32>, %i: tensor<1xi32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.dynamic_slice start indices must be 0-d tensors, got shape [1]}}
  %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 2>} : (tensor<4xf32>, tensor<1xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @dynamic_slice_index_dtype(%x: tensor<4xf32>, %i: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.dynamic_slice does not accept start index of dtype float32}}
  %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 2>} : (tensor<4xf32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @dynamic_slice_sizes_count(%x: tensor<4xf32>, %i: tensor<i32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{pb.dynamic_slice attribute 'slice_sizes' needs one entry per operand dimension (1), got [2, 2]}}
  %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 2, 2>} : (tensor<4xf32>, tensor<i32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @dynamic_slice_sizes_range(%x: tensor<4xf32>, %i: tensor<i32>) -> tensor<5xf32> {
  // expected-error @+1 {{pb.dynamic_slice slice_sizes [5] must lie in [0, operand shape [4]]}}
  %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 5>} : (tensor<4xf32>, tensor<i32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @dynamic_update_slice_dtype(%x: tensor<4xf32>, %u: tensor<2xf64>, %i: tensor<i32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.dynamic_update_slice update dtype float64 must equal operand dtype float32}}
  %0 = "pb.dynamic_update_slice"(%x, %u, %i) : (tensor<4xf32>, tensor<2xf64>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_update_slice_shape(%x: tensor<4xf32>, %u: tensor<5xf32>, %i: tensor<i32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.dynamic_update_slice update shape [5] must fit in operand shape [4]}}
  %0 = "pb.dynamic_update_slice"(%x, %u, %i) : (tensor<4xf32>, tensor<5xf32>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_update_slice_rank(%x: tensor<4xf32>, %u: tensor<1x1xf32>, %i: tensor<i32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.dynamic_update_slice update shape [1, 1] must fit in operand shape [4]}}
  %0 = "pb.dynamic_update_slice"(%x, %u, %i) : (tensor<4xf32>, tensor<1x1xf32>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_update_slice_count(%x: tensor<4xf32>, %u: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.dynamic_update_slice needs one start index per operand dimension (1), got 0}}
  %0 = "pb.dynamic_update_slice"(%x, %u) : (tensor<4xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_update_slice_index_dtype(%x: tensor<4xf32>, %u: tensor<2xf32>, %i: tensor<i1>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.dynamic_update_slice does not accept start index of dtype bool}}
  %0 = "pb.dynamic_update_slice"(%x, %u, %i) : (tensor<4xf32>, tensor<2xf32>, tensor<i1>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concatenate_arity(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "pb.concatenate"(%x) {dimension = 0 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concatenate_dimension(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.concatenate dimension must be in [0, 2), got 2}}
  %0 = "pb.concatenate"(%x, %x) {dimension = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concatenate_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb.concatenate dimension must be in [0, 0), got 0}}
  %0 = "pb.concatenate"(%x, %x) {dimension = 0 : i64} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @pad_value_rank(%x: tensor<3xf32>, %p: tensor<1xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.pad padding_value must be 0-d, got shape [1]}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: 0>, high = array<i64: 0>, interior = array<i64: 0>} : (tensor<3xf32>, tensor<1xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pad_value_dtype(%x: tensor<3xf32>, %p: tensor<f64>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.pad padding_value dtype float64 must equal operand dtype float32}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: 0>, high = array<i64: 0>, interior = array<i64: 0>} : (tensor<3xf32>, tensor<f64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pad_config_count(%x: tensor<3xf32>, %p: tensor<f32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.pad attribute 'high' needs one entry per operand dimension (1), got [0, 1]}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: 0>, high = array<i64: 0, 1>, interior = array<i64: 0>} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pad_interior_negative(%x: tensor<3xf32>, %p: tensor<f32>) -> tensor<1xf32> {
  // expected-error @+1 {{pb.pad interior padding must be non-negative, got [-1]}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: 0>, high = array<i64: 0>, interior = array<i64: -1>} : (tensor<3xf32>, tensor<f32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @pad_result_negative(%x: tensor<3xf32>, %p: tensor<f32>) -> tensor<0xf32> {
  // expected-error @+1 {{pb.pad result shape [-1] of operand shape [3] has a negative dimension}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: -2>, high = array<i64: -2>, interior = array<i64: 0>} : (tensor<3xf32>, tensor<f32>) -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @pad_result_type(%x: tensor<3xf32>, %p: tensor<f32>) -> tensor<7xf32> {
  // expected-error @+1 {{inferred result type tensor<6xf32> does not match tensor<7xf32>}}
  %0 = "pb.pad"(%x, %p) {low = array<i64: -1>, high = array<i64: 2>, interior = array<i64: 1>} : (tensor<3xf32>, tensor<f32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}
