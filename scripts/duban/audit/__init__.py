"""The audit stage: each task's trail of changes, field by field, from the Git history."""
