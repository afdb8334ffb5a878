"""Readers turn a file's bytes into checked pieces (text, front matter, body parts).

They never change files; they report problems with a file and line.
"""
