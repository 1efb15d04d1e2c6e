"""A valid task document as a :class:`~duban.model.Task` record."""

from __future__ import annotations

from duban.model import Event, Milestone, Owner, Task, as_date
from duban.source import Document


def task_from_doc(doc: Document) -> Task:
    """Build the record of a valid task document."""
    data = doc.data
    owner = data["owner"]
    return Task(
        id=data["id"],
        title=data["title"],
        received=as_date(data["received"]),
        assigned_by=data["assigned_by"],
        owner=Owner(owner["unit"], owner["lead"], tuple(owner.get("co_units", ()))),
        standard=data["standard"],
        priority=data["priority"],
        visibility=data["visibility"],
        deadline=as_date(data["deadline"]) if "deadline" in data else None,
        deadline_rule=data.get("deadline_rule"),
        source=data.get("source", ""),
        description=data.get("description", ""),
        milestones=tuple(
            Milestone(m["title"], as_date(m["due"]), doc.loc("milestones", i))
            for i, m in enumerate(data.get("milestones", []))
        ),
        events=tuple(
            Event(
                index=i,
                date=as_date(e["date"]),
                type=e["type"],
                by=e["by"],
                where=doc.loc("events", i),
                note=e.get("note", ""),
                deadline=as_date(e["deadline"]) if "deadline" in e else None,
                milestone=e.get("milestone"),
                owner=e.get("owner"),
                co_units=tuple(e["co_units"]) if "co_units" in e else None,
            )
            for i, e in enumerate(data["events"])
        ),
        doc=doc,
    )
