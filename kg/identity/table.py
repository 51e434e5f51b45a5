"""The user's alias table: a CSV of `name,alias` rows that pins identities.

    name,alias
    Mark Warner,Q1101637          # a Wikidata QID: adds owl:sameAs wd:Q1101637 (offline: no lookup)
    Mark Warner,Senator Warner    # another name: always the same entity, whatever the guards say
    Whole Foods Market,Whole Foods

A header row `name,alias` is optional; blank lines and lines starting with `#` are skipped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

QID = re.compile(r"^Q[1-9]\d*$")
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"


@dataclass(frozen=True)
class AliasRow:
    name: str
    alias: str
    where: str  # "FILE:LINE", for explanations

    @property
    def qid(self) -> str | None:
        return self.alias if QID.match(self.alias) else None


def read_alias_table(path: str | Path) -> list[AliasRow]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    rows: list[AliasRow] = []
    for number, cells in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in cells]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] == ["name", "alias"]:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"{path}:{number}: expected two columns, name and alias (or a Wikidata QID such as Q42)")
        rows.append(AliasRow(cells[0], cells[1], f"{path.name}:{number}"))
    return rows
