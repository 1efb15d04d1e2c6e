"""`duban import` of real .xlsx (made with openpyxl) and .csv files into copies of the golden
ledger: good sheets make files that validate and pass the gate for the assigning unit;
every mistake is reported at its row and column and nothing is written."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from duban.check.change import check_change
from duban.clerk import newtask
from duban.clerk.columns import IMPORT_COLUMNS, LEDGER_COLUMNS
from support import GitRepo, make_ledger, need_module, run_cli, write_task

openpyxl = need_module("openpyxl")

HEADER = list(IMPORT_COLUMNS)

GOOD_ROWS: list[list[Any]] = [
    # 任务编号, 督办事项, 交办单位, 责任单位, 协办单位, 第一责任人, 工作标准, 收到日期, 完成时限
    ["", "制定示例工作方案", "zfb", "fgw", "czj", "主要负责同志", "形成正式方案并印发",
     datetime(2026, 11, 2), datetime(2026, 12, 31)],
    ["", "开展示例专项检查", "州政府办", "州财政局", "", "分管副局长", "完成检查并报送报告",
     "2026/11/3", "2026年12月15日"],
    ["ES-2026-0100", "编制示例年度计划", "", "测试州发展和改革委员会", "州财政局", "",
     "计划经审议通过", "2026-11-04", "2026-12-30"],
]  # fmt: skip


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def xlsx(path: Path, header: list[str], rows: list[list[Any]], title: bool = True) -> Path:
    """A workbook like an office's: a title line above the header, then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "交办单"
    if title:
        sheet.append(["示例州人民政府督查事项交办单"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[str(c) if c is not None else "" for c in row] for row in rows])
    return out.getvalue().encode(encoding)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """The golden ledger (prefix ES, assigning unit zfb) with one task, ES-2026-0004."""
    root = make_ledger(tmp_path / "ledger")
    write_task(root, task_id="ES-2026-0004")
    return root


def created(result_stdout: str) -> list[Path]:
    return [Path(line) for line in result_stdout.splitlines() if line.strip()]


def test_good_sheet_creates_files_that_validate(ledger: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "交办单.xlsx", [*HEADER, "备注"], [[*r, "不读"] for r in GOOD_ROWS])
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    paths = created(result.stdout)
    assert [p.name for p in paths] == [
        "ES-2026-0101.yaml",
        "ES-2026-0102.yaml",
        "ES-2026-0100.yaml",
    ]
    first, second, third = (p.read_text(encoding="utf-8") for p in paths)
    assert "received: 2026-11-02\n" in first and "deadline: 2026-12-31\n" in first
    assert "co_units: [czj]" in first
    assert "unit: czj\n  lead: 分管副局长\n" in second and "deadline: 2026-12-15\n" in second
    assert "received: 2026-11-03\n" in second and "co_units" not in second
    assert "assigned_by: zfb\n" in third and "lead: 主要负责同志\n" in third
    check = run_cli("validate", ledger)
    assert check.exit_code == 0, check.output


def test_imported_files_pass_the_gate_for_the_assigning_unit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo", author="测试", email="t@example.org",
                   when="2026-11-05T09:00:00+08:00")  # fmt: skip
    root = make_ledger(repo.path / "ledger")
    write_task(root, task_id="ES-2026-0004")
    repo.commit("base ledger")
    repo.git("checkout", "-q", "-b", "pr")
    sheet = xlsx(tmp_path / "交办单.xlsx", HEADER, GOOD_ROWS)
    result = run_cli("import", sheet, "--ledger", root)
    assert result.exit_code == 0, result.output
    repo.commit("import 交办单")
    assert check_change(str(repo.path), "main", "HEAD", "zfb-clerk") == []
    refused = check_change(str(repo.path), "main", "HEAD", "fgw-clerk")
    assert refused and len({p.where.path for p in refused}) == 3


def test_ledger_columns_sheet_imports(ledger: Path, tmp_path: Path) -> None:
    """What ``duban export`` writes (its columns) imports again: the computed columns are
    ignored, the 交办单 columns read."""
    header = [c.header for c in LEDGER_COLUMNS]
    values = {
        "序号": 1, "任务编号": "", "督办事项": "制定示例工作方案", "交办单位": "州政府办",
        "责任单位": "州发改委", "协办单位": "州财政局", "第一责任人": "主要负责同志",
        "工作标准": "形成正式方案并印发", "收到日期": datetime(2026, 11, 2),
        "完成时限": datetime(2026, 12, 31), "状态": "绿灯", "下一事项": "分解", "应于": "",
        "逾期工作日": 0, "最近办理情况": "", "交办来源": "", "紧急程度": "重要", "公开范围": "内部",
    }  # fmt: skip
    assert set(values) == set(header)
    sheet = xlsx(tmp_path / "台账.xlsx", header, [[values[h] for h in header]], title=False)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    (path,) = created(result.stdout)
    text = path.read_text(encoding="utf-8")
    assert "unit: fgw\n" in text and "co_units: [czj]" in text and "assigned_by: zfb" in text
    assert "priority: important\n" in text and "visibility: internal\n" in text
    assert run_cli("validate", ledger).exit_code == 0


