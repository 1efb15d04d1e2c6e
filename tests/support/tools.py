"""Tests that need an outside tool (Chromium, a linter, a reference package): skipped with
a clear reason on a developer machine that lacks it, but failed when ``CI=true``, so that CI
never goes green by skipping."""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def need(available: object, what: str, install: str) -> None:
    """Skip (fail under ``CI=true``) unless ``available``; ``what`` is missing, ``install``
    says how to get it."""
    if available:
        return
    reason = f"needs {what} ({install})"
    if in_ci():
        pytest.fail(f"{reason}: missing with CI=true, which is a failure, not a skip")
    pytest.skip(reason, allow_module_level=True)


def need_module(name: str, install: str = "pip install -e '.[test]'") -> ModuleType:
    """The module ``name``, imported; skipped (failed under ``CI=true``) when missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        need(False, f"the Python package {name}", install)
        raise  # not reached: need() skipped or failed


def finishes(call: Callable[[], Any], seconds: float = 60.0) -> Any:
    """``call()`` in a thread, failing the test (not hanging it) if it blocks longer than
    ``seconds``: for the inputs that once made a command hang."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the call blocked for more than {seconds} s"
    return result[0]
