"""Roles and affiliations: a role phrase → job title, military rank and organisation.

    "Iraqi government spokesman Saad al-Hadithi"      → spokesman | — | Iraqi government
    "al-Hadithi, the Iraqi government spokesman"      → spokesman | — | Iraqi government
    "coalition spokesman Army Colonel Ryan Dillon"    → spokesman | Army Colonel | coalition
    "Iraqi Prime Minister Haider al-Abadi"            → Prime Minister | — | Iraq
    "Eric Reeves, a senior fellow at … at Harvard University" → senior fellow | — | Harvard University
    "Patrick McHugh, vice president of electrical engineering and planning for Con Edison"
        → vice president of electrical engineering and planning | — | Con Edison

Rules (general, over the spaCy parse of the phrase):

1. A *rank* is a run of military rank words ("Colonel", "Lt. Gen.") with the service before it
   ("Army", "Air Force"), written with a capital; it is taken out first.
2. The *title* is the head noun of what remains plus the title words to its left ("senior",
   "vice", "Prime", "press", lower-case nouns that are neither organisation words nor names);
   leading qualifiers ("former", "acting") stay with it.
3. What is left of the title is the *organisation* ("Iraqi government", "coalition", "White
   House"); a nationality adjective alone stands for its country ("Iraqi" → "Iraq").
4. After the head, the first ORG entity introduced by at/of/for/with/from/on is the organisation
   and the words before that preposition stay in the title ("vice president of … for Con
   Edison"); "of" + a place also names the organisation ("mayor of London").
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from kg.model import Role
from kg.nlp.lexicon import ORG_LABELS, ORG_NOUNS, ROLE_NOUNS
from kg.nlp.names import clean_surface, without_article
from kg.nlp.syntax import entities, np_bounds, strip_determiner


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RANK_CORE = _words(
    "general gen colonel col lieutenant lt major maj captain capt sergeant sgt admiral adm commander cmdr "
    "corporal cpl private pvt brigadier brig marshal ensign specialist spc"
)
RANK_MODIFIERS = _words("rear vice first second staff master chief petty warrant field")
SERVICES = _words("army navy air force marine marines corps coast guard national naval")
# Words that make a title with the head noun after them ("Prime Minister", "press secretary").
TITLE_MODIFIERS = _words(
    "prime vice deputy senior junior chief assistant associate executive managing press foreign defense "
    "defence interior finance health justice attorney acting interim principal lead general co co-founder "
    "first second research policy program programme regional national state district editor "
    "communications public affairs legislative special"
)
QUALIFIERS = _words("former then ex ex- acting interim outgoing incoming retired late longtime")
# Party members named by a noun ("a Virginia Democrat"): the noun is the title, the party the
# organisation (the place before it says whom they represent, not whom they belong to).
PARTY_MEMBERS: dict[str, str] = {
    "democrat": "Democratic Party", "republican": "Republican Party", "tory": "Conservative Party",
    "labourite": "Labour Party", "libertarian": "Libertarian Party",
}
HYPHENS = frozenset({"-", "‐", "‑"})
ORG_PREPS = frozenset({"at", "of", "for", "with", "from", "on"})
# The place a title is "of" ("Governor of Virginia", "Mayor of London"): a country, state, city or
# region — not a facility (FAC, "the White House"), which spaCy also labels a place.
JURISDICTION_LABELS = frozenset({"GPE", "LOC"})

# Nationality adjectives whose country is not the adjective minus a suffix (regular ones such as
# "Tunisian" → "Tunisia" are matched against the article's own GPE entities instead).
DEMONYMS: dict[str, str] = {
    "american": "United States", "british": "United Kingdom", "english": "England", "french": "France",
    "german": "Germany", "dutch": "Netherlands", "spanish": "Spain", "portuguese": "Portugal",
    "italian": "Italy", "greek": "Greece", "swiss": "Switzerland", "swedish": "Sweden", "danish": "Denmark",
    "norwegian": "Norway", "finnish": "Finland", "polish": "Poland", "irish": "Ireland", "scottish": "Scotland",
    "welsh": "Wales", "russian": "Russia", "ukrainian": "Ukraine", "turkish": "Turkey", "iraqi": "Iraq",
    "iranian": "Iran", "syrian": "Syria", "saudi": "Saudi Arabia", "israeli": "Israel",
    "palestinian": "Palestine", "lebanese": "Lebanon", "jordanian": "Jordan", "egyptian": "Egypt",
    "libyan": "Libya", "tunisian": "Tunisia", "algerian": "Algeria", "moroccan": "Morocco", "yemeni": "Yemen",
    "qatari": "Qatar", "emirati": "United Arab Emirates", "kuwaiti": "Kuwait", "afghan": "Afghanistan",
    "pakistani": "Pakistan", "indian": "India", "chinese": "China", "japanese": "Japan",
    "north korean": "North Korea", "south korean": "South Korea", "vietnamese": "Vietnam", "thai": "Thailand",
    "filipino": "Philippines", "indonesian": "Indonesia", "australian": "Australia", "canadian": "Canada",
    "mexican": "Mexico", "brazilian": "Brazil", "argentine": "Argentina", "venezuelan": "Venezuela",
    "cuban": "Cuba", "colombian": "Colombia", "chilean": "Chile", "nigerian": "Nigeria", "kenyan": "Kenya",
    "ethiopian": "Ethiopia", "somali": "Somalia", "sudanese": "Sudan", "south african": "South Africa",
    "new zealand": "New Zealand", "european": "European Union", "kurdish": "Kurdistan",
}


# ---------------------------------------------------------------------------------- countries


def country_of(demonym: str, doc: Doc | None = None) -> str | None:
    """'Iraqi' → 'Iraq': from the table, else from a GPE of the article the adjective derives from."""
    key = clean_surface(demonym).casefold()
    if key in DEMONYMS:
        return DEMONYMS[key]
    if doc is not None and len(key) >= 4:
        for ent in entities(doc):
            if ent.label_ != "GPE":
                continue
            name = without_article(ent.text)
            stem = name.casefold()
            # "Tunisian" ← "Tunisia", "Canadian" ← "Canada", "Kenyan" ← "Kenya"
            common = len(_common_prefix(stem, key))
            if " " not in stem and common >= max(4, len(stem) - 1) and len(key) - common <= 3:
                return name
    return None


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


# ---------------------------------------------------------------------------------- finding roles


def role_of_name(ent: Span) -> Role | None:
    """The role a PERSON entity is given next to its name: pre-modifiers or an apposition."""
    doc = ent.doc
    root = ent.root
    start, _ = np_bounds(root)
    pre = [t for t in doc[start : ent.start] if t.dep_ != "det" and not _dropped_punct(t)]
    if pre and any(t.lemma_.lower() in ROLE_NOUNS or t.pos_ == "NOUN" for t in pre):
        return parse_chain(pre, evidence=root.sent.text)
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"} and child.i > ent.end - 1:
            return parse_phrase(child, strip_determiner(doc[child.left_edge.i : child.right_edge.i + 1]))
    if root.dep_ == "appos" and root.head.lemma_.lower() in ROLE_NOUNS:
        head = root.head
        return parse_phrase(head, strip_determiner(doc[np_bounds(head)[0] : head.i + 1]))
    return None


def parse_phrase(head: Token, phrase: Span) -> Role | None:
    """A role noun phrase headed by `head` ("a senior fellow at … Harvard University")."""
    tokens = _cut(head, phrase)
    left = [t for t in tokens if t.i < head.i and not _dropped_punct(t)]
    right = [t for t in tokens if t.i > head.i]
    role = parse_chain([*left, head], evidence=head.sent.text)
    if role is None:
        return None
    tail, org = _prepositional_org(head, right)
    if tail:
        role.title = clean_surface(f"{role.title} {_text(tail)}")
    if org is not None and (role.organization is None or _only_place(left)):
        role.organization = org
    return role


def parse_chain(tokens: Sequence[Token], evidence: str = "") -> Role | None:
    """A flat modifier chain ("coalition spokesman Army Colonel") → title, rank, organisation."""
    chain = [t for t in tokens if not _dropped_punct(t)]
    if not chain:
        return None
    rank_tokens = _rank_run(chain)
    rest = [t for t in chain if t not in rank_tokens]
    rank = _text(rank_tokens) if rank_tokens else None
    qualifiers: list[Token] = []
    while rest and rest[0].lower_.rstrip("-") in QUALIFIERS:
        qualifiers.append(rest.pop(0))
    title_tokens = _title_run(rest)
    org_tokens = [t for t in rest if t not in title_tokens]
    if not title_tokens:
        if rank is None:
            return None
        title = rank  # "Colonel Ryan Dillon": the rank is all the role there is
    else:
        title = _text([*qualifiers, *title_tokens])
    organization = _organisation(org_tokens)
    party = PARTY_MEMBERS.get(title_tokens[-1].lemma_.lower()) if title_tokens else None
    if party is not None and (organization is None or _only_place(org_tokens)):
        organization = party
    return Role(
        title=clean_surface(title),
        organization=organization,
        rank=clean_surface(rank) if rank else None,
        evidence=evidence,
    )


# ---------------------------------------------------------------------------------- pieces


def _cut(head: Token, phrase: Span) -> list[Token]:
    """The phrase up to a relative clause, a comma or a second coordinated role ("… and a co-founder")."""
    end = phrase.end
    for tok in phrase:
        if tok.i <= head.i:
            continue
        if tok.dep_ in {"relcl", "acl"}:
            end = min(end, tok.left_edge.i)
        elif tok.text in {",", ";", "(", "—", "–"} or (tok.dep_ in {"cc", "conj"} and tok.head == head):
            end = min(end, tok.i)
    return [t for t in phrase if t.i < end]


def _dropped_punct(tok: Token) -> bool:
    """Punctuation other than the hyphens inside words ("US-led", "al-Qaeda")."""
    return tok.is_punct and tok.text not in HYPHENS


def _is_rank_word(tok: Token) -> bool:
    return tok.lower_.rstrip(".") in RANK_CORE | RANK_MODIFIERS | SERVICES


def _rank_run(chain: list[Token]) -> list[Token]:
    """The last run of rank words with a capitalised rank in it ("Army Colonel", "Lt. Gen.")."""
    best: list[Token] = []
    run: list[Token] = []
    for tok in [*chain, None]:
        if tok is not None and _is_rank_word(tok) and not _in_named_org(tok):
            run.append(tok)
            continue
        if any(t.lower_.rstrip(".") in RANK_CORE and t.text[:1].isupper() for t in run):
            best = run
        run = []
    return best


def _in_named_org(tok: Token) -> bool:
    """'Major' in "Major League Baseball" belongs to a name, unlike 'Army' tagged ORG alone."""
    if tok.ent_type_ != "ORG":
        return False
    ent = next((e for e in entities(tok.doc) if e.start <= tok.i < e.end), None)
    return ent is not None and any(not _is_rank_word(t) for t in ent if t.pos_ != "DET")


def _is_name_part(tok: Token) -> bool:
    return tok.ent_type_ in {"ORG", "GPE", "NORP", "LOC", "FAC", "PERSON"}


def _title_run(rest: list[Token]) -> list[Token]:
    """The head noun and the title words before it."""
    if not rest:
        return []
    head = rest[-1]
    if head.pos_ not in {"NOUN", "PROPN"} and head.lemma_.lower() not in ROLE_NOUNS:
        return []
    if _is_name_part(head) and head.lemma_.lower() not in ROLE_NOUNS and head.lemma_.lower() not in PARTY_MEMBERS:
        return []  # "Amazon" alone: an organisation, not a title
    run = [head]
    before = rest[:-1]
    for k in range(len(before) - 1, -1, -1):
        tok = before[k]
        # "founder and CEO": a conjunction joins two titles, never a title to an organisation.
        joined = tok.pos_ == "CCONJ" and k > 0 and before[k - 1].lemma_.lower() in ROLE_NOUNS
        if not (joined or _title_word(tok)):
            break
        run.insert(0, tok)
    return run


def _title_word(tok: Token) -> bool:
    """'senior', 'Prime', 'press', 'country' (a plain noun or adjective), but not 'government'
    (an organisation word), 'Iraqi' or 'White House' (names) nor a possessive."""
    lower = tok.lower_
    if lower in TITLE_MODIFIERS or (tok.pos_ == "PROPN" and lower in ROLE_NOUNS) or tok.text == "-":
        return True
    return tok.pos_ in {"NOUN", "ADJ"} and not _is_name_part(tok) and lower not in ORG_NOUNS and tok.tag_ != "POS"


def _organisation(tokens: list[Token]) -> str | None:
    words = [t for t in tokens if not t.is_punct or t.text == "-"]
    if not words:
        return None
    possessive = words[-1].tag_ == "POS" or words[-1].lower_ in {"'s", "’s"}
    if possessive:
        words = words[:-1]
        # "the agency's district supervisor": an anaphoric common noun names no organisation.
        if not any(_is_name_part(t) for t in words):
            return None
    if all(t.ent_type_ == "NORP" or t.lower_ in DEMONYMS for t in words):
        text = _text(words)
        return country_of(text, words[0].doc) or clean_surface(text)
    if not any(t.pos_ in {"NOUN", "PROPN"} for t in words):
        return None  # "three family members": a number or adjective names no organisation
    return clean_surface(without_article(_text(words)))


def _prepositional_org(head: Token, right: list[Token]) -> tuple[list[Token], str | None]:
    """(title words after the head, organisation) from the prepositional phrases after a role noun."""
    if not right:
        return [], None
    doc = head.doc
    positions = {t.i for t in right}
    # The title goes on up to the first preposition that introduces a name ("… fellow at the
    # Bagnoud Center …"); "of electrical engineering and planning" is still the job.
    tail = right
    for k, tok in enumerate(right):
        following = next((t for t in right[k + 1 :] if t.dep_ not in {"det", "poss", "case"}), None)
        if tok.pos_ == "ADP" and following is not None and (following.pos_ == "PROPN" or _is_name_part(following)):
            tail = right[:k]
            break
    for labels, preps in ((ORG_LABELS, ORG_PREPS), (JURISDICTION_LABELS, frozenset({"of"}))):
        for ent in entities(doc):
            if ent.label_ not in labels or ent.start not in positions:
                continue
            prep = next((t for t in reversed(right) if t.i < ent.start and t.pos_ == "ADP"), None)
            if prep is None or prep.lower_ not in preps:
                continue
            return [t for t in tail if t.i < prep.i], clean_surface(without_article(ent.text))
    return tail, None


def _only_place(tokens: list[Token]) -> bool:
    """Whether a pre-modifier organisation is just a place or nationality ("Tunisia country director")."""
    names = [t for t in tokens if _is_name_part(t)]
    return not any(t.ent_type_ == "ORG" or t.lower_ in ORG_NOUNS for t in tokens) and bool(names)


def _text(tokens: Sequence[Token]) -> str:
    """Tokens as written, keeping the article's spacing between them."""
    if not tokens:
        return ""
    out = ""
    for a, b in zip(tokens, [*tokens[1:], None], strict=True):
        out += a.text
        if b is not None:
            # `a.whitespace_` is the text between adjacent tokens; `doc.text` would rebuild the
            # whole article on every call (quadratic on long articles).
            out += a.whitespace_ if b.i == a.i + 1 else " "
    return out.strip()
