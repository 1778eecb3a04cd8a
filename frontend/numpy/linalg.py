"""pullback.numpy.linalg: not implemented yet; every function names itself when called."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)

    def missing(*args, **kwargs):
        raise NotImplementedError(f"pullback.numpy.linalg.{name} is not implemented")
    missing.__name__ = name
    return missing
