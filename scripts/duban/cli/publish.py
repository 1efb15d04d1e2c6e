"""``duban publish``: a built site into a folder or onto a pages branch (atomic)."""

from __future__ import annotations

from pathlib import Path

import click

from duban.text import Text
from duban.web.publish import publish_branch, publish_folder, target_kind

from .boundary import OK, CannotRun
from .options import lang_option, site_folder_option


@click.command()
@click.option(
    "--to",
    "to",
    required=True,
    help="A folder (a path: ./www, /srv/www) or a branch name (pages).",
)
@site_folder_option("--site", "The site duban build wrote.")
@click.option(
    "--repo",
    default=".",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The Git repository holding the branch.",
)
@click.option(
    "--source",
    default="HEAD",
    show_default=True,
    help="The commit the site was built from (named in the branch's commit message).",
)
@click.option("--push", metavar="REMOTE", help="Then push the branch to this remote.")
@lang_option
def publish(to: str, site: Path, repo: Path, source: str, push: str | None, lang: str) -> int:
    """Publish a built site: into a folder (swapped in whole) or as the only content of a
    branch (a new commit, then the branch moved). The previous site stays until the new one
    is complete."""
    if target_kind(to) == "folder":
        done, problems = publish_folder(site, Path(to))
    else:
        done, problems = publish_branch(site, repo, to, source, push)
    if done is None:
        raise CannotRun(problems, Text("网站未发布", "the site was not published"))
    if done.kind == "folder":
        said = Text(
            f"网站已发布到目录 {done.target}（{done.files} 个文件）",
            f"site published into the folder {done.target} ({done.files} files)",
        )
    else:
        pushed = Text(f"，已推送到 {done.pushed}", f", pushed to {done.pushed}")
        said = Text(
            f"网站已发布到分支 {done.target}：提交 {done.commit}（由 {done.source} 生成，"
            f"{done.files} 个文件）" + (pushed.zh if done.pushed else ""),
            f"site published on the branch {done.target}: commit {done.commit} (built from"
            f" {done.source}, {done.files} files)" + (pushed.en if done.pushed else ""),
        )
    click.echo(said(lang), err=True)
    return OK
