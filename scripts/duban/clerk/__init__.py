"""Clerks' tools: create a task file (new), append an event (record), the ledger as a
workbook (export) and a 交办单 workbook as task files (import)."""
