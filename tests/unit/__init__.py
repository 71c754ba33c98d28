"""Fast unit tests: trees built in tmp_path, the model/resolver/engine called directly."""
