"""``duban bulletin``: the 督查通报 as a Word document (GB/T 9704 layout: page, margins, fonts,
styles, page numbers), its unit table equal to ``duban stats``, the public version without
internal tasks, ledger text kept as text, the PDF made by LibreOffice (A4, page count, the
figures in its text), and the site's bulletins equal to ``stats`` for the sample."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt
from duban.ledger import load_ledger
from duban.render.bulletin import markdown
from duban.stats.periods import month
from duban.status.select import ledger_status
from duban.web.bulletins import bulletin_pages, past_months, period_bulletin
from duban.web.public import public_view
from support import SAMPLE, ev, make_ledger, need, run_cli, write_task

CANARY = "内部金丝雀事项甲乙丙"
HOSTILE = "<script>alert(1)</script> [点我](javascript:alert(1)) | **粗** `代码`"


def sample_args(out: Path, *more: str) -> list[str]:
    return [
        "bulletin",
        "--ledger",
        str(SAMPLE),
        "--period",
        "2026-11",
        "--number",
        "11",
        "--as-of",
        "2026-11-30",
        "--out",
        str(out),
        *more,
    ]


def stats_json(ledger: Path, period: str, as_of: str, *more: str) -> dict:
    result = run_cli(
        "stats", "--ledger", str(ledger), "--period", period, "--as-of", as_of,
        "--format", "json", *more,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bulletin") / "b11.docx"
    result = run_cli(*sample_args(out))
    assert result.exit_code == 0, result.output
    return out


def test_page_is_a4_with_gbt9704_margins(sample_docx: Path) -> None:
    section = Document(str(sample_docx)).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.top_margin - Mm(37)) < Mm(0.5)  # 天头
    assert abs(section.left_margin - Mm(28)) < Mm(0.5)  # 订口
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(width - Mm(156)) < Mm(0.5) and abs(height - Mm(225)) < Mm(0.5)  # 版心


def _east_asia(style: object) -> str:
    fonts = style.element.rPr.rFonts  # type: ignore[attr-defined]
    return fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_styles_and_fonts(sample_docx: Path) -> None:
    doc = Document(str(sample_docx))
    styles = doc.styles
    assert styles["正文"].font.size == Pt(16)  # 3号
    assert _east_asia(styles["正文"]) == "仿宋_GB2312"
    assert styles["公文标题"].font.size == Pt(22)  # 2号
    assert _east_asia(styles["公文标题"]) == "方正小标宋简体"
    assert _east_asia(styles["一级标题"]) == "黑体"
    assert _east_asia(styles["二级标题"]) == "楷体_GB2312"
    # 22 lines of the 225 mm text area
    line = styles["正文"].paragraph_format.line_spacing
    assert 21.5 < Mm(225) / line < 22.1
    title = next(p for p in doc.paragraphs if p.style.name == "公文标题")
    assert title.text == "2026年11月督查督办事项办理情况通报"
    masthead = next(p for p in doc.paragraphs if p.style.name == "版头")
    assert masthead.text == "督查通报"
    assert str(masthead.runs[0].font.color.rgb) == "FF0000"
    assert any(p.text == "第11期" for p in doc.paragraphs)
    issuer = next(p for p in doc.paragraphs if p.text.startswith("示例州人民政府办公室\t"))
    assert issuer.text.endswith("2026年11月30日")
    assert 'w:color="FF0000"' in issuer._p.xml  # the red separator line
    table = next(p for p in doc.part.package.parts if p.partname.endswith("fontTable.xml"))
    blob = table.blob.decode("utf-8")
    for name, alt in (("仿宋_GB2312", "仿宋,FangSong"), ("方正小标宋简体", "华文中宋")):
        assert re.search(rf'w:name="{name}"><w:altName w:val="{alt}', blob), name


def test_page_numbers_odd_right_even_left(sample_docx: Path) -> None:
    doc = Document(str(sample_docx))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text
        assert f'w:val="{align}"' in xml


def test_table_rows_equal_stats(sample_docx: Path) -> None:
    data = stats_json(SAMPLE, "2026-11", "2026-11-30")
    owners = [u for u in data["units"] if u["role"] == "owner"]
    table = Document(str(sample_docx)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:3] == ["排名", "单位", "到期"]
    assert len(rows) - 1 == len(owners) > 3
    ledger, _ = load_ledger(SAMPLE)
    assert ledger is not None
    for row, unit in zip(rows[1:], owners, strict=True):
        rate = unit["on_time_rate"]
        assert row == [
            str(unit["rank"]),
            ledger.unit_label(unit["unit"]),
            *(str(unit[k]) for k in ("due", "completed", "on_time", "late", "open_overdue")),
            "—" if rate is None else f"{100 * rate:.1f}%",
            f"{unit['score']:g}",
        ]
    text = docx_text(sample_docx)
    s = data["summary"]
    assert (
        f"共{s['due']}项，已报送办结{s['completed']}项（含已核实销号和已办结待核实的事项），其中按期办结{s['on_time']}项"
        in text
    )
    criticised = [u["name"] for u in owners if u["action"] == "criticism"]
    assert criticised and all(f"{n}本期得分低于90分，予以通报批评" in text for n in criticised)


def test_sample_is_a_realistic_november(sample_docx: Path) -> None:
    """Lagging units with items and days late, closings, an extension, next month's items."""
    text = docx_text(sample_docx)
    assert re.search(
        r"完成全州农村公路安全生命防护工程年度任务（SL-2026-0019）.*逾期14个工作日", text
    )
    assert "销号于2026年11月26日" in text
    assert "批准延期于2026年11月25日" in text and "延期至2027年1月15日" in text
    assert "下期到期事项（2026年12月）" in text and "完成时限2026年12月31日" in text
    assert "SL-2026-0028" not in text  # internal, due in December


