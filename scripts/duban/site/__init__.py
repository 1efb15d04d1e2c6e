"""The public status site (DESIGN.md §8): Markdown pages, charts and feeds built with MkDocs.

Modules: :mod:`~duban.site.public` (what is public: the one place that decides),
:mod:`~duban.site.pages` (Markdown), :mod:`~duban.site.charts` (static SVG),
:mod:`~duban.site.feeds` (``api/tasks.json`` and iCalendar), :mod:`~duban.site.trail`
(audit trail tables), :mod:`~duban.site.build` (the whole build, via MkDocs' Python API).
"""
