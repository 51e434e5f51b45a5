"""Reporting cues and what hangs off them: speaker, addressee, channel.

A cue is a reporting verb ("said", "told", "tweeted", "summed up") or "according to".  Everything
here reads the dependency parse of one cue; `quotes.py` decides which text the cue reports.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.lexicon import (
    CHANNEL_NOUNS,
    CHANNEL_PROPER,
    COMMITMENT_CUES,
    MODAL_HYPOTHETICAL,
    NEEDS_QUOTE,
    NON_FACTUAL_GOVERNORS,
    PHRASAL_REPORTING,
    QUESTION_MARKERS,
    READ_MEDIA,
    REPORTING_VERBS,
    REQUEST_CUES,
)
from kg.nlp.found import Cue
from kg.nlp.lexicon import ORG_NOUNS, ROLE_NOUNS
from kg.nlp.syntax import np_span

# A cue's subjects: nominal, active or passive, and clausal (kg.analysis.events reads the nominal ones only).
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
ADDRESSEE_VERBS = frozenset(
    {"tell", "inform", "assure", "advise", "instruct", "warn", "ask", "urge", "remind"}
)
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


# The parts of speech a reporting verb is tagged with; "according (to)" is the one other cue.
CUE_POS = ("VERB", "AUX")


def cue_at(token: Token) -> Cue | None:
    """The cue starting at `token`, or None when the token does not report speech."""
    lemma = token.lemma_.lower()
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        return Cue(token, "according to", "according to", False)
    if token.pos_ not in CUE_POS or lemma not in REPORTING_VERBS:
        return None
    if lemma in PHRASAL_REPORTING:
        particle = PHRASAL_REPORTING[lemma]
        if not any(c.dep_ == "prt" and c.lower_ == particle for c in token.children):
            return None
        return Cue(token, f"{token.text} {particle}", f"{lemma} {particle}", False)
    if lemma == "read" and not _reads_a_medium(token):
        return None
    if lemma == "call" and _calls_on_someone(token):
        return Cue(token, f"{token.text} on", "call on", False)
    needs_quote = lemma in NEEDS_QUOTE and not _licensed_complement(token, lemma)
    return Cue(token, token.text, lemma, needs_quote)


def _calls_on_someone(token: Token) -> bool:
    """ "called on Trump to stop …": a request, unlike "called on Monday"."""
    on = any(c.dep_ == "prep" and c.lower_ == "on" and any(g.dep_ == "pobj" for g in c.children) for c in token.children)
    return on and infinitive_of(token) is not None


def _licensed_complement(token: Token, lemma: str) -> bool:
    """A cue that needs a quoted fragment in general reports speech without one when its
    complement says so: "agreed that …", "ordered that …", "asked whether …", "urged X to …"."""
    for child in token.children:
        if child.dep_ != "ccomp":
            continue
        marks = {c.lower_ for c in child.children if c.dep_ in {"mark", "advmod", "nsubj", "dobj"}}
        if any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
            return True
        if lemma == "ask" and (marks & QUESTION_MARKERS or child.left_edge.lower_ in QUESTION_MARKERS):
            return True
    return lemma in COMMITMENT_CUES | REQUEST_CUES and infinitive_of(token) is not None


def infinitive_of(token: Token) -> Token | None:
    """The to-infinitive the verb governs ("vowed to lift", "urged Republicans to join")."""
    for child in token.children:
        if child.dep_ == "xcomp" and child.i > token.i and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in child.children
        ):
            return child
    return None


def request_addressee(token: Token) -> Token | None:
    """Who is asked in "urged Republicans to …" (object) or "called on Trump to …" (on-object)."""
    for child in token.children:
        if child.dep_ in {"dobj", "dative"}:
            return child
        if child.dep_ == "prep" and child.lower_ == "on":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _reads_a_medium(token: Token) -> bool:
    return any(c.dep_ in SUBJECT_DEPS | {"dobj"} and c.lemma_.lower() in READ_MEDIA for c in token.children)


def is_factual(cue: Token) -> bool:
    """False for negated or hypothetical speech: "did not say", "would say", "declined to say"."""
    if cue.lower_ == "according":
        return True
    for child in cue.children:
        if child.dep_ == "neg" and not _across_punctuation(child, cue):
            return False
        if child.dep_ == "aux" and child.lower_ in MODAL_HYPOTHETICAL:
            return False
        if child.dep_ == "mark" and child.lower_ in {"if", "whether", "unless"}:
            return False
    head = cue
    while head.dep_ in {"xcomp", "conj"} and head.head.i != head.i:
        if head.dep_ == "xcomp" and head.head.lemma_.lower() in NON_FACTUAL_GOVERNORS:
            return False
        if head.dep_ == "conj" and any(c.dep_ == "nsubj" for c in head.children):
            break  # a conjoined verb with its own subject is its own statement
        head = head.head
        if head.dep_ != "conj" and any(c.dep_ == "neg" for c in head.children) and cue.dep_ == "xcomp":
            return False
    return True


def _across_punctuation(child: Token, cue: Token) -> bool:
    """True when punctuation stands between the two tokens: the parser hung a word of the quote
    ("“Probably not,” Ms. Moore said") on the cue, which does not negate the saying."""
    low, high = sorted((child.i, cue.i))
    return any(t.is_punct for t in child.doc[low + 1 : high])


def speaker_head(cue: Cue) -> Token | None:
    """The head token of the speaker phrase, following the parse.  A written medium standing in
    for its author ("the statement said", "according to a report by X") gives way to the author."""
    return speaker_head_with_rule(cue)[0]


def speaker_head_with_rule(cue: Cue) -> tuple[Token | None, str | None]:
    """speaker_head and the name of the speaker rule that found it (kg.rules)."""
    head, rule = _speaker_or_medium(cue)
    if head is None:
        return None, None
    owner = medium_owner(head)
    return owner, ("medium-author" if owner.i != head.i else rule)


def _speaker_or_medium(cue: Cue) -> tuple[Token | None, str | None]:
    token = cue.token
    if cue.lemma == "according to":
        for to in token.children:
            if to.lower_ == "to":
                objects = [c for c in to.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0], "according-to-object"
        return None, None
    if cue.lemma == "read":
        medium = next((c for c in token.children if c.lemma_.lower() in READ_MEDIA), None)
        if medium is not None:
            return medium, "medium-author"
    if any(c.dep_ == "auxpass" for c in token.children):
        # Passive ("has been described as … by the department"): the agent speaks, if named.
        agent = passive_agent(token)
        if agent is None:
            return None, None
        objects = [c for c in agent.children if c.dep_ == "pobj"]
        return (objects[0], "passive-agent") if objects else (None, None)
    subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS and c.dep_ != "csubj"]
    if subjects:
        subject, rule = subjects[0], "subject"
        after = [c for c in subjects if c.i > token.i]
        if len(subjects) > 1 and after and token.i > 0 and token.doc[token.i - 1].is_punct:
            # ", say economists," — an inverted parenthetical: the subject after the cue speaks,
            # the one before belongs to the interrupted clause.
            subject, rule = after[0], "inverted-subject"
        if subject.lower_ in RELATIVE_PRONOUNS and token.dep_ == "relcl":
            return token.head, "relative-antecedent"
        return subject, rule
    # "…, saying …" / "… and added …": the subject belongs to the governing verb.
    if (
        token.dep_ == "acl"
        and token.head.pos_ in {"NOUN", "PROPN"}
        and token.head.lemma_.lower() not in READ_MEDIA
    ):
        return token.head, "participle-head"  # "The leader of Ennahda …, saying …"
    if token.dep_ in {"conj", "advcl", "xcomp"} and token.head.i != token.i:
        head = token.head
        subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            return subjects[0], "governing-subject"
    return None, None


def is_medium(token: Token) -> bool:
    return token.lemma_.lower() in READ_MEDIA | CHANNEL_NOUNS and token.pos_ == "NOUN"


def medium_owner(head: Token) -> Token:
    """`Operation Inherent Resolve's statement` → Resolve; `a statement from the ministry` →
    ministry; `the coalition statement` → coalition.  Anything else is its own speaker."""
    if not is_medium(head):
        return head
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ in {"PROPN", "NOUN"}:
            return child
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in {"from", "by", "of"}:
            objects = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in {"PROPN", "NOUN"}]
            if objects:
                return objects[0]
    for child in head.children:
        # "the coalition statement", "the Kremlin statement" — but "news reports" has no author.
        if child.dep_ == "compound" and (child.pos_ == "PROPN" or child.lemma_.lower() in ORG_NOUNS):
            return child
    return head


def passive_agent(token: Token) -> Token | None:
    """The by-phrase of a passive cue; the parser sometimes hangs it under the object
    ("described as “a betrayal” by the union")."""
    for tok in token.subtree:
        if tok.i > token.i and (tok.dep_ == "agent" or tok.lower_ == "by" and tok.dep_ == "prep"):
            return tok
    return None


def speaker_phrase(head: Token) -> Span:
    """The noun phrase of the speaker (with its possessor: "Iraq's government")."""
    if head.dep_ == "poss" and head.head.lemma_.lower() in READ_MEDIA | {"statement"}:
        # "Operation Inherent Resolve's statement": the owner of the statement speaks.
        span = np_span(head)
        end = span.end
        while end < len(head.doc) and head.doc[end].dep_ == "case":
            end += 1
        return head.doc[span.start : span.end]
    return with_apposition(np_span(head))


def with_apposition(span: Span) -> Span:
    """Extend a speaker phrase over its apposition ("the leader of Ennahda, Rachid Ghannouchi,"),
    so the resolver can find the name inside a role description."""
    head = span.root
    end = span.end
    candidates = [c for c in head.rights if c.dep_ == "appos"]
    for prep in (c for c in head.rights if c.dep_ == "prep"):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            candidates.extend(c for c in obj.rights if c.dep_ == "appos")
    for appos in candidates:
        left, right = np_span(appos).start, np_span(appos).end
        if left - end <= 6:
            end = max(end, right)
    return head.doc[span.start : end]


def addressee_head(cue: Cue, content_tokens: set[int]) -> Token | None:
    token = cue.token
    if cue.lemma in REQUEST_CUES and infinitive_of(token) is not None:
        asked = request_addressee(token)
        if asked is not None and asked.i not in content_tokens:
            return asked
    if cue.lemma in ADDRESSEE_VERBS:
        for child in token.children:
            if child.dep_ in {"dobj", "dative", "iobj"} and child.i not in content_tokens:
                return child
    for child in token.children:
        if child.dep_ in {"prep", "dative"} and child.lower_ == "to" and cue.lemma != "according to":
            objects = [c for c in child.children if c.dep_ == "pobj" and c.i not in content_tokens]
            if objects and _can_be_addressed(objects[0]):
                return objects[0]
    return None


def _can_be_addressed(token: Token) -> bool:
    """ "said to reporters", "wrote to Smith" — but not "summed it up at the fish counter"."""
    if token.pos_ in {"PROPN", "PRON"}:
        return True
    return token.pos_ == "NOUN" and (token.tag_ == "NNS" or token.lemma_.lower() in ROLE_NOUNS)


def channel_of(tokens: list[Token]) -> str | None:
    """A channel named among the attribution's tokens ("in a tweet", "in a statement", "on Twitter")."""
    for tok in tokens:
        lemma = tok.lemma_.lower()
        if tok.pos_ in {"NOUN", "PROPN"} and lemma in CHANNEL_NOUNS:
            if lemma == "conference" and tok.i > 0 and tok.doc[tok.i - 1].lower_ in {"news", "press"}:
                return f"{tok.doc[tok.i - 1].lower_} conference"
            if lemma == "release" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "press":
                return "press release"
            return lemma
        if tok.pos_ == "PROPN" and tok.lower_ in CHANNEL_PROPER:
            return CHANNEL_PROPER[tok.lower_]
    if any(t.lemma_.lower() == "tweet" for t in tokens):
        return "tweet"
    return None


def cue_channel(cue: Cue) -> str | None:
    """Channel from the cue's own prepositional phrases and subject ("the statement said")."""
    tokens: list[Token] = []
    for child in cue.token.children:
        if child.dep_ == "prep" and child.lower_ in {"in", "on", "via", "through", "during", "at"}:
            tokens.extend(child.subtree)
        elif child.dep_ in SUBJECT_DEPS | {"dobj"} and child.lemma_.lower() in CHANNEL_NOUNS:
            tokens.append(child)
    if cue.lemma == "tweet":
        return "tweet"
    medium, _ = _speaker_or_medium(cue)
    if medium is not None and is_medium(medium):
        tokens.insert(0, medium)
    return channel_of(tokens)
