"""Exceptions raised to users, each naming the line of user code involved."""
from __future__ import annotations

from .source_info import describe_position, user_position


def at_user_line(message: str) -> str:
    return f"{message}\n  (at {describe_position(user_position())})"


def user_error(cls, message: str) -> Exception:
    """An exception of `cls` whose message ends with the user's source line."""
    return cls(at_user_line(message))


class ConcretizationTypeError(TypeError):
    """A traced value was needed as a concrete Python value where none exists (under jit)."""

    def __init__(self, tracer, why: str):
        aval = f" of {tracer.aval.str_short()}" if tracer is not None else ""
        super().__init__(at_user_line(
            f"Abstract tracer value encountered where a concrete value is expected: {why}{aval}.\n"
            "Inside jit, values depend on the arguments and are not known while tracing. Use "
            "pb control flow (jnp.where / lax.cond), mark the argument static with "
            "static_argnums/static_argnames, or move the code out of jit."))


class TracerLeakError(Exception):
    """A tracer escaped the transformation that created it."""

    def __init__(self, message: str):
        super().__init__(at_user_line(message))
