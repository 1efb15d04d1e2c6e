"""`duban export` on a copy of the sample ledger: the workbook opens with openpyxl, one row
per task with the shared columns, real dates, the overdue items of `duban overdue`, no
internal task unless asked for, and nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from duban.clerk.columns import LEDGER_COLUMNS
from support import SAMPLE, GitRepo, run_cli, task_yaml

AS_OF = "2026-11-30"
HEADERS = [c.header for c in LEDGER_COLUMNS]
HOSTILE = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture(scope="module")
def ledger_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger in a Git repository, plus one task whose title and note start with
    formula characters."""
    root = tmp_path_factory.mktemp("export") / "repo"
    repo = GitRepo(root)
    shutil.copytree(SAMPLE, root / "ledger")
    repo.write(
        "ledger/tasks/2026/SL-2026-0042.yaml",
        task_yaml(
            "SL-2026-0042",
            title=f"'{HOSTILE}'",
            received="2026-11-02",
            deadline="2026-12-15",
            events=["date: 2026-11-03, type: decomposed, by: zfb, note: '+1 @SUM(A1) -2'"],
        ),
    )
    repo.write(  # control characters are refused by validate (text hygiene): see below
        "ledger/tasks/2026/SL-2026-0043.yaml",
        task_yaml(
            "SL-2026-0043",
            title='"控制字符任务"',
            received="2026-11-02",
            deadline="2026-12-15",
        ),
    )
    repo.commit("sample ledger")
    assert run_cli("validate", "ledger", cwd=root).exit_code == 0
    return root


