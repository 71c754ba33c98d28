"""fsd-lint: a linter that enforces Feature-Sliced Design on Python codebases."""

# The one place the version is written: hatchling reads it from here (pyproject.toml,
# [tool.hatch.version]), so starting the tool does not need importlib.metadata.
__version__ = "0.1.0"

__all__ = ["__version__"]
