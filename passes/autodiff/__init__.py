"""Autodiff passes: pb-jvp, pb-linearize, pb-transpose, pb-vjp, and their driver."""
from . import expand, inline, jvp, linearize, transpose  # noqa: F401
