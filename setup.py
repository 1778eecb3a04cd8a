"""The optional C extension of the jit dispatch fast path (runtime/_dispatch.c); the rest of
the package is configured in pyproject.toml. Without a C compiler the build skips it
(optional=True) and jit dispatches through its Python path."""
import numpy
from setuptools import Extension, setup

setup(ext_modules=[Extension("pullback.runtime._dispatch", ["runtime/_dispatch.c"],
                             include_dirs=[numpy.get_include()], optional=True)])
