"""The 督查通报 as a Word document (python-docx), laid out as a Chinese official document
(GB/T 9704-2012 《党政机关公文格式》):

- A4 (210 × 297 mm); 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 (text area)
  156 × 225 mm, so the right margin is 26 mm and the bottom 35 mm;
- body 3号仿宋 (16 pt), 22 lines of 28 characters: a line grid and a fixed line spacing of
  225 mm / 22, and characters set 0.25 pt closer so that 28 fill the 156 mm line;
- the title 2号小标宋 (22 pt); 一级标题 黑体, 二级标题 楷体, each indented two characters;
- 版头: 督查通报 in red 小标宋, 第N期, the issuing office (the assigning unit) and the date on
  one line, a red separator line across the text area;
- page numbers 4号半角宋体 Arabic numerals between dashes (``— 1 —``), odd pages on the
  right and even pages on the left, one character in from the edge.

Fonts are named for East Asian text (``w:eastAsia``) with the usual fallbacks declared in the
font table (``w:altName``: 方正小标宋简体 → 华文中宋 → 宋体; 仿宋_GB2312 → 仿宋 → FangSong;
楷体_GB2312 → 楷体 → KaiTi; 黑体 → SimHei), with the GB2312 character set, so a machine
without the first font picks a Chinese one of the same kind. Ledger text goes only into text
runs (python-docx escapes it).
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from duban.model import Ledger
from duban.render.bulletin import (
    CN_NUMBERS,
    TABLE_HEADINGS,
    TITLE,
    Bulletin,
    cn_date,
    opening,
    overview,
    scoring_rule,
    sections,
    table_rows,
)
from duban.render.text import one_line

PAGE_W, PAGE_H = 210, 297
TOP, LEFT = 37, 28
TEXT_W, TEXT_H = 156, 225
LINES, CHARS = 22, 28
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
PAGE_NUMBER_PT = 14.0  # 4号
TABLE_PT = 10.5  # 五号
MASTHEAD_PT = 42.0  # 初号
RED = RGBColor(0xFF, 0x00, 0x00)

#: Line pitch in points (225 mm / 22 lines) and character pitch (156 mm / 28 characters).
LINE_PITCH = TEXT_H / 25.4 * 72 / LINES
CHAR_PITCH = TEXT_W / 25.4 * 72 / CHARS

#: Characters are set this much closer (in twentieths of a point) so that 28 of 3号 fit in
#: the 156 mm line: 16 pt − 0.25 pt = 15.75 pt a character (the pitch is 15.79 pt). A
#: character grid (``linesAndChars``) does the same in Word, but LibreOffice gives each
#: character wider than a grid cell two cells; letter spacing works in both.
SQUEEZE_TWENTIETHS = 5

#: Fonts by role: the name written in the runs, then the fallbacks of the font table.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
FALLBACKS = {
    XIAOBIAOSONG: ("华文中宋", "宋体", "SimSun", "roman"),
    FANGSONG: ("仿宋", "FangSong", "", "modern"),
    HEITI: ("SimHei", "", "", "modern"),
    KAITI: ("楷体", "KaiTi", "", "modern"),
    SONGTI: ("SimSun", "", "", "roman"),
}
LATIN = "Times New Roman"


def _fonts(element: Any, east_asia: str, latin: str = LATIN) -> None:
    """``w:rFonts`` of a run or style: ``east_asia`` for Chinese, ``latin`` for the rest."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(document: Any) -> None:
    """Declare each font with its fallbacks (``w:altName``), the GB2312 character set and
    its family, in the document's font table."""
    part = document.part
    table_part = next((p for p in part.package.parts if p.partname.endswith("fontTable.xml")), None)
    if table_part is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(table_part.blob)
    for name, (alt, *_rest, family) in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_name = OxmlElement("w:altName")
        alt_name.set(qn("w:val"), ",".join(a for a in (alt, *_rest) if a))
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")
        fam = OxmlElement("w:family")
        fam.set(qn("w:val"), family)
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "variable")
        for child in (alt_name, charset, fam, pitch):
            font.append(child)
        root.append(font)
    from lxml import etree  # type: ignore[import-untyped]

    table_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style(document: Any, name: str, east_asia: str, size: float, *, bold: bool = False) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    _fonts(style.element, east_asia)
    return style


def _off_grid(style: Any) -> None:
    """Lines of this style keep their own spacing, not the page's line grid (table cells,
    the 版头)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().append(snap)


def _body_format(fmt: Any, first_line_chars: int = 2) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(LINE_PITCH - 0.05, 2))
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(round(first_line_chars * CHAR_PITCH, 1))


def _page(document: Any) -> Any:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.left_margin = Mm(TOP), Mm(LEFT)
    section.right_margin = Mm(PAGE_W - LEFT - TEXT_W)
    section.bottom_margin = Mm(PAGE_H - TOP - TEXT_H)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH * 20)))  # 579: 22 lines fit
    return section


def _field(paragraph: Any, instruction: str, size: float) -> None:
    """A field (``PAGE``) as Word writes one: begin, instruction, separate, result, end."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("result", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        _fonts(run._element, SONGTI, SONGTI)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._element.append(instr)
        elif kind == "result":
            run.text = str(text)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)


