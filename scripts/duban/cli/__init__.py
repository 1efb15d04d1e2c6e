"""The command line: a thin click layer over the library (:mod:`duban.cli.main`)."""

from duban.cli.main import main

__all__ = ["main"]
