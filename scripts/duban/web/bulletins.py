"""督查通报 on the site, and the one way a bulletin's tasks are chosen.

:func:`period_bulletin` makes the bulletin of a period as of a day from the ledger: the
public version from the public view only (:func:`duban.web.public.public_view`: tasks with
``visibility: public`` whose text names no unpublished task), the internal one (``duban
bulletin --internal``) from every task. Its figures are those of ``duban stats`` (the same
:func:`~duban.stats.figures.ledger_stats`, given the chosen statuses).

The site has a page ``bulletins/index.md`` listing the public bulletins of the past months:
from January of the year of the last finished month up to it (the month before the site's
as-of date), each on its own page ``bulletins/YYYY-MM.md``, as of the last day of its month
(the bulletin as it was issued), numbered by its month (第11期 for November).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from duban.model import Ledger
from duban.problems import Problem
from duban.render.bulletin import Bulletin, bulletin, cn_date, markdown, pct
from duban.render.text import md_text
from duban.stats.figures import ledger_stats
from duban.stats.periods import Period, following, month
from duban.status.clock import effective_deadline
from duban.status.records import TaskStatus
from duban.status.select import ledger_status
from duban.status.task import task_status
from duban.web.public import PublicView, public_view


def period_bulletin(
    ledger: Ledger,
    period: Period,
    as_of: date,
    number: int,
    *,
    internal: bool = False,
    statuses: tuple[TaskStatus, ...] | None = None,
) -> tuple[Bulletin, list[Problem]]:
    """The bulletin of ``period`` as of ``as_of``, and the problems of ``scoring.yaml``.
    ``statuses``: the ledger's statuses as of ``as_of`` when already made."""
    every = tuple(statuses) if statuses is not None else tuple(ledger_status(ledger, as_of))
    chosen = every if internal else public_view(ledger, every, as_of).statuses
    return _made(ledger, period, as_of, number, chosen, internal)


def _made(
    ledger: Ledger,
    period: Period,
    as_of: date,
    number: int,
    chosen: tuple[TaskStatus, ...],
    internal: bool,
) -> tuple[Bulletin, list[Problem]]:
    stats, problems = ledger_stats(ledger, period, as_of, internal=internal, statuses=chosen)
    return bulletin(stats, chosen, ledger, number), problems


def _statuses_then(
    ledger: Ledger, period: Period, as_of: date, published: set[str]
) -> tuple[TaskStatus, ...]:
    """The statuses as of ``as_of`` of the published tasks a bulletin of ``period`` can name:
    received by then, and their deadline then in this period or the next, or an event in
    this period (a completion, a closing, an extension). The same bulletin as from every
    status (the others are in none of its lists), without a status of every task for every
    month (a ledger of 10,000 tasks)."""
    window = Period(period.start, following(period).end, "")
    chosen = [
        t
        for t in sorted(ledger.tasks, key=lambda t: t.id)
        if t.id in published
        and t.received <= as_of
        and (
            effective_deadline(t, ledger, as_of).due.date in window
            or any(e.date in period for e in t.events)
        )
    ]
    return tuple(task_status(t, ledger, as_of) for t in chosen)


@dataclass(frozen=True, slots=True)
class SitePage:
    path: str
    """Relative to the docs folder."""
    text: str


def past_months(as_of: date) -> list[Period]:
    """January up to the month before ``as_of``, of that month's year (in January: the
    whole previous year)."""
    last = as_of.replace(day=1) - timedelta(days=1)
    return [month(last.year, n) for n in range(1, last.month + 1)]


def bulletin_pages(view: PublicView) -> list[SitePage]:
    """The index and one page per past month, newest first (public versions only)."""
    ledger = view.ledger
    published = {s.task.id for s in view.statuses}  # the public view's decision, kept
    rows = []
    pages = []
    for period in reversed(past_months(view.as_of)):
        issued = period.end
        then = _statuses_then(ledger, period, issued, published)
        b, problems = _made(ledger, period, issued, int(period.code[-2:]), then, False)
        text = markdown(b, ledger)
        if problems:
            text = (
                "!!! warning\n\n    评分规则 scoring.yaml 有错误，本期得分按默认规则计算。\n\n"
                + text
            )
        pages.append(SitePage(f"bulletins/{period.code}.md", text))
        f = b.stats.summary
        link = f"[第{b.number}期（{md_text(period.label)}）]({period.code}.md)"
        rows.append([link, cn_date(issued), str(f.due), str(f.on_time), pct(f.on_time_rate)])
    head = [
        "# 督查通报",
        "",
        "按月盘点到期督查督办事项的办理情况（措施九 问责问效）：各单位的到期、办结、逾期情况、",
        "得分和排名，逾期事项和下期到期事项。每期数据截至当月最后一天，与 `duban stats` 相同；",
        "只含公开事项。",
        "",
    ]  # then a blank line: the table is not part of the paragraph
    if rows:
        # the link cells are made here, not ledger text: the table is written as is
        table = ["| 期数 | 截至 | 到期 | 按期办结 | 按期办结率 |", "|---|---|---|---|---|"]
        table += ["| " + " | ".join(r) + " |" for r in rows]
        body = "\n".join(table)
    else:
        body = "（尚无已结束的月份。）"
    return [SitePage("bulletins/index.md", "\n".join([*head, body, ""])), *pages]


def write_bulletins(view: PublicView, docs: Path) -> int:
    """Write the bulletin pages into ``docs`` through the public view; how many."""
    pages = bulletin_pages(view)
    for page in pages:
        view.write(docs / page.path, page.text)
    return len(pages)


__all__ = ["bulletin_pages", "past_months", "period_bulletin", "write_bulletins"]
