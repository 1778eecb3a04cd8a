"""The optional C extension of the jit dispatch fast path (runtime/_dispatch.c); the rest of
the package is configured in pyproject.toml. Without a C compiler (or, building without
isolation, without numpy) the build skips it and jit dispatches through its Python path."""
from setuptools import Extension, setup

try:
    import numpy
except ImportError:
    ext_modules = []
else:
    ext_modules = [Extension("pullback.runtime._dispatch", ["runtime/_dispatch.c"],
                             include_dirs=[numpy.get_include()], optional=True)]

setup(ext_modules=ext_modules)
