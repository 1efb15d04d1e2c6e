"""The Chinese of every help text of the command line, keyed by its English (a catalogue, as
gettext keeps one): :mod:`duban.cli.help` looks texts up here. Add the Chinese of a new
command or option here; ``tests/test_cli_help.py`` fails until it is there."""

from __future__ import annotations

ZH: dict[str, str] = {
    # duban
    "duban (督办): supervision ledger kept as YAML in Git.": "duban（督办）：以 YAML 文件保存在 Git 中的督办台账。",
    # shared options
    "Ledger folder.": "台账目录。",
    "Ledger folder in the repository.": "仓库中的台账目录。",
    "Language for people (default: $DUBAN_LANG or zh).": "提示信息的语言（默认取环境变量 DUBAN_LANG，否则为中文 zh）。",
    "Output format.": "输出格式。",
    "Only tasks this unit owns or co-handles.": "只列出该单位牵头或协办的任务。",
    "The day to report on (default: today there).": "统计日期（默认为台账所在时区的今天）。",
    # validate
    "Check every file of the LEDGER folder; report every problem (exit 1 if any).": (
        "检查台账目录 LEDGER 中的每个文件，列出全部问题（有问题时退出码为 1）。"
    ),
    # due
    "The due date of PERIOD (5wd, 15d, 1m, 0d) or --rule counted from DATE.": (
        "从 DATE 起算 PERIOD（5wd 个工作日、15d 个自然日、1m 个月、0d 当日）或 --rule 规则的到期日。"
    ),
    "Use the period of a rule from rules.yaml (e.g. deploy).": "使用 rules.yaml 中某条规则的时限（如 deploy）。",
    "Priority, for rules with important/urgent variants.": "优先级，用于对重要、紧急事项另有时限的规则。",
    'Print {"due": ..., "provisional": ...}.': '输出 JSON：{"due": ..., "provisional": ...}。',
    # status, overdue
    "Every task's light (红灯/黄灯/绿灯/已办结/已销号) and next item as of a day.": (
        "截至某日每项任务的灯色（红灯、黄灯、绿灯、已办结、已销号）和下一事项。"
    ),
    "Overdue items with working days late; never fails unless --fail-on-overdue.": (
        "逾期事项及逾期工作日数；除非给出 --fail-on-overdue，否则不以失败退出。"
    ),
    "Exit 1 when anything is overdue.": "有逾期事项时退出码为 1。",
    # check-change
    "Refuse illegal changes to the ledger from BASE to HEAD (exit 1, one reason a line).": (
        "拒绝从 BASE 到 HEAD 对台账的违规修改（退出码为 1，每行一条理由）。"
    ),
    "The trusted revision (the PR's base branch).": "可信的基准版本（合并请求的目标分支）。",
    "The revision to check (default: the working tree, uncommitted edits included).": "要检查的版本（默认为工作区，包括尚未提交的修改）。",
    "Platform handle of who made the change (the PR author).": "修改人的平台账号（合并请求的发起人）。",
    "The Git repository.": "Git 仓库。",
    "Today (YYYY-MM-DD; default: today in Asia/Shanghai).": "今天的日期（YYYY-MM-DD；默认为北京时间的今天）。",
    # remind
    "The 催办 reminder each unit should have (one issue per unit, closed when clear).\n\n"
    "The reminders themselves are in Chinese; --lang sets the language of the messages.": (
        "每个单位应收到的催办提醒（每个单位一个议题，事项办清后关闭）。\n\n"
        "提醒本身总是中文；--lang 只设定提示信息的语言。"
    ),
    "The day to remind for (default: today there).": "催办的日期（默认为台账所在时区的今天）。",
    "Open/edit/close the issues with gh.": "用 gh 新建、修改或关闭议题。",
    "Issue label of reminders.": "催办议题的标签。",
    # build, serve
    "Generate the public status site (MkDocs Material) into --out (default: site/).": (
        "生成公开的办理情况网站（MkDocs Material），输出到 --out（默认 site/）。"
    ),
    "Build the site, serve it on 127.0.0.1 and rebuild when the ledger changes.": (
        "生成网站，在 127.0.0.1 上预览，台账改动后自动重新生成。"
    ),
    "Status date YYYY-MM-DD (default: today).": "统计日期 YYYY-MM-DD（默认为今天）。",
    "Output folder (empty, or a site duban built before).": "输出目录（须为空目录，或 duban 以前生成的网站）。",
    "Git repository for audit trails (default: the one holding the ledger).": (
        "读取办理记录历史的 Git 仓库（默认为台账所在的仓库）。"
    ),
    "Site config (default: ./mkdocs.yml).": "网站配置文件（默认 ./mkdocs.yml）。",
    "MkDocs warnings are errors.": "把 MkDocs 的警告当作错误。",
    "Port on 127.0.0.1.": "127.0.0.1 上的端口。",
    # audit
    "The audit trail of task ID from Git history: who changed what, when, through which PR.": (
        "从 Git 历史得出任务 ID 的办理记录：谁、何时、通过哪个合并请求改了什么。"
    ),
    "The Git repository of the ledger (default: current folder).": "台账的 Git 仓库（默认为当前目录）。",
    "Read the whole history (ignore .duban-cache/).": "读取全部历史（不用 .duban-cache/ 缓存）。",
    # stats
    "Per-unit figures, scores and ranks for a period (measure 九), or --weekly trends.": (
        "各单位某统计期内的办理情况、得分和排名（措施九），或用 --weekly 按周看趋势。"
    ),
    "Month 2026-11, quarter 2026-Q4 or year 2026 (default: the month of --as-of).": (
        "统计期：月份 2026-11、季度 2026-Q4 或年份 2026（默认为 --as-of 所在月份）。"
    ),
    "First day of the period (YYYY-MM-DD), with --to.": "统计期的第一天（YYYY-MM-DD），与 --to 同用。",
    "Last day of the period (YYYY-MM-DD), with --from.": "统计期的最后一天（YYYY-MM-DD），与 --from 同用。",
    "Count internal tasks too (not public).": "同时统计内部任务（不公开）。",
    "The trend: status as of each Sunday of a year.": "趋势：一年中截至每个星期日的办理情况。",
    "The year of --weekly (default: that of --as-of).": "--weekly 统计的年份（默认为 --as-of 所在年份）。",
    "Write to this file (required for xlsx) instead of printing.": "写入该文件而不是输出到屏幕（xlsx 格式必须给出）。",
}
