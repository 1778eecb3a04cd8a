"""pullback.nn: jax.nn's activations, softmax family, one_hot, standardize and initializers,
composed from pullback.numpy/lax with JAX's formulas and custom derivatives."""
from . import initializers
from ._activations import (celu, elu, gelu, glu, hard_sigmoid, hard_silu, hard_swish, hard_tanh, identity,
                           leaky_relu, log1mexp, log_sigmoid, mish, relu, relu6, selu, sigmoid, silu, soft_sign,
                           softplus, sparse_plus, sparse_sigmoid, squareplus, swish, tanh)
from ._attention import dot_product_attention
from ._normalization import log_softmax, logmeanexp, logsumexp, one_hot, softmax, standardize

__all__ = ["dot_product_attention", "celu", "elu", "gelu", "glu", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "identity",
           "initializers", "leaky_relu", "log1mexp", "log_sigmoid", "log_softmax", "logmeanexp", "logsumexp", "mish",
           "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "soft_sign", "softmax", "softplus", "sparse_plus",
           "sparse_sigmoid", "squareplus", "standardize", "swish", "tanh"]
