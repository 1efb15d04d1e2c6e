"""Reading the ledger's files: strict YAML, JSON Schema, and the readers that turn valid
documents into records (settings, units, rules, calendar, tasks). No ledger rule is judged here."""