BAD_ROWS: list[list[Any]] = [
    ["", "制定示例工作方案", "zfb", "不存在的局", "", "", "形成正式方案并印发",
     "2026-11-02", "2026-12-31"],  # row 3: unknown unit
    ["", "开展示例专项检查", "zfb", "fgw", "", "", "完成检查", "2026/13/5",
     "2026-12-31"],  # row 4: not a date
    ["", "=HYPERLINK(\"http://x\")", "zfb", "fgw", "", "", "完成检查", "2026-11-02",
     "2026-12-31"],  # row 5: a formula
    ["ES-2026-0004", "编制示例年度计划", "zfb", "fgw", "", "", "计划经审议通过",
     "2026-11-02", "2026-12-31"],  # row 6: id of an existing file
    ["ES-2026-0200", "编制示例年度计划", "zfb", "fgw", "", "", "计划经审议通过",
     "2026-11-02", "2026-12-31"],  # row 7: fine on its own...
    ["ES-2026-0200", "编制示例季度计划", "zfb", "fgw", "", "", "计划经审议通过",
     "2026-11-02", "2026-12-31"],  # row 8: ...but the same id as row 7
    ["", "短", "zfb", "fgw", "", "", "形成正式方案", "2026-11-02", "2026-10-01"],
    # row 9: title too short, deadline before received (the schema first: the title)
    ["", "制定示例工作方案", "zfb", "fgw", "czj", "", "形成正式方案", "2026-11-02",
     "2026-10-01"],  # row 10: deadline before received
]  # fmt: skip

