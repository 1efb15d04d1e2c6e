"""The 督查通报 (measure 九: 定期对执行情况进行盘点): what a period's bulletin says, and the
bulletin as Markdown (the site's page). The Word document is :mod:`duban.render.bulletin_docx`.

:func:`bulletin` gathers everything from a :class:`~duban.stats.records.Stats` (the figures,
never recomputed: they are those of ``duban stats``) and the statuses the figures were made
from (the caller's choice of tasks: the public filter for the public version): the lagging
units with their items and working days late, the 通报批评 and 约谈 the scoring thresholds
call for, the items closed (销号) and completed in the period, the extensions approved in
it, and what falls due in the next period (:func:`duban.stats.periods.following`).

Ledger text (titles, unit names) is kept as plain strings in the records; the Markdown
writer escapes it (:func:`duban.render.text.md_text`), the Word writer puts it in text runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from duban.model import Ledger
from duban.render.text import md_table, md_text
from duban.stats.periods import Period, following
from duban.stats.records import ACTION_LABELS, Stats, UnitStats
from duban.status.records import TaskStatus

TITLE = "督查通报"


@dataclass(frozen=True, slots=True)
class Item:
    """One task as a line of the bulletin."""

    id: str
    title: str
    unit: str
    """The owner's name (in force on the status date)."""
    day: date
    """The date the line is about: the deadline, the completion, the closing or the
    extension's approval."""
    days_late: int = 0
    explained: bool = False
    note: str = ""
    """``延期至 2026年12月25日``, ``逾期后延期``, ``超时办结``: what else the line says."""


@dataclass(frozen=True, slots=True)
class Lagging:
    """A unit with late or open-overdue items in the period (measure 九)."""

    unit: UnitStats
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Bulletin:
    """One period's bulletin, ready to be written."""

    number: int
    """第N期."""
    issuer: str
    """The assigning unit's name (units.yaml)."""
    issued: date
    """The status date, the bulletin's date."""
    ledger_name: str
    stats: Stats
    lagging: tuple[Lagging, ...]
    closed: tuple[Item, ...]
    """Closed (销号) in the period."""
    completed: tuple[Item, ...]
    """Completed in the period and not closed by the status date (待核实销号)."""
    extensions: tuple[Item, ...]
    """``extension-approved`` events dated in the period."""
    next_period: Period
    next_due: tuple[Item, ...]
    """Not completed, deadline in force in the next period."""

    @property
    def internal(self) -> bool:
        return self.stats.internal

    @property
    def period(self) -> Period:
        return self.stats.period

    @property
    def headline(self) -> str:
        """``2026年11月督查督办事项办理情况通报`` (one line of 2号 in the text area)."""
        return f"{self.period.label}督查督办事项办理情况通报"


