"""The version of pressmon, read by the build backend and by `pressmon --version`."""

__version__ = "0.1.0"
