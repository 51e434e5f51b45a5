"""Regenerate kg/resources/first-names.tsv: first names whose bearers are overwhelmingly of one gender.

The table lets the resolver tell "he" from "she" for a person named only once ("Ivanka Trump …
She said …") instead of guessing from the pronouns it has resolved so far.  It is derived from the
name data of nomquamgender 0.1.4 (Ian Van Buskirk, MIT licence; counts of name–gender records
over many public sources): names written in a-z only, seen at least MIN_COUNT times, with the
probability of being female at most THRESHOLD or at least 1 - THRESHOLD (stricter than that
package's 0.1: Lindsey, Marion or Whitney name men often enough), as `name<TAB>f|m`, sorted.  Ambiguous names (Kim, Leslie, Jordan) are left out on purpose.

    pip download nomquamgender==0.1.4 --no-deps -d /tmp/nqg && unzip -o -q /tmp/nqg/*.whl -d /tmp/nqg
    python tools/make_first_names.py /tmp/nqg/nomquamgender/name_data.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MIN_COUNT = 200
THRESHOLD = 0.05
OUT = Path(__file__).resolve().parent.parent / "kg" / "resources" / "first-names.tsv"
PLAIN = re.compile(r"^[a-z]{2,15}$")


def main(name_data: str) -> None:
    data = json.loads(Path(name_data).read_text(encoding="utf-8"))
    rows = []
    for name, (_sources, count, p_female, *_rest) in data.items():
        if not PLAIN.match(name) or count < MIN_COUNT:
            continue
        if p_female >= 1 - THRESHOLD:
            rows.append(f"{name}\tf\n")
        elif p_female <= THRESHOLD:
            rows.append(f"{name}\tm\n")
    header = "# first name<TAB>gender; derived from nomquamgender 0.1.4 (MIT) by tools/make_first_names.py\n"
    OUT.write_text(header + "".join(sorted(rows)), encoding="utf-8")
    print(f"{OUT}: {len(rows)} names")


if __name__ == "__main__":
    main(sys.argv[1])
