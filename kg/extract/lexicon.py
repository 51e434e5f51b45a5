"""Word lists only the extractor reasons with: reporting verbs, channels, cue classes.

Lists, not rules: every rule that uses them lives in `attribution.py` / `quotes.py`.  Lemmas are
lower-case spaCy lemmas.  Lists resolution reads too are in kg.nlp.lexicon; name titles in
kg.nlp.names; pronoun classes in kg.resolve.lexicon.
"""

from __future__ import annotations

# Verbs that introduce speech or writing (not mental states: think/believe/feel are excluded on
# purpose, the annotation guidelines do not count them as statements).
REPORTING_VERBS: frozenset[str] = frozenset(
    [
        "say",
        "tell",
        "announce",
        "declare",
        "add",
        "insist",
        "warn",
        "admit",
        "vow",
        "threaten",
        "swear",
        "encourage",
        "implore",
        "write",
        "tweet",
        "state",
        "claim",
        "explain",
        "note",
        "report",
        "confirm",
        "deny",
        "argue",
        "suggest",
        "acknowledge",
        "assert",
        "contend",
        "maintain",
        "reply",
        "respond",
        "answer",
        "ask",
        "urge",
        "predict",
        "estimate",
        "caution",
        "complain",
        "concede",
        "recall",
        "remark",
        "stress",
        "emphasize",
        "emphasise",
        "testify",
        "allege",
        "post",
        "comment",
        "disclose",
        "reveal",
        "observe",
        "promise",
        "pledge",
        "repeat",
        "reiterate",
        "boast",
        "joke",
        "mention",
        "conclude",
        "counter",
        "charge",
        "quip",
        "retort",
        "shout",
        "yell",
        "scream",
        "whisper",
        "murmur",
        "exclaim",
        "proclaim",
        "affirm",
        "assure",
        "inform",
        "advise",
        "recommend",
        "describe",
        "call",
        "instruct",
        "order",
        "demand",
        "propose",
        "project",
        "forecast",
        "concur",
        "agree",
        "complain",
        "lament",
        "grumble",
        "sum",
        "point",
        "read",
        "tell",
        "text",
        "email",
        "blog",
    ]
)

# Verbs that count as reporting only with a particle or a particular complement.
PHRASAL_REPORTING: dict[str, str] = {"sum": "up", "point": "out"}

# "read" reports speech only when a written medium is its subject or object
# ("read the statement", "the sign reads").
READ_MEDIA: frozenset[str] = frozenset(
    [
        "statement",
        "sign",
        "message",
        "post",
        "letter",
        "note",
        "notice",
        "release",
        "tweet",
        "caption",
        "text",
        "banner",
        "headline",
        "email",
    ]
)

# Reporting verbs that need a quoted fragment to count ("called X “a disaster”"): without quotes
# they are ordinary verbs ("called a meeting", "described the scene").
NEEDS_QUOTE: frozenset[str] = frozenset({"call", "describe", "agree", "order", "project", "ask", "answer"})

# Cues that report a commitment with a to-infinitive ("vowed to lift the rules"): the infinitive
# clause is what was said.
COMMITMENT_CUES: frozenset[str] = frozenset({"vow", "pledge", "promise", "threaten", "swear", "agree", "offer"})

# Cues that report a request to someone ("urged Republicans to join", "called on Trump to stop",
# "told his advisers to find a way"): the addressee is the object, the infinitive what was asked.
REQUEST_CUES: frozenset[str] = frozenset(
    {"urge", "call on", "ask", "tell", "order", "warn", "encourage", "implore", "instruct", "advise", "beg", "press"}
)

# What a question reports: "asked whether the deals …", "asked how Clinton could …".
QUESTION_MARKERS: frozenset[str] = frozenset({"whether", "if", "how", "why", "what", "who", "when", "where", "which"})

# Channels a statement can be made through; the lemma is recorded as the channel.
CHANNEL_NOUNS: frozenset[str] = frozenset(
    [
        "tweet",
        "statement",
        "interview",
        "post",
        "email",
        "letter",
        "release",
        "conference",
        "speech",
        "video",
        "blog",
        "podcast",
        "broadcast",
        "message",
        "memo",
        "op-ed",
        "column",
        "text",
        "briefing",
        "hearing",
        "testimony",
        "filing",
        "report",
        "announcement",
    ]
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
    [
        "decline",
        "refuse",
        "fail",
        "want",
        "hope",
        "expect",
        "plan",
        "intend",
        "try",
        "wish",
        "neglect",
        "avoid",
    ]
)
MODAL_HYPOTHETICAL: frozenset[str] = frozenset(["would", "could", "might", "may", "should", "must"])
