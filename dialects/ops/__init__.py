"""The op families of the pb dialect. Importing this package fills the op table."""
from . import (contraction, convolution, eig, eigh, elementwise, indexing, linalg, logical, lu, qr, reduction,  # noqa: F401
               shape, svd, windowed)
from . import scatter_reduce  # noqa: F401  (after indexing, whose scatter helpers it reuses)
from . import sort, special, top_k, transcendental  # noqa: F401
from . import fft  # noqa: F401
from . import incomplete  # noqa: F401  (after special, whose lgamma and digamma expansions it reuses)