def hand_ledger(root: Path) -> Path:
    make_ledger(root)
    common = {"received": "2026-10-09", "unit": "fgw", "co_units": ("czj",)}
    write_task(
        root, task_id="ES-2026-0001", deadline="2026-11-13", title=json.dumps(HOSTILE), **common
    )
    write_task(
        root,
        task_id="ES-2026-0002",
        deadline="2026-11-16",
        events=[ev("2026-11-12", "completed", "fgw", "已完成")],
        **common,
    )
    write_task(
        root,
        task_id="ES-2026-0003",
        deadline="2026-11-20",
        title=CANARY,
        visibility="internal",
        **common,
    )
    return root


def test_public_version_has_no_internal_task(tmp_path: Path) -> None:
    ledger = hand_ledger(tmp_path / "ledger")
    args = ["bulletin", "--ledger", str(ledger), "--period", "2026-11", "--number", "3"]
    args += ["--as-of", "2026-12-01"]
    public, internal = tmp_path / "public.docx", tmp_path / "internal.docx"
    assert run_cli(*args, "--out", str(public)).exit_code == 0
    assert run_cli(*args, "--out", str(internal), "--internal").exit_code == 0
    shown = docx_text(public)
    raw = Path(public).read_bytes()
    assert CANARY not in shown and "ES-2026-0003" not in shown and b"ES-2026-0003" not in raw
    assert "内部" not in shown
    md = run_cli(*args, "--format", "markdown")
    assert md.exit_code == 0 and CANARY not in md.stdout and "ES-2026-0003" not in md.stdout
    hidden = docx_text(internal)
    assert CANARY in hidden and "内部" in hidden
    for path, more in ((public, ()), (internal, ("--internal",))):
        data = stats_json(ledger, "2026-11", "2026-12-01", *more)
        row = [c.text for c in Document(str(path)).tables[0].rows[1].cells]
        assert row[2] == str(data["units"][0]["due"])  # 2 public, 3 with the internal one
    assert "ES-2026-0001" in shown and "ES-2026-0002" in shown


