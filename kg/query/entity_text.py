"""Plain-text and JSON views of identities, for `kg entities`."""

from __future__ import annotations

from typing import Any

from kg.identity.cluster import Identity, IdentityReport
from kg.query.table import compact_iri, render_table


def identities_table(identities: list[Identity]) -> str:
    rows = [
        (
            i.name,
            i.kind,
            "; ".join(n for n in i.names if n != i.name),
            ", ".join(i.articles),
            "; ".join(compact_iri(m) for m in i.members if m != i.iri),
            ", ".join(i.wikidata),
        )
        for i in identities
    ]
    return render_table(["name", "kind", "variants", "articles", "linked nodes", "wikidata"], rows)


def report_dict(report: IdentityReport, identity: Identity) -> dict[str, Any]:
    return {
        "name": identity.name,
        "iri": identity.iri,
        "kind": identity.kind,
        "names": identity.names,
        "articles": identity.articles,
        "members": identity.members,
        "wikidata": identity.wikidata,
        "merges": [m.__dict__ for m in identity.merges],
        "not_merged": [
            {"name": b.name, "iri": b.iri, "candidates": list(b.candidates), "reason": b.reason}
            for b in report.blocked_for(identity)
        ],
    }


def explain_text(report: IdentityReport, identity: Identity) -> str:
    lines = [f"{identity.name}  ({identity.kind}, {compact_iri(identity.iri)})"]
    lines.append(f"  names:    {'; '.join(identity.names)}")
    lines.append(f"  articles: {', '.join(identity.articles)}")
    if identity.wikidata:
        lines.append(f"  wikidata: {', '.join('wd:' + q for q in identity.wikidata)}")
    if identity.merges:
        lines.append("  linked because:")
        for merge in identity.merges:
            lines.append(f"    {compact_iri(merge.member)} → {compact_iri(merge.into)} [{merge.rule}]")
            lines.append(f"      {merge.evidence}")
    else:
        lines.append("  linked because: nothing to link — one node")
    if len(identity.names) > len(identity.members):
        lines.append(
            "  (alternate names come from inside the articles: name forms, parentheses, appositions and"
            " shared modifiers resolved per article by kg.resolve)"
        )
    blocked = report.blocked_for(identity)
    if blocked:
        lines.append("  not linked:")
        for b in blocked:
            lines.append(f"    “{b.name}” ≠ {', '.join('“' + c + '”' for c in b.candidates)}: {b.reason}")
    return "\n".join(lines) + "\n"