def _page_number(footer: Any, odd: bool) -> None:
    """``— N —`` in 4号宋体: odd pages right, even pages left, one character in."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    for text in ("— ", None, " —"):
        if text is None:
            _field(paragraph, "PAGE", PAGE_NUMBER_PT)
            continue
        run = paragraph.add_run(text)
        run.font.size = Pt(PAGE_NUMBER_PT)
        _fonts(run._element, SONGTI, SONGTI)


def _border(paragraph: Any, side: str, size_eighths: int, color: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


#: What XML 1.0 cannot hold (C0 controls but tab and line ends, surrogates, U+FFFE/U+FFFF):
#: the ledger's loader lets a YAML escape such as ``"\x01"`` through, python-docx would raise.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plain(text: str) -> str:
    """Ledger text for a text run: one line, and what XML cannot hold shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", one_line(text))


def _para(document: Any, text: str = "", style: str = "Normal", **kw: Any) -> Any:
    paragraph = document.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(plain(text))
        if "color" in kw:
            run.font.color.rgb = kw["color"]
        if "size" in kw:
            run.font.size = kw["size"]
    return paragraph


def _masthead(document: Any, b: Bulletin) -> None:
    if b.internal:
        p = _para(document, "内部", "一级标题")
        p.paragraph_format.first_line_indent = Pt(0)
    p = _para(document, TITLE, "版头", color=RED)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = _para(document, f"第{b.number}期")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p = document.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(plain(b.issuer))
    p.add_run("\t" + cn_date(b.issued))
    _border(p, "bottom", 18, "FF0000")  # 2.25 pt red rule across the text area
    _para(document)


def _table(document: Any, b: Bulletin, ledger: Ledger) -> None:
    rows = table_rows(b, ledger)
    if not rows:
        _para(document, "本期没有到期事项。")
        return
    table = document.add_table(rows=1 + len(rows), cols=len(TABLE_HEADINGS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [12, 30, 12, 15, 17, 17, 20, 20, 13]  # mm, 156 in all
    for column, mm in zip(table.columns, widths, strict=True):
        column.width = Mm(mm)
    for r, values in enumerate([list(TABLE_HEADINGS), *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(widths[c])
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles["表格"]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(plain(value))
            if r == 0:
                run.font.bold = True
                _fonts(run._element, HEITI)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header.append(repeat)  # the heading row repeats on each page


def _defaults(document: Any) -> None:
    """The document's default run: 3号, set :data:`SQUEEZE_TWENTIETHS` closer."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(int(BODY_PT * 2)))
        rpr.append(size)
    spacing = OxmlElement("w:spacing")  # twentieths of a point: 28 characters a line
    spacing.set(qn("w:val"), str(-SQUEEZE_TWENTIETHS))
    rpr.append(spacing)


def _styles(document: Any) -> None:
    """正文, 一级标题, 二级标题, 公文标题, 版头 and 表格, over ``Normal`` (3号仿宋)."""
    _defaults(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, FANGSONG)
    _body_format(normal.paragraph_format, 0)
    body = _style(document, "正文", FANGSONG, BODY_PT)
    _body_format(body.paragraph_format)
    level1 = _style(document, "一级标题", HEITI, BODY_PT)
    _body_format(level1.paragraph_format)
    level2 = _style(document, "二级标题", KAITI, BODY_PT)
    _body_format(level2.paragraph_format)
    title = _style(document, "公文标题", XIAOBIAOSONG, TITLE_PT)
    _body_format(title.paragraph_format, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    masthead = _style(document, "版头", XIAOBIAOSONG, MASTHEAD_PT)
    masthead.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    masthead.paragraph_format.line_spacing = Pt(round(2 * LINE_PITCH, 1))
    masthead.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell = _style(document, "表格", FANGSONG, TABLE_PT)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    cell.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
    cell.paragraph_format.space_before = Pt(3)
    cell.paragraph_format.space_after = Pt(3)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _off_grid(cell)
    _off_grid(masthead)


def docx_bytes(b: Bulletin, ledger: Ledger) -> bytes:
    """The bulletin as a ``.docx`` file."""
    document = Document()
    _styles(document)
    _font_table(document)
    section = _page(document)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)

    _masthead(document, b)
    _para(document, b.headline, "公文标题")
    _para(document)
    _para(document, "各责任单位：")
    _para(document, opening(b), "正文")
    _para(document, "一、总体情况", "一级标题")
    _para(document, overview(b), "正文")
    _para(document, "二、各单位办理情况", "一级标题")
    _table(document, b, ledger)
    _para(document, scoring_rule(b), "正文")
    for n, (heading, parts) in enumerate(sections(b), 3):
        _para(document, f"{CN_NUMBERS[n - 1]}、{heading}", "一级标题")
        sub = 0
        for subheading, paragraphs in parts:
            if subheading:
                sub += 1
                _para(document, f"（{CN_NUMBERS[sub - 1]}）{subheading}", "二级标题")
            for paragraph in paragraphs:
                _para(document, paragraph, "正文")
    _para(document)
    end = _para(document, f"{b.issuer}　　{cn_date(b.issued)}印发", size=Pt(PAGE_NUMBER_PT))
    end.paragraph_format.first_line_indent = Pt(0)
    _border(end, "top", 8, "000000")
    _border(end, "bottom", 8, "000000")
    if b.internal:
        _para(document, "（内部资料，不得公开）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    props = document.core_properties
    props.title = f"{TITLE} 第{b.number}期 {b.period.label}"
    props.author = plain(b.issuer)
    props.comments = plain(b.ledger_name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


__all__ = ["CHAR_PITCH", "LINE_PITCH", "docx_bytes"]
