"""The accountability stage (measure 九 问责问效): per-unit figures for a period, transparent
scores and ranks, weekly trends. The entry points are :func:`duban.stats.figures.unit_stats`
and :func:`duban.stats.trend.weekly`."""
