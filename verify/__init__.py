"""verify: model checking for leader election and the protocols around it."""

__version__ = "0.1.0"
