"""The command line: a thin click layer over the library (:mod:`duban.cli.app`)."""

from duban.cli.app import main

__all__ = ["main"]
