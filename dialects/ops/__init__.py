"""The op families of the pb dialect. Importing this package fills the op table."""
from . import elementwise  # noqa: F401