def cli_json(root: Path, *args: str) -> dict[str, object]:
    result = run_cli(*args, "--as-of", AS_OF, "--format", "json", cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def export(root: Path, out: Path, *args: str) -> None:
    result = run_cli("export", "--out", out, "--as-of", AS_OF, *args, cwd=root)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr


def tasks_of(payload: dict[str, object]) -> list[dict[str, object]]:
    tasks = payload["tasks"]
    assert isinstance(tasks, list)
    return tasks


def test_workbook_rows_columns_and_dates(ledger_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    export(ledger_repo, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["台账", "逾期事项"]
    sheet = book["台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["C"].width == LEDGER_COLUMNS[2].width
    status = [t for t in tasks_of(cli_json(ledger_repo, "status")) if t["visibility"] == "public"]
    body = [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]
    assert [r["任务编号"] for r in body] == [t["id"] for t in status]
    assert [r["序号"] for r in body] == list(range(1, len(body) + 1))
    for row, task in zip(body, status, strict=True):
        received, deadline = row["收到日期"], row["完成时限"]
        assert isinstance(received, dt.datetime) and isinstance(deadline, dt.datetime)
        assert received.date().isoformat() == task["received"]
        assert deadline.date().isoformat() == task["deadline"]  # after extensions
        assert row["逾期工作日"] == task["days_overdue"]
        assert row["状态"] in {"红灯", "黄灯", "绿灯", "已办结待核实", "已销号"}
    dated = [c for c in sheet["I"][1:] if c.value is not None]
    assert dated and all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dated)
    first = body[0]  # SL-2026-0001: fgw with co-units scjgj, zwfwj, assigned by zfb
    assert first["责任单位"] == "示例州发展和改革委员会"
    assert first["协办单位"] == "示例州市场监督管理局、示例州政务服务和大数据管理局"
    assert first["交办单位"] == "示例州人民政府办公室"
    assert first["状态"] == "已销号" and first["下一事项"] is None
    assert str(first["最近办理情况"]).startswith("2026-04-29 已销号")


def test_overdue_sheet_is_duban_overdue(ledger_repo: Path, tmp_path: Path) -> None:
    for internal in (False, True):
        out = tmp_path / f"overdue-{internal}.xlsx"
        export(ledger_repo, out, *(["--internal"] if internal else []))
        rows = list(openpyxl.load_workbook(out)["逾期事项"].iter_rows(values_only=True))
        overdue = tasks_of(cli_json(ledger_repo, "overdue"))
        expected = [t for t in overdue if internal or t["visibility"] == "public"]
        assert overdue, "the sample has overdue items on this day"
        items = [(t["id"], o["due"]) for t in expected for o in t["obligations"]]  # type: ignore[attr-defined]
        got = [(r[0], r[5].date().isoformat()) for r in rows[1:]]  # type: ignore[union-attr]
        assert got == items
        assert rows[0][0] == "任务编号" and rows[0][6] == "逾期工作日"


def test_internal_tasks_only_with_internal(ledger_repo: Path, tmp_path: Path) -> None:
    status = tasks_of(cli_json(ledger_repo, "status"))
    internal = {t["id"] for t in status if t["visibility"] == "internal"}
    assert internal
    public_out, all_out = tmp_path / "public.xlsx", tmp_path / "all.xlsx"
    export(ledger_repo, public_out)
    export(ledger_repo, all_out, "--internal")
    public_ids = {
        r[1]
        for r in openpyxl.load_workbook(public_out)["台账"].iter_rows(min_row=2, values_only=True)
    }
    all_ids = {
        r[1] for r in openpyxl.load_workbook(all_out)["台账"].iter_rows(min_row=2, values_only=True)
    }
    assert not internal & public_ids
    assert all_ids == {t["id"] for t in status}
    csv_out = tmp_path / "public.csv"
    export(ledger_repo, csv_out, "--format", "csv")
    assert not any(i in csv_out.read_text("utf-8-sig") for i in internal)


def test_unit_selects_its_tasks(ledger_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "fgw.xlsx"
    export(ledger_repo, out, "--unit", "fgw")
    ids = [r[1] for r in openpyxl.load_workbook(out)["台账"].iter_rows(min_row=2, values_only=True)]
    status = cli_json(ledger_repo, "status", "--unit", "fgw")
    assert ids == [t["id"] for t in tasks_of(status) if t["visibility"] == "public"]
    assert ids


def test_formula_injection_is_neutralised(ledger_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    export(ledger_repo, out)
    sheet = openpyxl.load_workbook(out)["台账"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "SL-2026-0042")
    title, latest = row[2], row[14]
    assert title.value == HOSTILE and title.data_type == "s" and title.quotePrefix
    assert latest.data_type == "s" and "+1 @SUM(A1) -2" in str(latest.value)
    for cells in sheet.iter_rows(min_row=1):
        assert all(c.data_type != "f" for c in cells)
    csv_out = tmp_path / "t.csv"
    export(ledger_repo, csv_out, "--format", "csv")
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    hostile = next(r for r in rows if r[1] == "SL-2026-0042")
    assert hostile[2] == "'" + HOSTILE
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert len(rows) - 1 == len(list(sheet.iter_rows(min_row=2)))


def test_bad_targets_cannot_run(ledger_repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (
        ["--out", str(folder)],
        ["--out", str(tmp_path / "missing" / "t.xlsx")],
        ["--out", str(tmp_path / "t.xlsx"), "--unit", "nosuch"],
        ["--out", str(tmp_path / "t.xlsx"), "--as-of", "2026/11/30"],
    ):
        result = run_cli("export", *args, cwd=ledger_repo)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_whole(ledger_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    out.write_text("old contents " * 10000, "utf-8")
    export(ledger_repo, out, "--format", "csv")
    assert out.read_text("utf-8-sig").startswith("序号,任务编号")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_control_characters_do_not_break_the_workbook(tmp_path: Path) -> None:
    """``validate`` refuses control characters in any text (duban.check.hygiene); the sheet
    writer still drops those a workbook cannot hold, should one reach it."""
    from duban.clerk.export import _fill_sheet

    book = openpyxl.Workbook()
    _fill_sheet(book.active, ["标题"], [20], [["控制\x01字符\x0b任务\u2028"]])
    book.save(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sheet["A2"].value == "控制字符任务\u2028"
