"""Exceptions raised to users, each naming the line of user code involved.

The classes and their bases are JAX's (`jax.errors`), so that `except` clauses written
for JAX catch the same failures here.
"""
from __future__ import annotations

from .source_info import describe_position, user_position


def at_user_line(message: str) -> str:
    return f"{message}\n  (at {describe_position(user_position())})"


def user_error(cls, message: str) -> Exception:
    """An exception of `cls` whose message ends with the user's source line."""
    return cls(at_user_line(message))


class JAXTypeError(TypeError):
    """Base of the TypeErrors that describe misuse of traced values."""


class JAXIndexError(IndexError):
    """Base of the IndexErrors that describe misuse of traced values."""


class JaxRuntimeError(RuntimeError):
    """A compiled program failed while running (for instance, out of memory)."""


class ResourceExhaustedError(JaxRuntimeError, MemoryError):
    """A compiled program could not allocate an intermediate (JAX's RESOURCE_EXHAUSTED)."""


class _AbstractValueMessage:
    """Builds the message of an error about a traced value that has no concrete value."""

    def __init__(self, tracer, why: str):
        aval = f" of {tracer.aval.str_short()}" if tracer is not None else ""
        super().__init__(at_user_line(
            f"Abstract tracer value encountered where a concrete value is expected: {why}{aval}.\n"
            "Inside jit, values depend on the arguments and are not known while tracing. Use "
            "pb control flow (jnp.where / lax.cond), mark the argument static with "
            "static_argnums/static_argnames, or move the code out of jit."))


class ConcretizationTypeError(_AbstractValueMessage, JAXTypeError):
    """A traced value was needed as a concrete Python value where none exists (under jit)."""


class TracerBoolConversionError(ConcretizationTypeError):
    """bool() of a traced value (a Python `if` or `while` on an array under jit)."""


class TracerIntegerConversionError(_AbstractValueMessage, JAXTypeError):
    """int() or __index__ of a traced value."""


class TracerArrayConversionError(_AbstractValueMessage, JAXTypeError):
    """A traced value passed to numpy (np.asarray, a numpy function)."""


class NonConcreteBooleanIndexError(JAXIndexError):
    """A boolean mask index whose value is not known while tracing (the result's shape
    would depend on it)."""


class UnexpectedTracerError(JAXTypeError):
    """A tracer escaped the transformation that created it, or appeared where a static
    value is required."""

    def __init__(self, message: str):
        super().__init__(at_user_line(message))


# The name pullback used before it adopted JAX's.
TracerLeakError = UnexpectedTracerError
