// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the indexing family: gather, scatter and scatter_add in the patterns
// jnp emits (x[i], x[idx], x[i, j], x.at[idx].set/add) and with general windows.
// The index vector is always the last dimension of the indices.

// x[i]: one index, the slice keeps the trailing dims.
// CHECK-LABEL: func.func @gather_scalar_index
// CHECK: "pb.gather"(%{{.*}}, %{{.*}}) {collapsed_slice_dims = array<i64: 0>, mode = "clip", offset_dims = array<i64: 0>, slice_sizes = array<i64: 1, 3>, start_index_map = array<i64: 0>} : (tensor<4x3xf32>, tensor<1xi32>) -> tensor<3xf32>
func.func @gather_scalar_index(%x: tensor<4x3xf32>, %i: tensor<1xi32>) -> tensor<3xf32> {
  %0 = "pb.gather"(%x, %i) {offset_dims = array<i64: 0>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<4x3xf32>, tensor<1xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// x[idx] along axis 0, and jnp.take's fill mode.
// CHECK-LABEL: func.func @gather_take
// CHECK: "pb.gather"(%{{.*}}, %{{.*}}) {collapsed_slice_dims = array<i64: 0>, mode = "clip", offset_dims = array<i64: 1>, slice_sizes = array<i64: 1, 3>, start_index_map = array<i64: 0>} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
// CHECK: "pb.gather"(%{{.*}}, %{{.*}}) {collapsed_slice_dims = array<i64: 0>, mode = "fill", offset_dims = array<i64>, slice_sizes = array<i64: 1>, start_index_map = array<i64: 0>} : (tensor<15xcomplex<f32>>, tensor<2x1xi32>) -> tensor<2xcomplex<f32>>
func.func @gather_take(%x: tensor<5x3xf32>, %f: tensor<15xcomplex<f32>>, %i: tensor<2x1xi32>) -> (tensor<2x3xf32>, tensor<2xcomplex<f32>>) {
  %0 = "pb.gather"(%x, %i) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  %1 = "pb.gather"(%f, %i) {offset_dims = array<i64>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1>, mode = "fill"} : (tensor<15xcomplex<f32>>, tensor<2x1xi32>) -> tensor<2xcomplex<f32>>
  return %0, %1 : tensor<2x3xf32>, tensor<2xcomplex<f32>>
}

// x[i_arr, j_arr]: two collapsed dims indexed together.
// CHECK-LABEL: func.func @gather_2d
// CHECK: "pb.gather"(%{{.*}}, %{{.*}}) {collapsed_slice_dims = array<i64: 0, 1>, mode = "fill", offset_dims = array<i64: 1>, slice_sizes = array<i64: 1, 1, 6>, start_index_map = array<i64: 0, 1>} : (tensor<4x5x6xf64>, tensor<7x2xi64>) -> tensor<7x6xf64>
func.func @gather_2d(%x: tensor<4x5x6xf64>, %i: tensor<7x2xi64>) -> tensor<7x6xf64> {
  %0 = "pb.gather"(%x, %i) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0, 1>, start_index_map = array<i64: 0, 1>, slice_sizes = array<i64: 1, 1, 6>, mode = "fill"} : (tensor<4x5x6xf64>, tensor<7x2xi64>) -> tensor<7x6xf64>
  return %0 : tensor<7x6xf64>
}

// Windows without collapsing, offset dims interleaved with batch dims, a
// permuted start_index_map and unsigned indices.
// CHECK-LABEL: func.func @gather_windows
// CHECK: "pb.gather"(%{{.*}}, %{{.*}}) {collapsed_slice_dims = array<i64>, mode = "fill", offset_dims = array<i64: 1, 3>, slice_sizes = array<i64: 2, 3>, start_index_map = array<i64: 1, 0>} : (tensor<4x5xi1>, tensor<3x2x2xui32>) -> tensor<3x2x2x3xi1>
func.func @gather_windows(%x: tensor<4x5xi1>, %i: tensor<3x2x2xui32>) -> tensor<3x2x2x3xi1> {
  %0 = "pb.gather"(%x, %i) {offset_dims = array<i64: 1, 3>, collapsed_slice_dims = array<i64>, start_index_map = array<i64: 1, 0>, slice_sizes = array<i64: 2, 3>, mode = "fill"} : (tensor<4x5xi1>, tensor<3x2x2xui32>) -> tensor<3x2x2x3xi1>
  return %0 : tensor<3x2x2x3xi1>
}

// x.at[idx].add(u) along axis 0, and a scalar update.
// CHECK-LABEL: func.func @scatter_add_at
// CHECK: "pb.scatter_add"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "drop", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64: 1>} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
// CHECK: "pb.scatter_add"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "clip", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64>} : (tensor<5xi64>, tensor<1xi8>, tensor<i64>) -> tensor<5xi64>
func.func @scatter_add_at(%x: tensor<5x3xf32>, %i: tensor<4x1xi32>, %u: tensor<4x3xf32>,
                          %y: tensor<5xi64>, %j: tensor<1xi8>, %v: tensor<i64>) -> (tensor<5x3xf32>, tensor<5xi64>) {
  %0 = "pb.scatter_add"(%x, %i, %u) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %1 = "pb.scatter_add"(%y, %j, %v) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "clip"} : (tensor<5xi64>, tensor<1xi8>, tensor<i64>) -> tensor<5xi64>
  return %0, %1 : tensor<5x3xf32>, tensor<5xi64>
}

