"""The scoring rules page (``scoring.md``, 评分规则): each rule of the ledger's
``scoring.yaml`` with its points, the thresholds of 通报批评 and 约谈, and how ranks are
decided (measure 九 问责问效). Written from the :class:`~duban.load.scoring.Scoring` the
units page scored by (:func:`duban.web.units.year_stats`), so the page and the scores never
differ."""

from __future__ import annotations

from duban.load.scoring import Scoring
from duban.stats.scoring import RULE_LABELS, RULES
from duban.web.blocks import asof_line
from duban.web.context import PageContext
from duban.web.markup import front, html_table
from duban.web.units import year_stats

INTRO = (
    "措施九（问责问效）要求定期对执行情况进行盘点：对按期办结的单位予以肯定，对推进不力的"
    "单位通报批评、约谈。本站按下列规则为各牵头单位计分并排名，每一分都来自一条规则和它的"
    "计数（见[责任单位](units/index.md)页）。只按任务办理结果计分，不计登录、点击等任何"
    "活跃度指标。\n\n"
)
COUNTING = (
    "- 统计期：任务计入其现行完成时限（含批准的延期）所在的统计期，与 duban stats 同一规则；"
    "责任单位页按本年统计，各单位页另列每月、每季度。\n"
    "- 只计公开任务；只有牵头单位计分，协办任务不计入协办单位的得分。\n"
    "- 按期办结：在完成时限内报送办结；在时限到期前批准延期、并在延期后的时限内办结的，"
    "按期办结（延期办结）。逾期后才批准延期的，按超时办结计。\n"
    "- 逾期工作日按国务院办公厅发布的节假日安排计算，见[时限规则](rules.md)。\n"
    "- 排名：得分高者在前；得分相同的，按期办结率高者在前（无按期办结率的在后）；"
    "再相同的，按单位代码排序，结果唯一且可复现。\n\n"
)


def _n(value: float) -> str:
    return f"{value:g}"


def rule_rows(scoring: Scoring) -> list[list[str]]:
    """One row per rule, in :data:`~duban.stats.scoring.RULES` order: id, name, what it
    counts, the points."""
    what = {
        "base": ("每个牵头单位", f"{_n(scoring.base)} 分"),
        "on-time": ("每项按期办结的任务（含延期办结）", f"加 {_n(scoring.on_time_bonus)} 分"),
        "late": ("每项超时办结或逾期未办结的任务", f"扣 {_n(scoring.late_per_item)} 分"),
        "working-days-late": (
            f"上述任务每逾期 1 个工作日，每项最多计 {scoring.late_max_days} 个工作日",
            f"扣 {_n(scoring.late_per_working_day)} 分",
        ),
        "sent-back": ("每次核实未通过、退回重办", f"扣 {_n(scoring.sent_back)} 分"),
        "unexplained-delay": (
            "每项逾期而未按措施六说明原因和加快措施的任务",
            f"扣 {_n(scoring.unexplained_delay)} 分",
        ),
    }
    return [
        [f"<code>{rule}</code>", RULE_LABELS[rule], what[rule][0], what[rule][1]] for rule in RULES
    ]


def scoring_page(ctx: PageContext) -> str:
    found = year_stats(ctx)
    scoring = found.year.scoring
    if found.problems:
        source = (
            "台账的评分规则文件 scoring.yaml 有错误（运行 duban validate 查看），"
            "本站暂按下列默认规则计分。\n\n"
        )
    elif scoring.where is None:
        source = "台账没有评分规则文件 scoring.yaml，按下列默认规则计分。\n\n"
    else:
        source = "以下规则来自台账的评分规则文件 scoring.yaml。\n\n"
    thresholds = [
        ["通报批评", f"得分低于 {_n(scoring.criticism_below)} 分"],
        ["约谈", f"得分低于 {_n(scoring.interview_below)} 分（约谈主要负责同志）"],
    ]
    return "".join(
        [
            front("评分规则"),
            "# 评分规则\n\n",
            asof_line(ctx),
            INTRO,
            source,
            "## 计分规则 { #rules }\n\n",
            html_table(["规则编号", "规则", "计数", "分值"], rule_rows(scoring)),
            "\n得分 = 基础分 + 加分 − 扣分（保留两位小数）。\n\n",
            "## 通报批评与约谈 { #thresholds }\n\n",
            html_table(["处理", "条件"], thresholds),
            "\n得分低于约谈线的单位予以约谈，不再另列通报批评。\n\n",
            "## 统计口径 { #counting }\n\n",
            COUNTING,
        ]
    )


__all__ = ["rule_rows", "scoring_page"]
