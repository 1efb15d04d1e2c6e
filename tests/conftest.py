"""Shared fixtures. The helpers themselves live in ``tests/support/`` (import them from
``support``); this file holds only fixtures and the marker rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import make_ledger
from support.site import Built, build, make_repo


@pytest.fixture
def golden_ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The strict site of :func:`support.site.make_repo`, built once per session with the real
    MkDocs build. Read it, never change it: tests that need their own build make one."""
    base = tmp_path_factory.mktemp("site")
    return build(make_repo(base / "repo"), base / "out", strict=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the built site is slow (it may be the one that builds it)."""
    for item in items:
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
