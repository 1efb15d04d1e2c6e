"""The task page shows the deadline the status computed as of the site's date.

SL-2026-0026 of the sample ledger (``ledger/tasks/2026/SL-2026-0026.yaml``) has the deadline
2026-10-31 and an extension to 2026-12-02 approved on 2026-10-27: a site as of a day before
the approval shows the original deadline, one as of a day after it shows the extended one and
the day it was approved.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from duban.web.build import build_site

ROOT = Path(__file__).resolve().parents[1]
TASK = "SL-2026-0026"
TASK_FILE = ROOT / "ledger" / "tasks" / "2026" / f"{TASK}.yaml"
APPROVED = "2026-10-27"


def task_page(ledger: Path, tmp_path: Path, as_of: date) -> str:
    """The generated Markdown of the task's page in a site of ``ledger`` as of ``as_of``; the
    site itself is built too (its HTML page exists)."""
    out = tmp_path / f"site-{as_of.isoformat()}"
    result, problems = build_site(
        ledger,
        out=out,
        as_of=as_of,
        config_file=ROOT / "mkdocs.yml",
        work=tmp_path / f"work-{as_of.isoformat()}",
    )
    assert result is not None, [p.message("en") for p in problems]
    assert (out / "tasks" / TASK / "index.html").is_file()
    return (result.docs_dir / "tasks" / f"{TASK}.md").read_text("utf-8")


def deadline_cell(page: str) -> str:
    match = re.search(r"<tr><td[^>]*>完成时限</td><td[^>]*>(.*?)</td></tr>", page)
    assert match, "no deadline row on the task page"
    return match.group(1)


def test_the_sample_task_has_the_extension_this_test_relies_on() -> None:
    text = TASK_FILE.read_text("utf-8")
    assert "deadline: 2026-10-31" in text
    assert f"{{date: {APPROVED}, type: extension-approved, by: zfb, deadline: 2026-12-02" in text


@pytest.mark.parametrize(
    ("as_of", "shown", "lead"),
    [
        (date(2026, 10, 26), "2026-10-31", "完成时限 2026-10-31"),
        (date(2026, 10, 28), f"2026-12-02（{APPROVED} 同意延期）", "完成时限 2026-12-02"),
    ],
)
def test_task_page_shows_the_deadline_in_force_on_the_as_of_date(
    tmp_path: Path, as_of: date, shown: str, lead: str
) -> None:
    page = task_page(ROOT / "ledger", tmp_path, as_of)
    assert deadline_cell(page) == shown
    assert lead in page


def test_an_extension_after_the_as_of_date_is_not_shown_as_approved(tmp_path: Path) -> None:
    """Even when the extension's new deadline equals the one in force before it, a site as of
    a day before the approval does not say the deadline was extended."""
    ledger = tmp_path / "ledger"
    shutil.copytree(ROOT / "ledger", ledger)
    copy = ledger / "tasks" / "2026" / f"{TASK}.yaml"
    copy.write_text(
        TASK_FILE.read_text("utf-8").replace("deadline: 2026-10-31", "deadline: 2026-12-02"),
        encoding="utf-8",
    )
    page = task_page(ledger, tmp_path, date(2026, 10, 26))
    assert deadline_cell(page) == "2026-12-02"
    assert "同意延期）" not in page
    assert f"{APPROVED}（统计日之后）" in page  # the event itself is listed, marked as later
