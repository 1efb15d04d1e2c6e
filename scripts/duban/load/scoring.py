"""Reading ``scoring.yaml`` (the scoring rules of measure 九) into a :class:`Scoring` record.

The file is optional: without it, ``duban stats`` scores by :data:`DEFAULT_SCORING` (the values
of the sample ledger's ``ledger/scoring.yaml``, documented in README.md) and says so in its
output. A file that is there must pass ``schemas/scoring.schema.json``; a broken one yields
problems (``duban validate``), and ``duban stats`` refuses to score by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from duban.load import schema
from duban.load.layout import Layout
from duban.load.yamlload import load_file
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text

FILE = "scoring.yaml"


@dataclass(frozen=True, slots=True)
class Scoring:
    """The scoring rules: points are deducted (penalties are written as positive numbers) or
    added, per counted item; nothing but the tasks' outcomes is counted."""

    base: float = 100
    """The score every unit starts from (rule ``base``)."""
    late_per_item: float = 2
    """Deducted per task completed late or overdue (rule ``late``)."""
    late_per_working_day: float = 0.5
    """Deducted per working day late (rule ``working-days-late``) ..."""
    late_max_days: int = 20
    """... counting at most this many working days per task."""
    sent_back: float = 3
    """Deducted per ``sent-back`` (rule ``sent-back``)."""
    unexplained_delay: float = 2
    """Deducted per late or overdue task without a delay explanation (``unexplained-delay``,
    measure 六)."""
    on_time_bonus: float = 1
    """Added per on-time completion (rule ``on-time``)."""
    criticism_below: float = 90
    """A score below it: 通报批评."""
    interview_below: float = 80
    """A score below it: 约谈."""
    where: Location | None = None
    """Where the rules are written; None for :data:`DEFAULT_SCORING`."""


DEFAULT_SCORING = Scoring()
"""The rules without a ``scoring.yaml``: those of the sample ledger."""


def load_scoring(root: Path) -> tuple[Scoring, list[Problem]]:
    """The scoring rules of the ledger folder ``root``: :data:`DEFAULT_SCORING` without a
    ``scoring.yaml``; with problems (and the defaults) when it cannot be read or is invalid."""
    layout = Layout(root)
    path = root / FILE
    if not path.exists() and not path.is_symlink():
        return DEFAULT_SCORING, []
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return DEFAULT_SCORING, problems
    problems = schema.check(doc, "scoring")
    if problems:
        return DEFAULT_SCORING, problems
    return scoring_from(doc)


def scoring_from(doc: Document) -> tuple[Scoring, list[Problem]]:
    """A schema-checked ``scoring.yaml`` as a record, and the problem of thresholds in the
    wrong order (约谈 is the sterner measure: its line may not lie above 通报批评's)."""
    data = doc.data
    late, lines = data["late"], data["thresholds"]
    scoring = Scoring(
        base=data["base"],
        late_per_item=late["per_item"],
        late_per_working_day=late["per_working_day"],
        late_max_days=late["max_days_per_item"],
        sent_back=data["sent_back"],
        unexplained_delay=data["unexplained_delay"],
        on_time_bonus=data["on_time_bonus"],
        criticism_below=lines["criticism_below"],
        interview_below=lines["interview_below"],
        where=doc.loc(),
    )
    if scoring.interview_below > scoring.criticism_below:
        where = doc.loc("thresholds", "interview_below")
        text = Text(
            f"约谈线 interview_below（{scoring.interview_below}）不得高于通报批评线 "
            f"criticism_below（{scoring.criticism_below}）：请调低约谈线或调高通报批评线",
            f"interview_below ({scoring.interview_below}) may not exceed criticism_below "
            f"({scoring.criticism_below}): lower the one or raise the other",
        )
        field = "$.thresholds.interview_below"
        return DEFAULT_SCORING, [Problem("scoring-thresholds", where, text, field=field)]
    return scoring, []
