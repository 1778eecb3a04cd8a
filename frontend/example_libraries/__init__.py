"""pullback.example_libraries: the small libraries JAX ships for its examples (optimizers),
so training scripts written against jax.example_libraries run with their imports changed."""
from . import optimizers  # noqa: F401
