"""Rewrite the rule individuals in ontology/quotegraph.ttl and the sh:in lists in
ontology/shapes.ttl from kg/rules.py (tests/test_rules.py checks they agree).

    .venv/bin/python tools/sync_rules.py
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.rules import QUOTATION_RULES, RESOLUTION_RULES, RULES, SPEAKER_RULES, Rule

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "quotegraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
RULE_IRI = "https://w3id.org/quotegraph/rule/"


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def individual(rule: Rule) -> str:
    return (
        f"<{rule.iri}>\n"
        "    a qg:AttributionRule , owl:NamedIndividual ;\n"
        f"    rdfs:label {turtle_string(rule.name)} ;\n"
        f"    qg:ruleStage {turtle_string(rule.stage)} ;\n"
        f"    rdfs:comment {turtle_string(rule.what)}@en ;\n"
        f"    skos:example {turtle_string(rule.example)}@en ;\n"
        "    rdfs:isDefinedBy <https://w3id.org/quotegraph/ontology> .\n"
    )


def sync_ontology() -> None:
    text = ONTOLOGY.read_text(encoding="utf-8")
    blocks = re.compile(rf"<{re.escape(RULE_IRI)}[^>]+>\n    a qg:AttributionRule.*?\.\n\n?", re.S)
    first = blocks.search(text)
    assert first is not None, "no rule individuals in the ontology to replace"
    rest = blocks.sub("", text[first.start():])
    generated = "\n".join(individual(rule) for rule in RULES.values()) + "\n"
    ONTOLOGY.write_text(text[: first.start()] + generated + rest, encoding="utf-8")


def sync_shapes() -> None:
    text = SHAPES.read_text(encoding="utf-8")
    for prop, rules in (("extractedBy", QUOTATION_RULES), ("speakerRule", SPEAKER_RULES), ("resolvedBy", RESOLUTION_RULES)):
        members = " ".join(f"<{r.iri}>" for r in rules)
        text, n = re.subn(rf"(sh:path qg:{prop} ; sh:maxCount 1 ;\n\s+sh:in \().*?(\) ;)", rf"\1 {members} \2", text)
        assert n == 1, f"no sh:in list for qg:{prop} in the shapes"
    SHAPES.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sync_ontology()
    sync_shapes()
