"""duban (督办): a supervision ledger kept as YAML files in Git.

The package is a library first; ``duban.cli`` is a thin command line over it.
Stages, one module each: ``yamlload`` (strict YAML) → ``validate`` (schemas and
ledger rules) → ``workdays`` (deadline arithmetic) → ``status`` (obligations and
lights) → ``audit`` (Git history) → ``site`` (the public status site).
"""

__version__ = "0.1.0"