def cn_date(day: date) -> str:
    """``2026年11月30日`` (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def short_date(day: date) -> str:
    """``11月30日``."""
    return f"{day.month}月{day.day}日"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _issuer(ledger: Ledger) -> str:
    assigning = [u for u in ledger.units.values() if u.kind == "assigning"]
    return assigning[0].name if assigning else ledger.config.name


def bulletin(stats: Stats, statuses: Sequence[TaskStatus], ledger: Ledger, number: int) -> Bulletin:
    """The bulletin of ``stats.period`` as of ``stats.as_of``. ``statuses``: those ``stats``
    was made from, as of the same day (the caller's choice of tasks: only what the public
    may see for the public version); internal tasks are left out unless ``stats.internal``."""
    period, as_of = stats.period, stats.as_of
    chosen = sorted(
        (
            s
            for s in statuses
            if (stats.internal or s.task.public) and s.task.received <= as_of  # known then
        ),
        key=lambda s: s.task.id,
    )
    by_id = {s.task.id: s for s in chosen}

    def name(s: TaskStatus) -> str:
        unit = ledger.units.get(s.owner.unit)
        return unit.name if unit else s.owner.unit

    def title(task_id: str) -> str:
        status = by_id.get(task_id)
        return status.task.title if status else task_id

    lagging = []
    for u in stats.owners():
        items = tuple(
            Item(
                t.id,
                title(t.id),
                u.name,
                t.deadline,
                t.days_late,
                t.explained,
                "超时办结" if t.outcome == "late" else "逾期未办结",
            )
            for t in u.tasks
            if t.delayed
        )
        if items:
            lagging.append(Lagging(u, items))
    lagging.sort(key=lambda g: (-sum(i.days_late for i in g.items), g.unit.unit))
    closed = tuple(
        Item(s.task.id, s.task.title, name(s), s.closed_on, note=_on_time_note(s))
        for s in chosen
        if s.closed_on is not None and s.closed_on in period
    )
    completed = tuple(
        Item(s.task.id, s.task.title, name(s), s.completed_on, note=_on_time_note(s))
        for s in chosen
        if s.completed_on is not None and s.completed_on in period and s.closed_on is None
    )
    extensions = tuple(
        Item(
            s.task.id,
            s.task.title,
            name(s),
            e.date,
            note=f"延期至{cn_date(e.deadline)}" if e.deadline else "",
        )
        for s in chosen
        for e in s.task.events
        if e.type == "extension-approved" and e.date in period and e.date <= as_of
    )
    upcoming = following(period)
    next_due = tuple(
        sorted(
            (
                Item(s.task.id, s.task.title, name(s), s.deadline)
                for s in chosen
                if s.completed_on is None and s.closed_on is None and s.deadline in upcoming
            ),
            key=lambda i: (i.day, i.id),
        )
    )
    return Bulletin(
        number=number,
        issuer=_issuer(ledger),
        issued=as_of,
        ledger_name=ledger.config.name,
        stats=stats,
        lagging=tuple(lagging),
        closed=closed,
        completed=completed,
        extensions=extensions,
        next_period=upcoming,
        next_due=next_due,
    )


def _on_time_note(s: TaskStatus) -> str:
    if s.on_time is None:
        return ""
    return "按期办结" if s.on_time else "超时办结"


# -- the text, shared by the Word document and the Markdown page ---------------------------


def opening(b: Bulletin) -> str:
    return (
        f"按照定期对执行情况进行盘点的要求（措施九 问责问效），现将{b.period.label}"
        f"到期督查督办事项办理情况通报如下。"
    )


def overview(b: Bulletin) -> str:
    f = b.stats.summary
    text = (
        f"截至{cn_date(b.stats.as_of)}，{b.period.label}到期的督查督办事项共{f.due}项，"
        f"已报送办结{f.completed}项（含已核实销号和已办结待核实的事项），"
        f"其中按期办结{f.on_time}项、超时办结{f.late}项；"
        f"逾期未办结{f.open_overdue}项；按期办结率{pct(f.on_time_rate)}。"
    )
    if f.extended:
        text += f"按期办结事项中，经批准延期后按期办结{f.extended}项。"
    if f.extended_after_deadline:
        text += f"逾期后才获批延期的{f.extended_after_deadline}项，按超时计。"
    if f.sent_back:
        text += f"核实未通过、退回重办{f.sent_back}次。"
    return text


def scoring_rule(b: Bulletin) -> str:
    s = b.stats.scoring
    return (
        f"得分按执行力评分规则（scoring.yaml）计算：基础分{num(s.base)}分，每项按期办结加"
        f"{num(s.on_time_bonus)}分；每项超时办结或逾期未办结扣{num(s.late_per_item)}分，每逾期"
        f"1个工作日再扣{num(s.late_per_working_day)}分（每项最多计{s.late_max_days}个工作日）；"
        f"每次核实退回扣{num(s.sent_back)}分；逾期未说明原因的每项扣{num(s.unexplained_delay)}分。"
        f"得分低于{num(s.criticism_below)}分的予以通报批评，低于{num(s.interview_below)}分的"
        f"约谈主要负责同志。"
    )


def lagging_line(g: Lagging) -> tuple[str, list[str]]:
    """The unit's sentence and one sentence per item."""
    u = g.unit
    head = (
        f"{u.name}：本期到期{u.due}项，超时办结{u.late}项、逾期未办结{u.open_overdue}项，"
        f"累计逾期{u.working_days_late}个工作日，得分{num(u.score)}分。"
    )
    lines = []
    for i in g.items:
        why = "已说明原因" if i.explained else "未说明原因"
        lines.append(
            f"{i.title}（{i.id}），完成时限{cn_date(i.day)}，{i.note}，"
            f"逾期{i.days_late}个工作日，{why}。"
        )
    return head, lines


def actions(b: Bulletin) -> list[str]:
    """The 通报批评 and 约谈 sentences (measure 九), or the sentence that there are none."""
    out = []
    for action in ("interview", "criticism"):
        names = [u.name for u in b.stats.owners() if u.action == action]
        if not names:
            continue
        label = ACTION_LABELS[action]
        s = b.stats.scoring
        line = s.interview_below if action == "interview" else s.criticism_below
        if action == "interview":
            out.append(f"{'、'.join(names)}本期得分低于{num(line)}分，约谈其主要负责同志。")
        else:
            out.append(f"{'、'.join(names)}本期得分低于{num(line)}分，予以{label}。")
    if not out:
        out.append("本期没有得分低于通报批评分数线的单位。")
    return out


