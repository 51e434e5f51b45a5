"""`python -m kg` runs the CLI (same as the `kg` console script)."""

from kg.cli import main

main()
