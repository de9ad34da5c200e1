"""Tessera core: keys, JOSE, DIDs and (later) credentials, with no Qt dependency.

Verifiers import this package on its own; nothing here may import PySide6.
"""
