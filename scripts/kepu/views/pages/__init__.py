"""Generators: pure views of the model that add pages and files to an Output.

Each module exposes `generate(site, out, media)`. The writer (writer.py) is
the only code that touches docs/.
"""
