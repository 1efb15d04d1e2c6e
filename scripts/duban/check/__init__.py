"""The check stage: the ledger's own rules over documents (ids, units, rules, dates,
separation of duties), the per-file pipeline shared by ``validate`` and ``check-change``, and
the change guard."""