def item_line(i: Item, what: str) -> str:
    note = f"，{i.note}" if i.note else ""
    return f"{i.title}（{i.id}），{i.unit}，{what}{cn_date(i.day)}{note}。"


REQUIREMENTS = (
    "对逾期未办结的事项，责任单位要按措施六的要求及时说明原因，制定加快执行的措施，"
    "抓紧办理；对下期到期的事项，要对照完成时限和完成标准倒排工期，确保按期办结。"
)

#: The unit table's columns: heading, then how a cell is made from a unit's line.
TABLE_HEADINGS = (
    "排名",
    "单位",
    "到期",
    "报送办结",
    "按期办结",
    "超时办结",
    "逾期未办结",
    "按期办结率",
    "得分",
)


def table_rows(b: Bulletin, ledger: Ledger) -> list[list[str]]:
    """One row per owner, by rank (the numbers of ``duban stats``)."""
    return [
        [
            str(u.rank or ""),
            ledger.unit_label(u.unit),
            str(u.due),
            str(u.completed),
            str(u.on_time),
            str(u.late),
            str(u.open_overdue),
            pct(u.on_time_rate),
            num(u.score),
        ]
        for u in b.stats.owners()
    ]


def sections(b: Bulletin) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The body after the table, as (一级标题, [(二级标题 or "", paragraphs)]): the same for
    the Word document and the page."""
    late: list[str] = []
    for g in b.lagging:
        head, lines = lagging_line(g)
        late += [head, *lines]
    problems = [
        ("超时办结和逾期未办结事项", late or ["本期到期事项均已按期报送办结。"]),
        ("问责问效", actions(b)),
    ]
    done: list[tuple[str, list[str]]] = [
        ("已销号事项", [item_line(i, "销号于") for i in b.closed] or ["本期没有销号的事项。"]),
    ]
    if b.completed:
        done.append(("已办结待核实销号事项", [item_line(i, "报送办结于") for i in b.completed]))
    extensions = [item_line(i, "批准延期于") for i in b.extensions] or ["本期没有批准延期的事项。"]
    upcoming = [item_line(i, "完成时限") for i in b.next_due] or ["下期没有到期的事项。"]
    return [
        ("存在的问题", problems),
        ("本期办结情况", done),
        ("本期延期情况", [("", extensions)]),
        (f"下期到期事项（{b.next_period.label}）", [("", upcoming)]),
        ("工作要求", [("", [REQUIREMENTS])]),
    ]


CN_NUMBERS = "一二三四五六七八九十"


def markdown(b: Bulletin, ledger: Ledger) -> str:
    """The bulletin as a Markdown page (the site): every ledger text through
    :func:`~duban.render.text.md_text`, the table through
    :func:`~duban.render.text.md_table`."""
    inner = "（内部）" if b.internal else ""
    out = [
        f"# {md_text(TITLE)} 第{b.number}期{inner}",
        "",
        f"{md_text(b.issuer)}　{cn_date(b.issued)}",
        "",
        f"## {md_text(b.headline)}",
        "",
        md_text(opening(b)),
        "",
        "### 一、总体情况",
        "",
        md_text(overview(b)),
        "",
        "### 二、各单位办理情况",
        "",
    ]
    rows = table_rows(b, ledger)
    out += [md_table(TABLE_HEADINGS, rows) if rows else "本期没有到期事项。", ""]
    out += [md_text(scoring_rule(b)), ""]
    for n, (heading, parts) in enumerate(sections(b), 3):
        out += [f"### {CN_NUMBERS[n - 1]}、{md_text(heading)}", ""]
        sub = 0
        for subheading, paragraphs in parts:
            if subheading:
                sub += 1
                out += [f"#### （{CN_NUMBERS[sub - 1]}）{md_text(subheading)}", ""]
            for paragraph in paragraphs:
                out += [md_text(paragraph), ""]
    return "\n".join(out).rstrip() + "\n"


__all__ = [
    "TABLE_HEADINGS",
    "TITLE",
    "Bulletin",
    "Item",
    "Lagging",
    "bulletin",
    "cn_date",
    "markdown",
    "sections",
    "table_rows",
]
