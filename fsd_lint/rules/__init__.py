"""The rules: each a pure function of per-file facts and the project model."""
