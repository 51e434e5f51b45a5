"""Small hand-made article graphs that follow docs/graph-contract.md.

They let the store/query/export tests run without spaCy or the graph stage.  `ARTICLES` holds
three articles that share people and organisations; `synthetic_article` mints as many more as a
benchmark needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import Namespace

SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
QG = Namespace("https://w3id.org/quotegraph/ontology#")
QGID = Namespace("https://w3id.org/quotegraph/id/")

KIND_CLASS = {
    "person": SCHEMA.Person,
    "organization": SCHEMA.Organization,
    "place": SCHEMA.Place,
    "group": QG.Group,
}
QUOTE_TYPE = {"direct": QG.Direct, "mixed": QG.Mixed, "indirect": QG.Indirect}

# The speaker whose name would break naive SPARQL string building.
TRICKY_NAME = 'Dwayne "The Rock" } Johnson'


@dataclass
class Ent:
    kind: str  # person | organization | place | group
    slug: str
    name: str
    alternate: tuple[str, ...] = ()


@dataclass
class Quote:
    start: int
    end: int
    type: str
    speaker: str | None  # Ent.slug
    cue: str | None = "said"
    addressee: str | None = None
    about: tuple[str, ...] = ()
    channel: str | None = None
    time_text: str | None = None


@dataclass
class Role:
    person: str
    title: str
    org: str | None = None


@dataclass
class Ev:
    key: str
    label: str
    trigger: str
    start: int
    end: int
    place: str | None = None
    actors: tuple[str, ...] = ()
    time_value: str | None = None


@dataclass
class Art:
    key: str
    text: str
    headline: str | None = None
    publisher: str | None = None  # Ent.slug of an organization
    entities: list[Ent] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    events: list[Ev] = field(default_factory=list)


def entity_iri(art: Art, ent: Ent) -> URIRef:
    if ent.kind == "group":  # unnamed groups are article-local
        return QGID[f"group/{art.key}/{ent.slug}"]
    return QGID[f"{ent.kind}/{ent.slug}"]


def article_iri(key: str) -> URIRef:
    return QGID[f"article/{key}"]


def graph_iri(key: str) -> str:
    return str(QGID[f"graph/{key}"])


def build(art: Art) -> tuple[str, Graph]:
    """The (named graph IRI, triples) of one article, as the graph stage would produce them."""
    g = Graph()
    a = article_iri(art.key)
    ents = {e.slug: e for e in art.entities}
    iri = {slug: entity_iri(art, e) for slug, e in ents.items()}

    g.add((a, RDF.type, SCHEMA.NewsArticle))
    g.add((a, SCHEMA.identifier, Literal(art.key)))
    g.add((a, SCHEMA.articleBody, Literal(art.text)))
    g.add((a, QG.contentHash, Literal(f"hash-of-{art.key}")))
    if art.headline:
        g.add((a, SCHEMA.headline, Literal(art.headline)))
    if art.publisher:
        g.add((a, SCHEMA.publisher, iri[art.publisher]))

    speakers = {q.speaker for q in art.quotes if q.speaker}
    for slug, e in ents.items():
        node = iri[slug]
        g.add((node, RDF.type, KIND_CLASS[e.kind]))
        if slug in speakers:
            g.add((node, RDF.type, PROV.Agent))
        g.add((node, SCHEMA.name, Literal(e.name)))
        for alt in sorted(set(e.alternate)):
            g.add((node, SCHEMA.alternateName, Literal(alt)))
        g.add((a, SCHEMA.mentions, node))

    for q in art.quotes:
        qn = QGID[f"quote/{art.key}/{q.start}-{q.end}"]
        sel = URIRef(f"{qn}/selector")
        act = URIRef(f"{qn}/act")
        g.add((qn, RDF.type, SCHEMA.Quotation))
        g.add((qn, SCHEMA.text, Literal(art.text[q.start : q.end])))
        g.add((qn, SCHEMA.isPartOf, a))
        g.add((qn, QG.quoteType, QUOTE_TYPE[q.type]))
        g.add((qn, OA.hasSelector, sel))
        g.add((sel, RDF.type, OA.TextPositionSelector))
        g.add((sel, OA.start, Literal(q.start, datatype=XSD.nonNegativeInteger)))
        g.add((sel, OA.end, Literal(q.end, datatype=XSD.nonNegativeInteger)))
        g.add((qn, PROV.wasGeneratedBy, act))
        g.add((act, RDF.type, SCHEMA.CommunicateAction))
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, SCHEMA.result, qn))
        if q.speaker:
            sp = iri[q.speaker]
            g.add((qn, SCHEMA.spokenByCharacter, sp))
            g.add((qn, PROV.wasAttributedTo, sp))
            g.add((qn, QG.speakerMention, Literal(ents[q.speaker].name)))
            g.add((act, SCHEMA.agent, sp))
        if q.cue:
            g.add((qn, QG.cue, Literal(q.cue)))
            g.add((act, QG.cue, Literal(q.cue)))
        if q.addressee:
            g.add((qn, QG.addressee, iri[q.addressee]))
            g.add((act, SCHEMA.recipient, iri[q.addressee]))
        if q.channel:
            g.add((qn, QG.channel, Literal(q.channel)))
        if q.time_text:
            g.add((qn, QG.timeText, Literal(q.time_text)))
        for slug in q.about:
            g.add((qn, SCHEMA.about, iri[slug]))

    for r in art.roles:
        role = QGID[f"role/{art.key}/{r.person}/{r.title.lower().replace(' ', '-')}"]
        g.add((iri[r.person], SCHEMA.memberOf, role))
        g.add((role, RDF.type, SCHEMA.OrganizationRole))
        g.add((role, SCHEMA.roleName, Literal(r.title)))
        g.add((role, PROV.wasDerivedFrom, a))
        if r.org:
            g.add((role, SCHEMA.memberOf, iri[r.org]))

    for ev in art.events:
        en = QGID[f"event/{art.key}/{ev.key}"]
        g.add((en, RDF.type, SEM.Event))
        g.add((en, RDF.type, SCHEMA.Event))
        g.add((en, SCHEMA.name, Literal(ev.label)))
        g.add((en, QG.trigger, Literal(ev.trigger)))
        g.add((en, PROV.wasDerivedFrom, a))
        if ev.place:
            g.add((en, SEM.hasPlace, iri[ev.place]))
        for actor in ev.actors:
            g.add((en, SEM.hasActor, iri[actor]))
        if ev.time_value:
            g.add((en, SEM.hasTimeStamp, Literal(ev.time_value, datatype=XSD.date)))
        sel = URIRef(f"{en}/selector")
        g.add((en, OA.hasSelector, sel))
        g.add((sel, RDF.type, OA.TextPositionSelector))
        g.add((sel, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger)))
        g.add((sel, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger)))
    return graph_iri(art.key), g


BIDEN = Ent("person", "joe-biden", "Joe Biden", ("Biden",))
CNN = Ent("organization", "cnn", "CNN")
WH = Ent("organization", "white-house", "White House")
IRAQ = Ent("place", "iraq", "Iraq")
ROCK = Ent("person", "dwayne-the-rock-johnson", TRICKY_NAME)

_T1 = 'President Joe Biden told CNN on Monday: "We will bring the troops home from Iraq." The White House agreed.'
_T2 = 'Officials said the plan was sound. Biden called it "a promise kept" in a statement.'
_T3 = 'Johnson said on Tuesday that "movies are hard".\nNew line with a tab\tand a backslash \\ here.'

ARTICLES: list[Art] = [
    Art(
        key="a1",
        text=_T1,
        headline="Biden: troops coming home",
        publisher="cnn",
        entities=[BIDEN, CNN, WH, IRAQ],
        quotes=[
            Quote(
                41,
                81,
                "direct",
                "joe-biden",
                cue="told",
                addressee="cnn",
                about=("iraq",),
                time_text="on Monday",
            )
        ],
        roles=[Role("joe-biden", "President", "white-house")],
        events=[
            Ev(
                "bring-troops-home",
                "bring troops home from Iraq",
                "bring",
                0,
                82,
                place="iraq",
                actors=("joe-biden",),
                time_value="2021-04-12",
            )
        ],
    ),
    Art(
        key="a2",
        text=_T2,
        headline="A promise kept",
        entities=[BIDEN, Ent("group", "officials", "officials"), WH],
        quotes=[
            Quote(15, 33, "indirect", "officials"),
            Quote(52, 66, "mixed", "joe-biden", cue="called", channel="statement"),
        ],
        roles=[
            Role("joe-biden", "President", "white-house"),
            Role("joe-biden", "Commander in Chief", "white-house"),
        ],
    ),
    Art(
        key="a3",
        text=_T3,
        entities=[ROCK],
        quotes=[Quote(30, 45, "direct", "dwayne-the-rock-johnson", time_text="on Tuesday")],
    ),
]


def all_graphs() -> list[tuple[str, Graph]]:
    return [build(a) for a in ARTICLES]


def synthetic_article(i: int, n_quotes: int = 20) -> tuple[str, Graph]:
    """A generated article with `n_quotes` quotations by a pool of shared people (for benchmarks)."""
    people = [Ent("person", f"person-{(i + k) % 500}", f"Person {(i + k) % 500}") for k in range(5)]
    place = Ent("place", f"place-{i % 50}", f"Place {i % 50}")
    org = Ent("organization", f"org-{i % 100}", f"Org {i % 100}")
    sentence = 'Somebody said "this is a fairly ordinary sentence of quoted speech" today. '
    text = sentence * n_quotes
    quotes = [
        Quote(
            k * len(sentence) + 15,
            k * len(sentence) + 66,
            ("direct", "mixed", "indirect")[k % 3],
            people[k % 5].slug,
            about=(place.slug,),
            addressee=org.slug,
        )
        for k in range(n_quotes)
    ]
    art = Art(
        key=f"syn-{i}",
        text=text,
        headline=f"Synthetic {i}",
        publisher=org.slug,
        entities=[*people, place, org],
        quotes=quotes,
        roles=[Role(people[0].slug, "Spokesperson", org.slug)],
        events=[Ev("meeting", "meeting", "meet", 0, 10, place=place.slug, actors=(people[1].slug,))],
    )
    return build(art)
