"""The public status site (ARCHITECTURE.md, "The site"): Markdown pages, charts and feeds
built with MkDocs.

Modules: :mod:`~duban.web.public` (what is public: the one place that decides),
:mod:`~duban.web.links` (URLs and links between pages), :mod:`~duban.web.context` (what every
page is written from), the page families :mod:`~duban.web.overview`,
:mod:`~duban.web.lists`, :mod:`~duban.web.units`, :mod:`~duban.web.catalogue` and
:mod:`~duban.web.taskpage` (Markdown; shared blocks in :mod:`~duban.web.blocks`),
:mod:`~duban.web.pages` (writes them all), :mod:`~duban.web.charts` (static SVG),
:mod:`~duban.web.feeds` (``api/tasks.json`` and iCalendar), :mod:`~duban.web.trail`
(audit trail tables), :mod:`~duban.web.mkdocs_run` (MkDocs' config and build) and
:mod:`~duban.web.build` (the whole build).
"""
