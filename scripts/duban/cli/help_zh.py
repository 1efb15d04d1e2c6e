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
    "Check every file of the LEDGER folder; report every problem (exit 1 if any error).": (
        "检查台账目录 LEDGER 中的每个文件，列出全部问题和警告（有错误时退出码为 1，只有警告时为 0）。"
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
    "Without --head: check what is staged (what git commit would commit), as a hook.": "不给 --head 时：检查暂存区（git commit 将要提交的内容），供提交前钩子使用。",
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
    "Open/edit/close the issues on the forge.": "在代码托管平台上新建、修改或关闭催办议题。",
    "How --apply reaches the issues: the gh CLI, or the REST API of GitHub, Gitea or "
    "Forgejo (token, address and repository from the environment); auto: the forge whose "
    "runner runs the job (FORGEJO_ACTIONS, GITEA_ACTIONS, GITHUB_ACTIONS).": (
        "--apply 如何更新议题：用 gh 命令行，或 GitHub、Gitea、Forgejo 的 REST API"
        "（令牌、地址和仓库取自环境变量）；auto：由运行本作业的平台决定"
        "（FORGEJO_ACTIONS、GITEA_ACTIONS、GITHUB_ACTIONS）。"
    ),
    "Send each unit's digest to the channels of units.yaml (robots, e-mail).": (
        "把各单位的催办摘要发到 units.yaml 配置的渠道（钉钉、企业微信、飞书群机器人，电子邮件）。"
    ),
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
    "Site engine: mkdocs (MkDocs 1.6), properdocs or zensical (installed separately).": "网站引擎：mkdocs（MkDocs 1.6）、properdocs 或 zensical（需另行安装）。",
    "Port on 127.0.0.1.": "127.0.0.1 上的端口。",
    # cms, build --with-cms, serve --cms
    "Write the web form (Decap CMS admin/ folder) for LEDGER: config.yml from the task\nschema and the ledger, index.html and the bundle from cms/install.": (
        "为台账 LEDGER 生成网页填报表单（Decap CMS 的 admin/ 目录）：config.yml 由任务 schema 和台账设置生成，"
        "index.html 和表单程序取自 cms/install 安装的文件。"
    ),
    "Output folder (empty, or one duban cms wrote before).": "输出目录（须为空目录，或此前由 duban cms 生成的目录）。",
    "The node_modules folder of cms/install (default: $DUBAN_CMS_MODULES or cms/node_modules).": (
        "cms/install 安装的 node_modules 目录（默认取环境变量 DUBAN_CMS_MODULES，否则为 cms/node_modules）。"
    ),
    "The forge the form saves to (gitea has no editorial workflow).": "表单保存到哪种代码托管平台（gitea 不支持编辑审核流程）。",
    "The ledger's main branch.": "台账仓库的主分支。",
    "Client ID of the forge's OAuth2 application (default: $DUBAN_CMS_APP_ID).": (
        "代码托管平台上 OAuth2 应用的客户端 ID（默认取环境变量 DUBAN_CMS_APP_ID）。"
    ),
    "Port of the local proxy (decap-server) on 127.0.0.1 (default: $DUBAN_CMS_PROXY_PORT or 8081).": (
        "本地代理（decap-server）在 127.0.0.1 上的端口（默认取环境变量 DUBAN_CMS_PROXY_PORT，否则为 8081）。"
    ),
    "Put the web form (duban cms) into admin/ too.": "同时把网页填报表单（duban cms）放进网站的 admin/ 目录。",
    "Also the web form at /admin/ with its local proxy (decap-server, git mode).": (
        "同时在 /admin/ 提供网页填报表单，并启动其本地代理（decap-server，git 模式）。"
    ),
    # publish
    "Publish a built site: into a folder (swapped in whole) or as the only content of a\nbranch (a new commit, then the branch moved). The previous site stays until the new one\nis complete.": "发布已生成的网站：发布到目录（整体替换），或作为某个分支的全部内容（先写新提交，再移动分支）。新网站完整写好之前，原网站保持不变。",
    "A folder (a path: ./www, /srv/www) or a branch name (pages).": "目标目录（路径，如 ./www、/srv/www）或分支名（如 pages）。",
    "The site duban build wrote.": "duban build 生成的网站目录。",
    "The Git repository holding the branch.": "分支所在的 Git 仓库。",
    "The commit the site was built from (named in the branch's commit message).": "生成网站所依据的提交（写入分支的提交说明）。",
    "Then push the branch to this remote.": "随后把分支推送到这个远程仓库。",
    # audit
    "The audit trail of task ID from Git history: who changed what, when, through which PR.": (
        "从 Git 历史得出任务 ID 的办理记录：谁、何时、通过哪个合并请求改了什么。"
    ),
    "The Git repository of the ledger (default: current folder).": "台账的 Git 仓库（默认为当前目录）。",
    "Read the whole history (ignore .duban-cache/).": "读取全部历史（不用 .duban-cache/ 缓存）。",
    # demo
    "Build the sample site from a generated Git history (pull requests by each unit's\nclerks), dated 2026-11-30, so its task pages show real audit trails.": "用生成的 Git 历史（各单位经办人的合并请求）生成示例网站，统计日期固定为 2026-11-30，任务页面显示真实的办理痕迹。",
    "Also keep the generated Git repository in this new folder (to explore it).": "把生成的 Git 仓库另存到这个新目录（便于查看）。",
    # new
    "Create a task file with the next free id of its year (prompts when at a terminal).": "新建一个任务文件，编号取当年下一个空号（在终端中运行时逐项询问）。",
    "What is to be done (督办事项).": "督办事项：要办的事。",
    "Responsible unit: its code (or its exact name in units.yaml).": "责任单位：单位代码（或 units.yaml 中的准确名称）。",
    "Co-handling units, comma separated (codes or exact names).": "协办单位，用逗号分隔（代码或准确名称）。",
    "First responsible, a post, never a name (default 主要负责同志).": "第一责任人：写职务，不写姓名（默认“主要负责同志”）。",
    "Date received, YYYY-MM-DD (default: today in the ledger's zone).": "收到日期，YYYY-MM-DD（默认为台账所在时区的今天）。",
    "Deadline, YYYY-MM-DD (or --rule).": "完成时限，YYYY-MM-DD（或用 --rule）。",
    "Deadline rule of rules.yaml counted from --received (or --deadline).": "按 rules.yaml 中的时限规则从收到日期起算（或用 --deadline）。",
    "Work standard: what counts as done (工作标准).": "工作标准：怎样才算办结。",
    "Priority (一般 normal, 重要 important, 紧急 urgent).": "紧急程度（normal 一般、important 重要、urgent 紧急）。",
    "internal: kept off the public site.": "internal（内部）：不在公开网站上显示。",
    "Where the task comes from (交办来源), e.g. a meeting.": "交办来源，例如某次会议。",
    "Assigning unit (default: the only one in units.yaml).": "交办单位（默认为 units.yaml 中唯一的交办单位）。",
    "Print the task file instead of writing it.": "只显示任务文件内容，不写入。",
    # import
    "Create one task file per row of a 交办单 sheet (.xlsx or .csv): all rows or none.": "按交办单（.xlsx 或 .csv）每行新建一个任务文件：要么全部写入，要么一个也不写。",
    "Priority of rows without a 紧急程度 column or value.": "没有“紧急程度”列或该格为空时的紧急程度。",
    "Visibility of rows without a 公开范围 column or value.": "没有“公开范围”列或该格为空时的公开范围。",
    "Encoding of a .csv file (default: UTF-8, else GB18030).": ".csv 文件的编码（默认先按 UTF-8，不行再按 GB18030）。",
    "Print the task files instead of writing them.": "只显示任务文件内容，不写入。",
    # fmt
    "Rewrite task files (PATHS: files or folders; default: ledger) in the house style.": (
        "把任务文件（PATHS：文件或目录，默认 ledger）整理成统一格式，内容不变。"
    ),
    "Write nothing; list files that would change (exit 1).": "不写入，只列出需要整理的文件（有则退出码为 1）。",
    # record
    "Append one event of TYPE (code or Chinese name) to task ID, checked as validate and\n"
    "check-change would; refused with the problems (exit 1), nothing written.": (
        "给任务 ID 追加一条办理记录 TYPE（英文代码或中文名称），按 validate 和 check-change "
        "的规则检查；不合规则列出问题并拒绝（退出码 1），不写入任何内容。"
    ),
    "Code of the unit recording the event (e.g. fgw).": "登记办理记录的单位代码（如 fgw）。",
    "Date of the event (YYYY-MM-DD; default: today there).": (
        "办理日期 YYYY-MM-DD（默认为台账所在时区的今天）。"
    ),
    "What was done (reasons, measures, how verified).": "说明（办理情况、延误原因和措施、核实方式等）。",
    "The new deadline of an extension-approved (YYYY-MM-DD).": "同意延期后的新时限 YYYY-MM-DD。",
    "The milestone title a milestone-reported reports.": "所反馈的阶段节点名称。",
    "The new responsible unit of a reassigned.": "改派后的责任单位代码。",
    "The new co-units of a reassigned (a,b; '' none).": (
        "改派后的协办单位代码（用逗号分隔；写 '' 表示不再有协办单位）。"
    ),
    "Platform account committing it (default: first maintainer).": (
        "提交这次修改的平台账号（默认为该单位的第一个维护人）。"
    ),
    "Today (YYYY-MM-DD; default: today in the ledger's zone).": (
        "检查当日 YYYY-MM-DD（默认为台账所在时区的今天）。"
    ),
    "Check only; write nothing.": "只检查，不写入。",
    "List the event types and exit.": "列出全部办理环节后退出。",
    # export
    "The ledger (台账) as an Excel workbook or a CSV file: one row per task, with status.": (
        "把台账导出为 Excel 工作簿或 CSV 文件：每项任务一行，附办理状态。"
    ),
    "File to write.": "输出文件。",
    "The day of the status columns (default: today there).": (
        "状态各列的统计日期（默认为台账所在时区的今天）。"
    ),
    "Include internal tasks (not for publication).": "包括内部任务（不得对外公开）。",
    # calendar
    "The working-day calendar: ledger/calendar/YYYY.yaml from the holiday notice.": "工作日日历：由国务院办公厅节假日安排通知生成 ledger/calendar/YYYY.yaml。",
    "The year's calendar file from the text of the holiday notice NOTICE (copied from a\nweb page into a text file) and the notices amending it, in order. Nothing is written\nwhen anything cannot be read with certainty (exit 1).": "由节假日安排通知 NOTICE 的文字（从网页复制到文本文件）及其后的补充、调整通知（按先后顺序）生成当年的日历文件。有任何一处不能确定的内容，就不写入（退出码为 1）。",
    "Write the calendar file here (e.g. ledger/calendar/2027.yaml); default: stdout.": "把日历文件写到这里（如 ledger/calendar/2027.yaml）；默认输出到屏幕。",
    "Overwrite an existing --out file.": "覆盖已有的 --out 文件。",
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
    # bulletin
    "The period's 督查通报 (measure 九) as a Word document or Markdown.": (
        "某统计期的督查通报（措施九），生成 Word 文档或 Markdown。"
    ),
    "The issue number (第N期).": "期数（第N期）。",
    "Include internal tasks (the document says 内部; never publish it).": (
        "包括内部任务（文档标明“内部”，不得公开）。"
    ),
    "Write to this file (required for docx) instead of printing.": "写入该文件而不是输出到屏幕（docx 格式必须给出）。",
}
