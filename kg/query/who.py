"""`kg who`: everything one speaker said, to whom, when, in which articles, under which roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg import facts
from kg.errors import NotFoundError, UsageError
from kg.facts.props import value_of
from kg.identity.cluster import Identity, IdentityReport
from kg.identity.records import load_records
from kg.query.clusters import memberships
from kg.query.table import compact_iri, truncate
from kg.store import QuoteStore

# ?p is bound by the engine (pyoxigraph substitution), never spliced into the query text; it must
# be projected for the substitution to apply.
_SAID = """
SELECT ?p ?q ?text ?type ?cue ?to ?channel ?time ?timeValue ?id ?headline ?published ?start WHERE {
  GRAPH ?g {
    ?q schema:spokenByCharacter ?p ; schema:text ?text ; qg:quoteType ?type ; schema:isPartOf ?a ;
       oa:hasSelector/oa:start ?start .
    ?a schema:identifier ?id .
    OPTIONAL { ?q qg:cue ?cue }
    OPTIONAL { ?q qg:addressee/schema:name ?to }
    OPTIONAL { ?q qg:channel ?channel }
    OPTIONAL { ?q qg:timeText ?time }
    OPTIONAL { ?q qg:timeValue ?timeValue }
    OPTIONAL { ?a schema:headline ?headline }
    OPTIONAL { ?a schema:datePublished ?published }
  }
}"""



@dataclass
class Statement:
    article: str
    start: int
    text: str
    type: str
    cue: str | None = None
    addressee: str | None = None
    channel: str | None = None
    time: str | None = None
    time_value: str | None = None
    headline: str | None = None
    published: str | None = None
    as_name: str = ""  # the node it is attributed to, when that is a linked variant
    # Its quotation cluster (kg.clusters) when other articles carry the same statement.
    cluster: str | None = None
    cluster_articles: int = 0
    also_in: str = ""  # "also in N other articles (first seen ARTICLE, DATE)"


@dataclass
class WhoReport:
    identity: Identity
    roles: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)  # article, title, rank, org
    statements: list[Statement] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ident = self.identity
        return {
            "name": ident.name,
            "iri": ident.iri,
            "kind": ident.kind,
            "names": ident.names,
            "members": ident.members,
            "wikidata": ident.wikidata,
            "articles": ident.articles,
            "roles": [{"article": a, "title": t, "rank": r, "organization": o} for a, t, r, o in self.roles],
            "statements": [s.__dict__ for s in self.statements],
        }


def find_speaker(report: IdentityReport, name: str, where: object) -> Identity:
    """The one entity `name` means: when several match, a single person among them wins (a
    name usually asks about a person, not the organisation named after them); otherwise the
    name is ambiguous.  `where` names the store in messages."""
    found = report.find(name)
    if not found:
        raise NotFoundError(f"no person or organisation called “{name}” in {where}")
    if len(found) > 1:
        people = [i for i in found if i.kind == "Person"]
        found = people if len(people) == 1 else found
    if len(found) > 1:
        choices = "; ".join(f"{i.name} ({', '.join(i.articles)})" for i in found)
        raise UsageError(f"“{name}” could be {len(found)} entities: {choices}; give a fuller name")
    return found[0]


def who(store: QuoteStore, identity: Identity) -> WhoReport:
    """Everything the identity's nodes said, with addressee, time, article and roles."""
    names = {iri: rec.name for iri, rec in load_records(store).items() if iri in identity.members}
    report = WhoReport(identity)
    roles = set()
    for member in identity.members:
        bound = {"p": URIRef(member)}
        for row in store.query(_SAID, bindings=bound):  # type: ignore[union-attr]
            report.statements.append(
                Statement(
                    article=row["id"].value,
                    start=int(row["start"].value),
                    text=row["text"].value,
                    type=row["type"].value.rsplit("#", 1)[-1].lower(),
                    cue=value_of(row["cue"]),
                    addressee=value_of(row["to"]),
                    channel=value_of(row["channel"]),
                    time=value_of(row["time"]),
                    time_value=value_of(row["timeValue"]),
                    headline=value_of(row["headline"]),
                    published=value_of(row["published"]),
                    as_name=names.get(member, "") if member != identity.iri else "",
                    cluster=row["q"].value,  # replaced below by its cluster, or None
                )
            )
        for role in facts.roles(store, person=member):
            roles.add((role.article, role.title, role.rank, role.organization_name))
    report.roles = sorted(roles, key=lambda r: tuple(x or "" for x in r))
    # One row per quotation (OPTIONAL names can repeat a row), in article and text order.
    unique = {(s.article, s.start): s for s in report.statements}
    report.statements = [unique[k] for k in sorted(unique)]
    clustered = memberships(store)
    for s in report.statements:
        found = clustered.get(s.cluster or "")
        s.cluster = found.cluster if found else None
        if found:
            s.cluster_articles, s.also_in = found.articles, found.also_in()
    return report


def who_text(report: WhoReport) -> str:
    ident = report.identity
    lines = [f"{ident.name}  ({ident.kind}, {compact_iri(ident.iri)})"]
    others = [n for n in ident.names if n != ident.name]
    if others:
        lines.append(f"  also: {'; '.join(others)}")
    if ident.wikidata:
        lines.append(f"  wikidata: {', '.join('wd:' + q for q in ident.wikidata)}")
    if report.roles:
        lines.append("  roles:")
        for article, title, rank, org in report.roles:
            role = ", ".join(x for x in (rank, title) if x) + (f" — {org}" if org else "")
            lines.append(f"    {role}  [{article}]")
    lines.append(f"  {len(report.statements)} statement(s) in {len({s.article for s in report.statements})} article(s):")
    article = None
    for s in report.statements:
        if s.article != article:
            article = s.article
            head = s.article + (f" — {s.headline}" if s.headline else "") + (f" ({s.published})" if s.published else "")
            lines.append(f"  {head}")
        when = s.time + (f" = {s.time_value}" if s.time_value else "") if s.time else None
        details = [s.type, s.cue and f"“{s.cue}”", s.addressee and f"to {s.addressee}", s.channel and f"channel: {s.channel}",
                   when and f"when: {when}", s.as_name and f"as {s.as_name}"]
        lines.append(f"    - {truncate(s.text, 160)}")
        lines.append(f"      ({'; '.join(d for d in details if d)})")
        if s.also_in:
            lines.append(f"      {s.also_in}")
    return "\n".join(lines) + "\n"
