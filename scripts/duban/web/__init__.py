"""The public status site (ARCHITECTURE.md, "The site"): Markdown pages, charts and feeds
built with MkDocs.

Modules: :mod:`~duban.web.public` (what is public: the one place that decides),
:mod:`~duban.web.pages` (Markdown), :mod:`~duban.web.charts` (static SVG),
:mod:`~duban.web.feeds` (``api/tasks.json`` and iCalendar), :mod:`~duban.web.trail`
(audit trail tables), :mod:`~duban.web.build` (the whole build, via MkDocs' Python API).
"""
