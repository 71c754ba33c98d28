"""Per-file facts: everything the rules need from one file, extracted once."""
