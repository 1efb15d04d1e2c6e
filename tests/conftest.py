"""Shared fixtures. The helpers themselves live in ``tests/support/`` (import them from
``support``); this file holds only fixtures and the marker rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import make_ledger, run_cli
from support.shared import once, run_folder
from support.site import Built, build, make_repo, site_git
from support.wheelhouse import make_wheelhouse


@pytest.fixture
def golden_ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger")


@pytest.fixture(scope="session")
def site_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository of :func:`support.site.make_repo`, made once: only ever copied."""
    return make_repo(tmp_path_factory.mktemp("site-template") / "repo")


@pytest.fixture
def site_repo(site_repo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of that repository, for a test that changes it or builds its own site."""
    return site_git(site_repo_template).copy(tmp_path / "repo").path


@pytest.fixture(scope="session")
def built_site(site_repo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The strict site of :func:`support.site.make_repo`, built once per session with the real
    MkDocs build. Read it, never change it: tests that need their own build make one."""
    base = tmp_path_factory.mktemp("site")
    repo = site_git(site_repo_template).copy(base / "repo").path
    return build(repo, base / "out", strict=True)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger's site as ``duban demo --out`` builds it (README command 1): the
    site a reader sees, with the sample's footer fields. Read it, never change it."""
    out = tmp_path_factory.mktemp("demo-site") / "site"
    result = run_cli("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of duban's dependencies and build backend (:mod:`support.wheelhouse`), made
    once per run, for all its xdist workers."""
    return once(run_folder(tmp_path_factory) / "wheelhouse", make_wheelhouse)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the built site is slow (it may be the one that builds it)."""
    for item in items:
        if {"built_site", "demo_site"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