EXPECTED = [
    "第 3 行，“责任单位”列：找不到单位 “不存在的局”",
    "第 4 行，“收到日期”列：“2026/13/5” 不是日期",
    "第 5 行，“督办事项”列：单元格以 “=” 开头",
    "第 6 行，“任务编号”列：任务编号 ES-2026-0004 已被台账中的文件使用",
    "第 8 行，“任务编号”列：任务编号 ES-2026-0200 与第 7 行重复",
    "第 9 行，“督办事项”列：字段 $.title",
    "第 10 行，“完成时限”列：完成时限 2026-10-01 早于收到日期 2026-11-02",
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_mistakes_are_reported_at_row_and_column(ledger: Path, tmp_path: Path, kind: str) -> None:
    if kind == "xlsx":
        sheet = xlsx(tmp_path / "交办单.xlsx", HEADER, BAD_ROWS)
    else:
        sheet = tmp_path / "交办单.csv"
        sheet.write_bytes("交办单\n".encode() + csv_bytes(HEADER, BAD_ROWS, "utf-8"))
    before = files(ledger)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    for expected in EXPECTED:
        assert any(line.startswith(f"{sheet}:{expected}") for line in lines), (expected, lines)
    assert len(lines) == len(EXPECTED) + 1 and "未写入任何文件" in lines[-1]
    assert files(ledger) == before
    english = run_cli("import", sheet, "--ledger", ledger, "--lang", "en")
    assert f"{sheet}:row 3, column 责任单位: no unit '不存在的局'" in english.stderr


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(ledger: Path, tmp_path: Path, encoding: str) -> None:
    sheet = tmp_path / "交办单.csv"
    sheet.write_bytes(csv_bytes(HEADER, GOOD_ROWS[1:], encoding))
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    first, second = created(result.stdout)
    assert "title: 开展示例专项检查\n" in first.read_text(encoding="utf-8")
    assert "unit: fgw\n" in second.read_text(encoding="utf-8")
    assert run_cli("validate", ledger).exit_code == 0


def test_csv_wrong_encoding_given(ledger: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "交办单.csv"
    sheet.write_bytes(csv_bytes(HEADER, GOOD_ROWS[1:], "gb18030"))
    before = files(ledger)
    result = run_cli("import", sheet, "--encoding", "utf-8", "--ledger", ledger)
    assert result.exit_code == 1 and "--encoding" in result.stderr
    assert files(ledger) == before


def test_defaults_and_dry_run(ledger: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "交办单.xlsx", HEADER, GOOD_ROWS[:1])
    before = files(ledger)
    shown = run_cli("import", sheet, "--visibility", "internal", "--priority", "urgent",
                    "--dry-run", "--ledger", ledger)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert files(ledger) == before
    assert "visibility: internal\n" in shown.stdout and "priority: urgent\n" in shown.stdout


def test_priority_and_visibility_columns(ledger: Path, tmp_path: Path) -> None:
    rows = [GOOD_ROWS[0] + ["紧急", "内部", "州长批示"]]
    sheet = xlsx(tmp_path / "交办单.xlsx", [*HEADER, "紧急程度", "公开范围", "交办来源"], rows)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    text = created(result.stdout)[0].read_text(encoding="utf-8")
    assert "priority: urgent\n" in text and "visibility: internal\n" in text
    assert "source: 州长批示\n" in text


HOSTILE = {
    "not-a-zip.xlsx": b"id,title\n1,2\n",
    "empty.xlsx": b"",
    "zip-without-workbook.xlsx": None,  # made below
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused(ledger: Path, tmp_path: Path, name: str) -> None:
    sheet = tmp_path / name
    if HOSTILE[name] is None:
        with zipfile.ZipFile(sheet, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        sheet.write_bytes(HOSTILE[name] or b"")
    before = files(ledger)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "未写入任何文件" in result.stderr
    assert files(ledger) == before


def test_zip_bomb_is_refused_before_it_is_opened(ledger: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "bomb.xlsx"
    chunk = b"<row>" + b"0" * (1024 * 1024)
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as out:
            for _ in range(210):
                out.write(chunk)
    assert sheet.stat().st_size < 5 * 1024 * 1024
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1 and "解压后超过" in result.stderr


def test_too_many_rows(ledger: Path, tmp_path: Path) -> None:
    rows = [GOOD_ROWS[1]] * 5030
    sheet = tmp_path / "big.csv"
    sheet.write_bytes(csv_bytes(HEADER, rows, "utf-8"))
    before = files(ledger)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1 and "最多导入 5000 行" in result.stderr
    assert files(ledger) == before


def test_long_cell_and_missing_header(ledger: Path, tmp_path: Path) -> None:
    long_row = list(GOOD_ROWS[1])
    long_row[6] = "长" * 5000
    sheet = xlsx(tmp_path / "long.xlsx", HEADER, [long_row])
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1 and "第 3 行，“工作标准”列：单元格内容过长" in result.stderr
    headless = xlsx(tmp_path / "headless.xlsx", ["编号", "事项"], [["1", "制定示例工作方案"]])
    result = run_cli("import", headless, "--ledger", ledger)
    assert result.exit_code == 1 and "找不到表头行" in result.stderr


def test_write_all_removes_what_it_wrote_when_writing_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "tasks" / "2027"
    blocker.parent.mkdir()
    blocker.write_text("a file where a folder must be", encoding="utf-8")
    first = tmp_path / "tasks" / "2026" / "ES-2026-0001.yaml"
    with pytest.raises(OSError):
        newtask.write_all([(first, "one\n"), (blocker / "ES-2027-0001.yaml", "two\n")])
    assert not first.exists()
    assert list(first.parent.iterdir()) == []
    taken = tmp_path / "tasks" / "2026" / "ES-2026-0002.yaml"
    taken.write_text("someone else's\n", encoding="utf-8")
    assert newtask.write_all([(first, "one\n"), (taken, "two\n")]) == taken
    assert not first.exists() and taken.read_text(encoding="utf-8") == "someone else's\n"


def test_an_id_that_is_a_path_is_refused(ledger: Path, tmp_path: Path) -> None:
    row = list(GOOD_ROWS[0])
    row[0] = "../../../escape"
    sheet = xlsx(tmp_path / "交办单.xlsx", HEADER, [row])
    before = files(ledger)
    result = run_cli("import", sheet, "--ledger", ledger)
    assert result.exit_code == 1, result.output
    assert f"{sheet}:第 3 行，“任务编号”列：" in result.stderr
    assert files(ledger) == before
    assert not list(tmp_path.rglob("escape*"))


def test_export_then_import_of_new_tasks_round_trips(tmp_path: Path) -> None:
    """New tasks (no events yet) made with `duban new` in one ledger, exported with
    `duban export --internal`, imported into a ledger with the same settings: the same task
    files, field for field (priority, visibility and source included)."""
    source = tmp_path / "a" / "ledger"
    make_ledger(source)
    made = [
        ("--title", "制定示例工作方案", "--unit", "fgw", "--co-units", "czj",
         "--standard", "形成正式方案并印发", "--deadline", "2026-12-31",
         "--received", "2026-11-02", "--priority", "urgent", "--source", "州政府常务会议"),
        ("--title", "开展示例专项检查：内部", "--unit", "czj", "--lead", "分管副局长",
         "--standard", "完成检查并报送报告", "--deadline", "2026-12-15",
         "--received", "2026-11-03", "--visibility", "internal"),
    ]  # fmt: skip
    for args in made:
        done = run_cli("new", *args, "--ledger", source)
        assert done.exit_code == 0, done.output
    sheet = tmp_path / "台账.xlsx"
    done = run_cli("export", "--ledger", source, "--out", sheet, "--internal",
                   "--as-of", "2026-11-30")  # fmt: skip
    assert done.exit_code == 0, done.output
    target = tmp_path / "b" / "ledger"
    make_ledger(target)
    done = run_cli("import", sheet, "--ledger", target)
    assert done.exit_code == 0, done.output

    def tasks(root: Path) -> dict[str, Any]:
        from duban.load.yamlload import load_text

        out = {}
        for path in sorted((root / "tasks").rglob("*.yaml")):
            doc, _ = load_text(path.read_bytes(), path.name)
            assert doc is not None
            out[path.stem] = doc.data
        return out

    before, after = tasks(source), tasks(target)
    assert len(before) == 2 and after == before
