"""pullback.example_libraries: the small libraries JAX ships for its examples (optimizers, stax),
so training scripts written against jax.example_libraries run with their imports changed."""
from . import optimizers, stax  # noqa: F401
