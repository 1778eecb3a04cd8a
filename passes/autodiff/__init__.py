"""Autodiff passes: pb-jvp, pb-linearize, pb-transpose, pb-vjp."""
from . import jvp, linearize, transpose, vjp  # noqa: F401
