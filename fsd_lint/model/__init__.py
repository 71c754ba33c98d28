"""The FSD model of a Python project: roots, layers, slices, segments and module names."""
