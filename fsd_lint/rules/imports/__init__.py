"""Import rules (FSD1xx): layers, sibling slices, public APIs, locality."""
