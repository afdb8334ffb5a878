"""Helpers every stage uses: escaping, the sanitizer, templates, output paths, the writer, command names."""
