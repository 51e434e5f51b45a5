"""Word lists the extractor reasons with: reporting verbs, channels, roles, group nouns.

Lists, not rules: every rule that uses them lives in `attribution.py` / `quotes.py`.  Lemmas are
lower-case spaCy lemmas.
"""

from __future__ import annotations

# Verbs that introduce speech or writing (not mental states: think/believe/feel are excluded on
# purpose, the annotation guidelines do not count them as statements).
REPORTING_VERBS: frozenset[str] = frozenset(
    ["say", "tell", "announce", "declare", "add", "insist", "warn", "admit", "vow", "write", "tweet", "state", "claim", "explain", "note", "report", "confirm", "deny", "argue", "suggest", "acknowledge", "assert", "contend", "maintain", "reply", "respond", "answer", "ask", "urge", "predict", "estimate", "caution", "complain", "concede", "recall", "remark", "stress", "emphasize", "emphasise", "testify", "allege", "post", "comment", "disclose", "reveal", "observe", "promise", "pledge", "repeat", "reiterate", "boast", "joke", "mention", "conclude", "counter", "charge", "quip", "retort", "shout", "yell", "scream", "whisper", "murmur", "exclaim", "proclaim", "affirm", "assure", "inform", "advise", "recommend", "describe", "call", "instruct", "order", "demand", "propose", "project", "forecast", "concur", "agree", "complain", "lament", "grumble", "sum", "point", "read", "tell", "text", "email", "blog"]
)

# Verbs that count as reporting only with a particle or a particular complement.
PHRASAL_REPORTING: dict[str, str] = {"sum": "up", "point": "out"}

# "read" reports speech only when a written medium is its subject or object
# ("read the statement", "the sign reads").
READ_MEDIA: frozenset[str] = frozenset(
    ["statement", "sign", "message", "post", "letter", "note", "notice", "release", "tweet", "caption", "text", "banner", "headline", "email"]
)

# Reporting verbs that need a quoted fragment to count ("called X “a disaster”"): without quotes
# they are ordinary verbs ("called a meeting", "described the scene").
NEEDS_QUOTE: frozenset[str] = frozenset({"call", "describe", "agree", "order", "project", "ask", "answer"})

# Channels a statement can be made through; the lemma is recorded as the channel.
CHANNEL_NOUNS: frozenset[str] = frozenset(
    ["tweet", "statement", "interview", "post", "email", "letter", "release", "conference", "speech", "video", "blog", "podcast", "broadcast", "message", "memo", "op-ed", "column", "text", "briefing", "hearing", "testimony", "filing", "report", "announcement"]
)
CHANNEL_PROPER: dict[str, str] = {
    "twitter": "tweet",
    "facebook": "Facebook post",
    "instagram": "Instagram post",
    "x": "post",
}

# Governing verbs that make an embedded reporting verb non-factual ("declined to say",
# "refused to comment", "wanted to say").
NON_FACTUAL_GOVERNORS: frozenset[str] = frozenset(
    ["decline", "refuse", "fail", "want", "hope", "expect", "plan", "intend", "try", "wish", "neglect", "avoid"]
)
MODAL_HYPOTHETICAL: frozenset[str] = frozenset(["would", "could", "might", "may", "should", "must"])

# Nouns whose bare use names an organisation ("Iraq's government", "the Pentagon" is an ORG entity).
ORG_NOUNS: frozenset[str] = frozenset(
    ["government", "military", "administration", "coalition", "ministry", "department", "agency", "company", "police", "army", "navy", "council", "committee", "office", "court", "commission", "board", "bureau", "party", "union", "authority", "firm", "corporation", "parliament", "congress", "senate", "cabinet", "embassy", "consulate", "campaign", "institute", "university", "school", "hospital", "bank", "utility", "organization", "organisation", "group", "foundation", "center", "centre", "team", "club", "league", "federation", "association", "network", "newspaper", "magazine", "channel", "station", "white", "house", "pentagon", "kremlin", "military", "regime", "junta", "tribunal", "prosecutor's"]
)

# Singular nouns that describe a person by role ("the spokesman", "an official").
ROLE_NOUNS: frozenset[str] = frozenset(
    ["spokesman", "spokeswoman", "spokesperson", "official", "minister", "president", "secretary", "director", "chairman", "chairwoman", "chair", "ceo", "chief", "head", "leader", "governor", "mayor", "senator", "representative", "congressman", "congresswoman", "ambassador", "general", "colonel", "commander", "captain", "officer", "lieutenant", "sergeant", "major", "analyst", "expert", "economist", "professor", "researcher", "scientist", "lawyer", "attorney", "prosecutor", "judge", "manager", "founder", "owner", "executive", "adviser", "advisor", "aide", "strategist", "consultant", "fellow", "diplomat", "envoy", "negotiator", "veteran", "photographer", "poster", "witness", "resident", "source", "doctor", "nurse", "teacher", "coach", "player", "chancellor", "premier", "king", "queen", "prince", "pope", "bishop", "priest", "imam", "rabbi", "editor", "reporter", "correspondent", "columnist", "author", "writer", "activist", "organizer", "organiser", "member"]
)

# Titles and honorifics stripped from names when matching people ("Mr. McHugh" = "McHugh").
NAME_TITLES: frozenset[str] = frozenset(
    ["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "prof", "prof.", "sir", "dame", "lord", "lady", "sen", "sen.", "senator", "rep", "rep.", "gov", "gov.", "governor", "president", "vice", "prime", "minister", "secretary", "general", "gen.", "gen", "col", "col.", "colonel", "lt", "lt.", "capt", "capt.", "captain", "maj", "maj.", "major", "sgt", "sgt.", "army", "navy", "admiral", "adm", "adm.", "judge", "justice", "chancellor", "mayor", "rev", "rev.", "father", "sister", "brother", "king", "queen", "prince", "princess", "sheikh", "ayatollah", "pope", "chairman", "ceo"]
)

MALE_HONORIFICS: frozenset[str] = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "father", "brother"})
FEMALE_HONORIFICS: frozenset[str] = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess", "sister"}
)

MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers"})
PLURAL_PRONOUNS: frozenset[str] = frozenset({"they", "them", "we", "us"})
NEUTER_PRONOUNS: frozenset[str] = frozenset({"it"})
PERSONAL_PRONOUNS: frozenset[str] = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | NEUTER_PRONOUNS | {
    "i",
    "me",
    "you",
}

# Quotation marks: opening → closing.  Straight double quotes toggle.
OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
STRAIGHT_MARK = '"'
ALL_MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK
SINGLE_MARKS = "‘’"
