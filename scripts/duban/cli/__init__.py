"""The command line: a thin click layer over the library."""

from duban.cli.main import main

__all__ = ["main"]
