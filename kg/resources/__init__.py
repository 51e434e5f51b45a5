"""The files quotegraph reads at run time, installed with the package: the saved SPARQL queries
(`queries/`) and the ontology with its SHACL shapes (`ontology/`).

Both live at the top of the repository, where users look for them; here they are symlinks to those
folders, which a wheel or a non-editable install copies in as real files (pyproject.toml's
package-data), so `kg query --named` and `kg validate` work outside a checkout too.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
QUERIES_DIR = _HERE / "queries"
ONTOLOGY_DIR = _HERE / "ontology"