def test_ledger_text_stays_text(tmp_path: Path) -> None:
    ledger = hand_ledger(tmp_path / "ledger")
    args = ["bulletin", "--ledger", str(ledger), "--period", "2026-11", "--number", "3"]
    md = run_cli(*args, "--as-of", "2026-12-01", "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert "<script>" not in md.stdout and "](javascript" not in md.stdout
    assert "\\<script\\>" in md.stdout and "\\*\\*粗\\*\\*" in md.stdout
    out = tmp_path / "b.docx"
    assert run_cli(*args, "--as-of", "2026-12-01", "--out", str(out)).exit_code == 0
    assert HOSTILE in docx_text(out)  # as written, in a text run (python-docx escapes it)


def test_text_xml_cannot_hold_does_not_stop_the_document(tmp_path: Path) -> None:
    """A YAML escape lets a character XML cannot hold into a title (U+FFFE; the control
    characters are refused by ``validate`` since, text hygiene: such a task is left out): the
    document is still written, each shown as U+FFFD (a vertical tab is white space: one
    space), the rest as written."""
    from duban.render.bulletin_docx import plain

    assert plain("控制\u0001字符\u000b标题\ufffe尾") == "控制\ufffd字符 标题\ufffd尾"
    ledger = tmp_path / "ledger"
    make_ledger(ledger)
    title = "非字符\ufffe尾"
    write_task(
        ledger, task_id="ES-2026-0001", deadline="2026-11-13", title=json.dumps(title),
        received="2026-10-09",
    )  # fmt: skip
    out = tmp_path / "b.docx"
    args = ["bulletin", "--ledger", str(ledger), "--period", "2026-11", "--number", "1"]
    result = run_cli(*args, "--as-of", "2026-12-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "非字符\ufffd尾（ES-2026-0001）" in docx_text(out)


@pytest.mark.parametrize(
    ("more", "message"),
    [
        (["--number", "0"], "期数"),
        (["--number", "1", "--format", "markdown", "--period", "2026-13"], "无法识别的统计期"),
        (["--number", "1", "--format", "markdown", "--as-of", "2026/11/30"], "2026/11/30"),
        (["--number", "1"], "--out"),
    ],
)
def test_user_errors_exit_2(more: list[str], message: str) -> None:
    result = run_cli("bulletin", "--ledger", str(SAMPLE), *more)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_out_folder_is_refused_and_nothing_is_half_written(tmp_path: Path) -> None:
    result = run_cli(*sample_args(tmp_path))  # a folder
    assert result.exit_code == 2 and "Traceback" not in result.output
    missing = tmp_path / "nowhere" / "b.docx"
    result = run_cli(*sample_args(missing))
    assert result.exit_code == 2 and not missing.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_pdf_from_libreoffice(sample_docx: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    need(soffice, "LibreOffice", "apt-get install libreoffice-writer fonts-noto-cjk")
    need(
        shutil.which("pdfinfo") and shutil.which("pdftotext"),
        "poppler",
        "apt-get install poppler-utils",
    )
    assert soffice is not None
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(sample_docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "b11.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert size and abs(float(size[1]) - 595.3) < 1 and abs(float(size[2]) - 841.9) < 1  # A4
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
    assert 3 <= pages <= 10
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    s = stats_json(SAMPLE, "2026-11", "2026-11-30")["summary"]
    assert (
        f"共{s['due']}项，已报送办结{s['completed']}项（含已核实销号和已办结待核实的事项）" in flat
    )
    assert f"按期办结率{100 * s['on_time_rate']:.1f}%" in flat
    assert "督查通报" in flat and "第11期" in flat and "—1—" in flat and f"—{pages}—" in flat


def test_site_bulletins_equal_stats() -> None:
    ledger, _ = load_ledger(SAMPLE)
    assert ledger is not None
    as_of = date(2026, 11, 30)
    assert [p.code for p in past_months(as_of)] == [f"2026-{m:02d}" for m in range(1, 11)]
    assert [p.code for p in past_months(date(2027, 1, 5))][-1] == "2026-12"
    view = public_view(ledger, ledger_status(ledger, as_of), as_of)
    pages = {p.path: p.text for p in bulletin_pages(view)}
    assert "bulletins/index.md" in pages and len(pages) == 11
    assert "只含公开事项。\n\n| 期数 |" in pages["bulletins/index.md"]  # a table, not a paragraph
    checked = 0
    for period in past_months(as_of):
        text = pages[f"bulletins/{period.code}.md"]
        data = stats_json(SAMPLE, period.code, period.end.isoformat())
        s = data["summary"]
        assert (
            f"共{s['due']}项，已报送办结{s['completed']}项（含已核实销号和已办结待核实的事项）"
            in text
        )
        for unit in (u for u in data["units"] if u["role"] == "owner"):
            row = f"| {unit['rank']} | {ledger.unit_label(unit['unit'])} | {unit['due']} |"
            assert row in text
            checked += 1
        assert CANARY not in text
        # the pages' shortcut (statuses of the tasks a bulletin can name) changes nothing
        whole, _ = period_bulletin(ledger, period, period.end, period.end.month)
        assert text == markdown(whole, ledger)
    assert checked > 10
    assert "第11期" not in pages["bulletins/index.md"] and "第10期" in pages["bulletins/index.md"]
    assert month(2026, 10).label in pages["bulletins/index.md"]
