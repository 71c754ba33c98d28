"""Entry point for ``python -m fsd_lint``."""

from fsd_lint.cli import main

if __name__ == "__main__":
    main()
