"""fsd-lint: a linter that enforces Feature-Sliced Design on Python codebases."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fsd-lint")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
