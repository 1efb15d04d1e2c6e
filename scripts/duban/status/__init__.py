"""The status stage: each task's obligations and light as of a day, and selections of them."""