// Windows in both operand dims, update window dims interleaved with scatter dims.
// CHECK-LABEL: func.func @scatter_add_windows
// CHECK: "pb.scatter_add"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64>, mode = "clip", scatter_dims_to_operand_dims = array<i64: 1, 0>, update_window_dims = array<i64: 0, 2>} : (tensor<4x6xcomplex<f64>>, tensor<2x3x2xi8>, tensor<2x2x3x3xcomplex<f64>>) -> tensor<4x6xcomplex<f64>>
// CHECK: "pb.scatter_add"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 1>, mode = "drop", scatter_dims_to_operand_dims = array<i64: 1>, update_window_dims = array<i64: 1>} : (tensor<3x4xui32>, tensor<2x1xui32>, tensor<2x3xui32>) -> tensor<3x4xui32>
func.func @scatter_add_windows(%x: tensor<4x6xcomplex<f64>>, %i: tensor<2x3x2xi8>, %u: tensor<2x2x3x3xcomplex<f64>>,
                               %y: tensor<3x4xui32>, %j: tensor<2x1xui32>, %v: tensor<2x3xui32>) -> (tensor<4x6xcomplex<f64>>, tensor<3x4xui32>) {
  %0 = "pb.scatter_add"(%x, %i, %u) {update_window_dims = array<i64: 0, 2>, inserted_window_dims = array<i64>, scatter_dims_to_operand_dims = array<i64: 1, 0>, mode = "clip"} : (tensor<4x6xcomplex<f64>>, tensor<2x3x2xi8>, tensor<2x2x3x3xcomplex<f64>>) -> tensor<4x6xcomplex<f64>>
  %1 = "pb.scatter_add"(%y, %j, %v) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 1>, scatter_dims_to_operand_dims = array<i64: 1>, mode = "drop"} : (tensor<3x4xui32>, tensor<2x1xui32>, tensor<2x3xui32>) -> tensor<3x4xui32>
  return %0, %1 : tensor<4x6xcomplex<f64>>, tensor<3x4xui32>
}

// x.at[idx].set(u) on bools, and windows with a permuted scatter_dims_to_operand_dims.
// CHECK-LABEL: func.func @scatter_set
// CHECK: "pb.scatter"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "drop", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64: 1>} : (tensor<5x3xi1>, tensor<4x1xi32>, tensor<4x3xi1>) -> tensor<5x3xi1>
// CHECK: "pb.scatter"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64>, mode = "clip", scatter_dims_to_operand_dims = array<i64: 1, 0>, update_window_dims = array<i64: 0, 2>} : (tensor<4x6xbf16>, tensor<2x3x2xi8>, tensor<2x2x3x3xbf16>) -> tensor<4x6xbf16>
func.func @scatter_set(%x: tensor<5x3xi1>, %i: tensor<4x1xi32>, %u: tensor<4x3xi1>,
                       %y: tensor<4x6xbf16>, %j: tensor<2x3x2xi8>, %v: tensor<2x2x3x3xbf16>) -> (tensor<5x3xi1>, tensor<4x6xbf16>) {
  %0 = "pb.scatter"(%x, %i, %u) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xi1>, tensor<4x1xi32>, tensor<4x3xi1>) -> tensor<5x3xi1>
  %1 = "pb.scatter"(%y, %j, %v) {update_window_dims = array<i64: 0, 2>, inserted_window_dims = array<i64>, scatter_dims_to_operand_dims = array<i64: 1, 0>, mode = "clip"} : (tensor<4x6xbf16>, tensor<2x3x2xi8>, tensor<2x2x3x3xbf16>) -> tensor<4x6xbf16>
  return %0, %1 : tensor<5x3xi1>, tensor<4x6xbf16>
}

// The combining scatters: x.at[idx].multiply/min/max.
// CHECK-LABEL: func.func @scatter_combiners
// CHECK: "pb.scatter_mul"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "drop", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64: 1>} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
// CHECK: "pb.scatter_min"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "clip", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64: 1>} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
// CHECK: "pb.scatter_max"(%{{.*}}, %{{.*}}, %{{.*}}) {inserted_window_dims = array<i64: 0>, mode = "drop", scatter_dims_to_operand_dims = array<i64: 0>, update_window_dims = array<i64>} : (tensor<5xi1>, tensor<1xi8>, tensor<i1>) -> tensor<5xi1>
func.func @scatter_combiners(%x: tensor<5x3xf32>, %i: tensor<4x1xi32>, %u: tensor<4x3xf32>,
                             %y: tensor<5xi1>, %j: tensor<1xi8>, %v: tensor<i1>) -> (tensor<5x3xf32>, tensor<5x3xf32>, tensor<5xi1>) {
  %0 = "pb.scatter_mul"(%x, %i, %u) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %1 = "pb.scatter_min"(%x, %i, %u) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "clip"} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %2 = "pb.scatter_max"(%y, %j, %v) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5xi1>, tensor<1xi8>, tensor<i1>) -> tensor<5xi1>
  return %0, %1, %2 : tensor<5x3xf32>, tensor<5x3xf32>, tensor<5xi1>
}
