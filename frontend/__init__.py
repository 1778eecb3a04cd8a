"""pullback: JAX's transformations as an MLIR compiler toolkit."""
__version__ = "0.1.0"
