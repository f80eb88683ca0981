"""skae's version, in a module of its own: pickling stamps it into every
estimator's state, and importing the package for it would be an import circle."""

__version__ = "0.1.0"
