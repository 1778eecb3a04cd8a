// Generated from pullback's op table by pullback.dialects.irdl_gen. Do not edit.
irdl.dialect @pb {
  irdl.operation @abs {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %v1)
  }
  irdl.operation @acos {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @acosh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @add {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @and {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @argmax {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.integer"
    %a3 = irdl.base "#builtin.string"
    irdl.operands(x: %v0)
    irdl.attributes {"axis" = %a2, "index_dtype" = %a3}
    irdl.results(out: %v1)
  }
  irdl.operation @argmin {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.integer"
    %a3 = irdl.base "#builtin.string"
    irdl.operands(x: %v0)
    irdl.attributes {"axis" = %a2, "index_dtype" = %a3}
    irdl.results(out: %v1)
  }
  irdl.operation @asin {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @asinh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @atan {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @atan2 {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @atanh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @bessel_i0e {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @bessel_i1e {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @betainc {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x0: %g0, x1: %g0, x2: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @bitcast {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.string"
    irdl.operands(x: %v0)
    irdl.attributes {"new_dtype" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @broadcast_in_dim {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"shape" = %a2, "broadcast_dimensions" = %a3}
    irdl.results(out: %v1)
  }
  irdl.operation @cbrt {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @ceil {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @cholesky {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %v0)
    irdl.results(out: %v1)
  }
  irdl.operation @clz {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @compare {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.string"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.attributes {"direction" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @complex {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %v1)
  }
  irdl.operation @concatenate {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.integer"
    irdl.operands(lhs: %v0, rhs: %v1)
    irdl.attributes {"dimension" = %a3}
    irdl.results(out: %v2)
  }
  irdl.operation @conj {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @constant {
    %v0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.dense_int_or_fp_elements"
    irdl.attributes {"value" = %a1}
    irdl.results(out: %v0)
  }
  irdl.operation @conv_general_dilated {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    %a7 = irdl.base "#builtin.dense_array"
    %a8 = irdl.base "#builtin.dense_array"
    %a9 = irdl.base "#builtin.dense_array"
    %a10 = irdl.base "#builtin.dense_array"
    %a11 = irdl.base "#builtin.integer"
    %a12 = irdl.base "#builtin.integer"
    irdl.operands(lhs: %v0, rhs: %v1)
    irdl.attributes {"window_strides" = %a3, "padding_low" = %a4, "padding_high" = %a5, "lhs_dilation" = %a6, "rhs_dilation" = %a7, "lhs_spec" = %a8, "rhs_spec" = %a9, "out_spec" = %a10, "feature_group_count" = %a11, "batch_group_count" = %a12}
    irdl.results(out: %v2)
  }
  irdl.operation @convert_element_type {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.string"
    irdl.operands(x: %v0)
    irdl.attributes {"new_dtype" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @cos {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @cosh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @cummax {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.integer"
    %a2 = irdl.base "#builtin.integer"
    irdl.operands(x: %g0)
    irdl.attributes {"axis" = %a1, "reverse" = %a2}
    irdl.results(out: %g0)
  }
  irdl.operation @cummin {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.integer"
    %a2 = irdl.base "#builtin.integer"
    irdl.operands(x: %g0)
    irdl.attributes {"axis" = %a1, "reverse" = %a2}
    irdl.results(out: %g0)
  }
  irdl.operation @cumprod {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.integer"
    %a2 = irdl.base "#builtin.integer"
    irdl.operands(x: %g0)
    irdl.attributes {"axis" = %a1, "reverse" = %a2}
    irdl.results(out: %g0)
  }
  irdl.operation @cumsum {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.integer"
    %a2 = irdl.base "#builtin.integer"
    irdl.operands(x: %g0)
    irdl.attributes {"axis" = %a1, "reverse" = %a2}
    irdl.results(out: %g0)
  }
  irdl.operation @digamma {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @div {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @dot_general {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    irdl.operands(lhs: %v0, rhs: %v1)
    irdl.attributes {"lhs_contracting" = %a3, "rhs_contracting" = %a4, "lhs_batch" = %a5, "rhs_batch" = %a6}
    irdl.results(out: %v2)
  }
  irdl.operation @dynamic_slice {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.any
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0, start_indices: variadic %v1)
    irdl.attributes {"slice_sizes" = %a3}
    irdl.results(out: %v2)
  }
  irdl.operation @dynamic_update_slice {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.any
    irdl.operands(x: %g0, update: %v1, start_indices: variadic %v2)
    irdl.results(out: %g0)
  }
  irdl.operation @eig {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.any
    %a3 = irdl.base "#builtin.integer"
    %a4 = irdl.base "#builtin.integer"
    irdl.operands(x: %v0)
    irdl.attributes {"compute_left_eigenvectors" = %a3, "compute_right_eigenvectors" = %a4}
    irdl.results(w: %v1, vectors: variadic %v2)
  }
  irdl.operation @eigh {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.integer"
    irdl.operands(x: %v0)
    irdl.attributes {"lower" = %a3}
    irdl.results(v: %v1, w: %v2)
  }
  irdl.operation @erf {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @erf_inv {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @erfc {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @exp {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @exp2 {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @expm1 {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @fft {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.string"
    %a3 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"fft_type" = %a2, "fft_lengths" = %a3}
    irdl.results(out: %v1)
  }
  irdl.operation @floor {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @gather {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    %a7 = irdl.base "#builtin.string"
    irdl.operands(operand: %v0, start_indices: %v1)
    irdl.attributes {"offset_dims" = %a3, "collapsed_slice_dims" = %a4, "start_index_map" = %a5, "slice_sizes" = %a6, "mode" = %a7}
    irdl.results(out: %v2)
  }
  irdl.operation @igamma {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @igamma_grad_a {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @igammac {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @imag {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %v1)
  }
  irdl.operation @integer_pow {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.integer"
    irdl.operands(x: %g0)
    irdl.attributes {"y" = %a1}
    irdl.results(out: %g0)
  }
  irdl.operation @iota {
    %v0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.string"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.integer"
    irdl.attributes {"dtype" = %a1, "shape" = %a2, "dimension" = %a3}
    irdl.results(out: %v0)
  }
  irdl.operation @lgamma {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @log {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @log1p {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @logistic {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @lu {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %v3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %v0)
    irdl.results(lu: %v1, pivots: %v2, permutation: %v3)
  }
  irdl.operation @lu_pivots_to_permutation {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.integer"
    irdl.operands(pivots: %v0)
    irdl.attributes {"permutation_size" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @max {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @min {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @mul {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @neg {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @not {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @or {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @pad {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0, padding_value: %v1)
    irdl.attributes {"low" = %a3, "high" = %a4, "interior" = %a5}
    irdl.results(out: %v2)
  }
  irdl.operation @population_count {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @pow {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @qr {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.integer"
    irdl.operands(a: %v0)
    irdl.attributes {"full_matrices" = %a3}
    irdl.results(q: %v1, r: %v2)
  }
  irdl.operation @random_gamma_grad {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @real {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_max {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"axes" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_min {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"axes" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_prod {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"axes" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_sum {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"axes" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_window_max {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    %a7 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"window_dimensions" = %a2, "window_strides" = %a3, "padding_low" = %a4, "padding_high" = %a5, "base_dilation" = %a6, "window_dilation" = %a7}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_window_min {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    %a7 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"window_dimensions" = %a2, "window_strides" = %a3, "padding_low" = %a4, "padding_high" = %a5, "base_dilation" = %a6, "window_dilation" = %a7}
    irdl.results(out: %v1)
  }
  irdl.operation @reduce_window_sum {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.dense_array"
    %a7 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"window_dimensions" = %a2, "window_strides" = %a3, "padding_low" = %a4, "padding_high" = %a5, "base_dilation" = %a6, "window_dilation" = %a7}
    irdl.results(out: %v1)
  }
  irdl.operation @rem {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @reshape {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"new_sizes" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @rev {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %g0)
    irdl.attributes {"dimensions" = %a1}
    irdl.results(out: %g0)
  }
  irdl.operation @round {
    %g0 = irdl.base "!builtin.tensor"
    %a1 = irdl.base "#builtin.string"
    irdl.operands(x: %g0)
    irdl.attributes {"rounding_method" = %a1}
    irdl.results(out: %g0)
  }
  irdl.operation @rsqrt {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @scatter {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.string"
    irdl.operands(operand: %g0, scatter_indices: %v1, updates: %v2)
    irdl.attributes {"update_window_dims" = %a3, "inserted_window_dims" = %a4, "scatter_dims_to_operand_dims" = %a5, "mode" = %a6}
    irdl.results(out: %g0)
  }
  irdl.operation @scatter_add {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.string"
    irdl.operands(operand: %g0, scatter_indices: %v1, updates: %v2)
    irdl.attributes {"update_window_dims" = %a3, "inserted_window_dims" = %a4, "scatter_dims_to_operand_dims" = %a5, "mode" = %a6}
    irdl.results(out: %g0)
  }
  irdl.operation @scatter_max {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.string"
    irdl.operands(operand: %g0, scatter_indices: %v1, updates: %v2)
    irdl.attributes {"update_window_dims" = %a3, "inserted_window_dims" = %a4, "scatter_dims_to_operand_dims" = %a5, "mode" = %a6}
    irdl.results(out: %g0)
  }
  irdl.operation @scatter_min {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.string"
    irdl.operands(operand: %g0, scatter_indices: %v1, updates: %v2)
    irdl.attributes {"update_window_dims" = %a3, "inserted_window_dims" = %a4, "scatter_dims_to_operand_dims" = %a5, "mode" = %a6}
    irdl.results(out: %g0)
  }
  irdl.operation @scatter_mul {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    %a5 = irdl.base "#builtin.dense_array"
    %a6 = irdl.base "#builtin.string"
    irdl.operands(operand: %g0, scatter_indices: %v1, updates: %v2)
    irdl.attributes {"update_window_dims" = %a3, "inserted_window_dims" = %a4, "scatter_dims_to_operand_dims" = %a5, "mode" = %a6}
    irdl.results(out: %g0)
  }
  irdl.operation @select {
    %g0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    irdl.operands(pred: %v1, on_true: %g0, on_false: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @shift_left {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @shift_right_arithmetic {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @shift_right_logical {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @sign {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @sin {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @sinh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @slice {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    %a3 = irdl.base "#builtin.dense_array"
    %a4 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"start_indices" = %a2, "limit_indices" = %a3, "strides" = %a4}
    irdl.results(out: %v1)
  }
  irdl.operation @sort {
    %g0 = irdl.base "!builtin.tensor"
    %g2 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.integer"
    %a3 = irdl.base "#builtin.integer"
    irdl.operands(keys: %g0, values: %g2)
    irdl.attributes {"dimension" = %a2, "is_stable" = %a3}
    irdl.results(sorted_keys: %g0, sorted_values: %g2)
  }
  irdl.operation @sqrt {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @stop_gradient {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @sub {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @svd {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %v3 = irdl.base "!builtin.tensor"
    %a4 = irdl.base "#builtin.integer"
    irdl.operands(a: %v0)
    irdl.attributes {"full_matrices" = %a4}
    irdl.results(s: %v1, u: %v2, vh: %v3)
  }
  irdl.operation @tan {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @tanh {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(x: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @top_k {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.integer"
    irdl.operands(operand: %v0)
    irdl.attributes {"k" = %a3}
    irdl.results(values: %v1, indices: %v2)
  }
  irdl.operation @transpose {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %a2 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %v0)
    irdl.attributes {"permutation" = %a2}
    irdl.results(out: %v1)
  }
  irdl.operation @triangular_solve {
    %v0 = irdl.base "!builtin.tensor"
    %v1 = irdl.base "!builtin.tensor"
    %v2 = irdl.base "!builtin.tensor"
    %a3 = irdl.base "#builtin.integer"
    %a4 = irdl.base "#builtin.integer"
    %a5 = irdl.base "#builtin.integer"
    %a6 = irdl.base "#builtin.integer"
    %a7 = irdl.base "#builtin.integer"
    irdl.operands(a: %v0, b: %v1)
    irdl.attributes {"left_side" = %a3, "lower" = %a4, "transpose_a" = %a5, "conjugate_a" = %a6, "unit_diagonal" = %a7}
    irdl.results(out: %v2)
  }
  irdl.operation @xor {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
  irdl.operation @zeta {
    %g0 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %g0, rhs: %g0)
    irdl.results(out: %g0)
  }
}
