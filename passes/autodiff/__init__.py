"""Autodiff passes: pb-jvp, pb-linearize, pb-transpose, pb-vjp."""
from . import jvp  # noqa: F401
