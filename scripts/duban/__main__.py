"""``python -m duban`` is the ``duban`` command."""

from duban.cli.main import main

main()
