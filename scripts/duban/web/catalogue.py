"""The reference pages: the rule catalogue (``rules.md``, 时限规则, with the measures'
wording) and the data page (``data.md``, 数据说明: as of when, which commit, which calendar
years are official, where to download, how to report an error)."""

from __future__ import annotations

from collections.abc import Sequence

from duban.calendar.rules import Rule
from duban.model import EVENT_LABELS, PRIORITY_LABELS
from duban.render.text import safe_url
from duban.text import label
from duban.web.blocks import notice
from duban.web.context import PageContext, beijing
from duban.web.markup import esc, front, hesc, table

RULES_INTRO = (
    "台账中的每一项时限都来自《关于提高全州政府系统执行力的十七项措施》，下列规则逐条"
    "注明依据的措施和原文。“工作日”按国务院办公厅每年发布的节假日安排计算"
    "（起算当日不计入）；“日”“个月”到期日为节假日的，顺延至下一个工作日。\n\n"
)
METHOD = (
    "- 每项任务的各项时限按[时限规则](rules.md)计算，工作日依据国务院办公厅发布的"
    "当年部分节假日安排（含调休上班日）和本地放假规定。\n"
    "- 尚未发布放假安排的年份，按《全国年节及纪念日放假办法》规定的节日估算，"
    "涉及这些年份的日期标注为“暂定”，以正式安排发布后的结果为准。\n"
    "- 时限截至到期日 24 时（北京时间）。统计日之后登记的办理记录不计入本次统计。\n"
    "- 本站只公开列为“公开”的任务。\n\n"
)


def rules(ctx: PageContext) -> str:
    out = [front("时限规则"), "# 时限规则\n\n", RULES_INTRO]
    by_measure: dict[str, list[Rule]] = {}
    for rule in ctx.ledger.rules.values():
        by_measure.setdefault(rule.measure, []).append(rule)
    for measure, group in by_measure.items():
        out.append(f"## 措施{esc(measure)}\n\n")
        for rule in group:
            out.append(f"### {esc(rule.title)} {{ #{rule.id} }}\n\n")
            out.append(table(["项目", "内容"], rule_facts(rule)) + "\n\n")
            out.append(f"> {esc(rule.text)}\n\n")
            if rule.note:
                out.append(f"{esc(rule.note)}\n\n")
    return "".join(out)


def rule_facts(rule: Rule) -> list[tuple[str, str]]:
    """The rows of a rule's table: period, variants, cycle, quota, what meets it. The rule's id
    (a clerk's code) is not shown: readers know a rule by its measure and title."""
    facts: list[tuple[str, str]] = [("依据", f"措施{esc(rule.measure)}")]
    period = rule.period_for("normal")
    if period is not None:
        facts.append(("时限", esc(period.describe()) + ("（提前）" if rule.before else "")))
    for prio, var in rule.variants.items():
        facts.append((f"{esc(label(PRIORITY_LABELS, prio))}事项", esc(var.describe())))
    if rule.every:
        facts.append(("周期", esc(rule.every)))
    if rule.quota:
        facts.append(("数量", str(rule.quota)))
    if rule.met_by:
        facts.append(("以此登记为准", esc(label(EVENT_LABELS, rule.met_by))))
    if rule.configurable:
        facts.append(("说明", "措施未规定具体时限，按本地规定执行"))
    return facts


def data(ctx: PageContext) -> str:
    links = ctx.links
    out = [
        front("数据说明"),
        "# 数据说明\n\n",
        notice(ctx),
        table(["项目", "内容"], data_facts(ctx)),
        "\n\n## 计算方法\n\n",
        METHOD,
        "## 数据下载\n\n",
        f"- {links.file_a('api/tasks.json')}：全部公开任务及其计算状态（JSON）。\n",
    ]
    for code in ctx.units_used:
        out.append(
            f"- {links.file_a(f'api/calendars/{code}.ics')}："
            f"{esc(ctx.ledger.unit_label(code))}的时限日历（iCalendar）。\n"
        )
    out.append("\n## 纠错\n\n")
    config = ctx.ledger.config
    how = []
    if config.contact:
        how.append(f"联系方式：{esc(config.contact)}")
    repo_url = safe_url(config.repo_url)
    if repo_url:
        how.append(f'在台账仓库 <a href="{hesc(repo_url)}">{hesc(repo_url)}</a> 提出问题（issue）')
    elif config.repo_url:
        how.append(f"在台账仓库 {esc(config.repo_url)} 提出问题（issue）")
    how.append("请注明任务编号和有误的内容；核实后在台账中登记更正记录，本站随之更新")
    out.append("；".join(how) + "。\n")
    return "".join(out)


def data_facts(ctx: PageContext) -> list[tuple[str, str]]:
    """The rows of the data page's table: ledger, dates, version, the calendar's years."""
    calendar = ctx.ledger.calendar
    official = calendar.official_years
    estimated = [y for y in calendar.estimated_years if not official or y > official[-1]]
    gaps = [y for y in calendar.estimated_years if official and y < official[-1]]
    info = ctx.info
    facts = [
        ("台账名称", esc(ctx.ledger.config.name)),
        ("统计日期", f"{ctx.view.as_of.isoformat()}（北京时间）"),
        ("数据版本", f"`{info.commit[:12]}`" if info.commit else "—"),
        ("版本时间", f"{esc(beijing(info.commit_date))}（北京时间）" if info.commit_date else "—"),
        ("公开任务", f"{len(ctx.statuses)} 项"),
        ("正式放假安排", years_text(official)),
        ("按估算的年份（暂定）", years_text(estimated)),
    ]
    if gaps:
        facts.append(("缺少正式安排的年份", years_text(gaps)))
    return facts


def years_text(years: Sequence[int]) -> str:
    """``2004–2026`` style ranges."""
    if not years:
        return "—"
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(f"{r[0]}–{r[-1]} 年" if len(r) > 1 else f"{r[0]} 年" for r in runs)


__all__ = ["data", "rules"]
