// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of pb.gather and pb.scatter_add; pb.scatter shares scatter_add's.

func.func @gather_float_indices(%a0: tensor<5x3xf32>, %a1: tensor<2x1xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather does not accept start_indices of dtype float32}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_scalar_indices(%a0: tensor<5x3xf32>, %a1: tensor<i32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.gather start_indices must have rank >= 1 (its last dimension is the index vector)}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 0>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<i32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_index_vector_size(%a0: tensor<5x3xf32>, %a1: tensor<2x2xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather start_index_map has 1 entries but the index vector (last dimension of start_indices) has size 2}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x2xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_offset_dims_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather offset_dims must lie in [0, 2), got [2]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 2>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_offset_dims_repeated(%a0: tensor<5x3x4xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{pb.gather offset_dims must not repeat a dimension, got [1, 1]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1, 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3, 4>, mode = "clip"} : (tensor<5x3x4xf32>, tensor<2x1xi32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @gather_offset_dims_unsorted(%a0: tensor<5x3x4xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{pb.gather offset_dims must be sorted, got [2, 1]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 2, 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3, 4>, mode = "clip"} : (tensor<5x3x4xf32>, tensor<2x1xi32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @gather_collapsed_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather collapsed_slice_dims must lie in [0, 2), got [2]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 2>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_collapsed_unsorted(%a0: tensor<5x3x4xf32>, %a1: tensor<2x2xi32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.gather collapsed_slice_dims must be sorted, got [1, 0]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 1, 0>, start_index_map = array<i64: 0, 1>, slice_sizes = array<i64: 1, 1, 4>, mode = "clip"} : (tensor<5x3x4xf32>, tensor<2x2xi32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_start_index_map_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather start_index_map must lie in [0, 2), got [-1]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: -1>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_start_index_map_repeated(%a0: tensor<5x3xf32>, %a1: tensor<2x2xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather start_index_map must not repeat a dimension, got [0, 0]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0, 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x2xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_slice_sizes_count(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather needs one slice size per operand dimension (2), got [1]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_slice_size_too_big(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.gather slice_sizes [1, 4] must lie within the operand shape [5, 3]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 4>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_slice_size_negative(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather slice_sizes [1, -1] must lie within the operand shape [5, 3]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, -1>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_collapse_wide_slice(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather collapsed_slice_dims [0] must have slice size 1, got slice_sizes [2, 3]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 2, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_dims_do_not_cover_operand(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x1x3xf32> {
  // expected-error @+1 {{pb.gather needs len(offset_dims) + len(collapsed_slice_dims) == operand rank (2), got [1, 2] and [0]}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1, 2>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x1x3xf32>
  return %0 : tensor<2x1x3xf32>
}

// -----

func.func @gather_bad_mode(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.gather attribute 'mode' must be one of ['clip', 'fill', 'fill_zero'], got 'drop'}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_wrong_result(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{inferred result type tensor<2x3xf32> does not match tensor<3x2xf32>}}
  %0 = "pb.gather"(%a0, %a1) {offset_dims = array<i64: 1>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1, 3>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @scatter_updates_dtype(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf64>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add updates must have the operand dtype float32, got float64}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf64>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_bool(%a0: tensor<5x3xi1>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xi1>) -> tensor<5x3xi1> {
  // expected-error @+1 {{pb.scatter_add does not accept operand of dtype bool}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xi1>, tensor<2x1xi32>, tensor<2x3xi1>) -> tensor<5x3xi1>
  return %0 : tensor<5x3xi1>
}

// -----

func.func @scatter_float_indices(%a0: tensor<5x3xf32>, %a1: tensor<2x1xf32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add does not accept scatter_indices of dtype float32}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_scalar_indices(%a0: tensor<5x3xf32>, %a1: tensor<i32>, %a2: tensor<3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add scatter_indices must have rank >= 1 (its last dimension is the index vector)}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 0>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<i32>, tensor<3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_index_vector_size(%a0: tensor<5x3xf32>, %a1: tensor<2x2xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add scatter_dims_to_operand_dims has 1 entries but the index vector (last dimension of scatter_indices) has size 2}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x2xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_updates_rank(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x1x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add updates must have rank 2 (scatter_indices batch dims + update_window_dims), got 3}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x1x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_update_window_dims_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add update_window_dims must lie in [0, 2), got [2]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 2>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_update_window_dims_unsorted(%a0: tensor<5x3x4xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x4x3xf32>) -> tensor<5x3x4xf32> {
  // expected-error @+1 {{pb.scatter_add update_window_dims must be sorted, got [2, 1]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 2, 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3x4xf32>, tensor<2x1xi32>, tensor<2x4x3xf32>) -> tensor<5x3x4xf32>
  return %0 : tensor<5x3x4xf32>
}

// -----

func.func @scatter_inserted_repeated(%a0: tensor<5x3x4xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x4xf32>) -> tensor<5x3x4xf32> {
  // expected-error @+1 {{pb.scatter_add inserted_window_dims must not repeat a dimension, got [0, 0]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0, 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<5x3x4xf32>
  return %0 : tensor<5x3x4xf32>
}

// -----

func.func @scatter_inserted_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add inserted_window_dims must lie in [0, 2), got [2]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 2>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_dims_to_operand_dims_out_of_range(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add scatter_dims_to_operand_dims must lie in [0, 2), got [3]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 3>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_dims_to_operand_dims_repeated(%a0: tensor<5x3xf32>, %a1: tensor<2x2xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add scatter_dims_to_operand_dims must not repeat a dimension, got [1, 1]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 1, 1>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x2xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_window_does_not_cover_operand(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add needs len(update_window_dims) + len(inserted_window_dims) == operand rank (2), got [] and [0]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_window_too_big(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x4xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add update window [4] exceeds the operand bounds [3]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_batch_mismatch(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<3x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add updates scatter dims [3] must match the scatter_indices batch dims [2]}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<3x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_bad_mode(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_add attribute 'mode' must be one of ['clip', 'drop'], got 'fill'}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "fill"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_wrong_result(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{expected 'tensor<5x3xf32>' but got 'tensor<3x5xf32>'}}
  %0 = "pb.scatter_add"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @scatter_set_updates_dtype(%a0: tensor<5x3xi1>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xi8>) -> tensor<5x3xi1> {
  // expected-error @+1 {{pb.scatter updates must have the operand dtype bool, got int8}}
  %0 = "pb.scatter"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xi1>, tensor<2x1xi32>, tensor<2x3xi8>) -> tensor<5x3xi1>
  return %0 : tensor<5x3xi1>
}

// -----

func.func @scatter_set_window_too_large(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x4xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter update window [4] exceeds the operand bounds [3]}}
  %0 = "pb.scatter"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "clip"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_set_bad_mode(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter attribute 'mode' must be one of ['clip', 'drop'], got 'fill_zero'}}
  %0 = "pb.scatter"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "fill_zero"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @scatter_mul_bool(%a0: tensor<5xi1>, %a1: tensor<2x1xi32>, %a2: tensor<2xi1>) -> tensor<5xi1> {
  // expected-error @+1 {{pb.scatter_mul does not accept operand of dtype bool}}
  %0 = "pb.scatter_mul"(%a0, %a1, %a2) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5xi1>, tensor<2x1xi32>, tensor<2xi1>) -> tensor<5xi1>
  return %0 : tensor<5xi1>
}

// -----

func.func @scatter_min_complex(%a0: tensor<5xcomplex<f32>>, %a1: tensor<2x1xi32>, %a2: tensor<2xcomplex<f32>>) -> tensor<5xcomplex<f32>> {
  // expected-error @+1 {{pb.scatter_min does not accept operand of dtype complex64}}
  %0 = "pb.scatter_min"(%a0, %a1, %a2) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5xcomplex<f32>>, tensor<2x1xi32>, tensor<2xcomplex<f32>>) -> tensor<5xcomplex<f32>>
  return %0 : tensor<5xcomplex<f32>>
}

// -----

func.func @scatter_max_fill_mode(%a0: tensor<5xf32>, %a1: tensor<2x1xi32>, %a2: tensor<2xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{pb.scatter_max attribute 'mode' must be one of ['clip', 'drop'], got 'fill'}}
  %0 = "pb.scatter_max"(%a0, %a1, %a2) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "fill"} : (tensor<5xf32>, tensor<2x1xi32>, tensor<2xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @scatter_min_updates_shape(%a0: tensor<5x3xf32>, %a1: tensor<2x1xi32>, %a2: tensor<3x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{pb.scatter_min updates scatter dims [3] must match the scatter_indices batch dims [2]}}
  %0 = "pb.scatter_min"(%a0, %a1, %a2) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<3x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}
