"""Names as text (no spaCy): surface cleaning, the identity key of a name, titles and honorifics.

Read by resolution (clustering names within an article), the graph (an entity's key), and the
corpus identities.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Titles and honorifics stripped from names when matching people ("Mr. McHugh" = "McHugh").
NAME_TITLES: frozenset[str] = frozenset(
    [
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "miss",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "sir",
        "dame",
        "lord",
        "lady",
        "sen",
        "sen.",
        "senator",
        "rep",
        "rep.",
        "gov",
        "gov.",
        "governor",
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "general",
        "gen.",
        "gen",
        "col",
        "col.",
        "colonel",
        "lt",
        "lt.",
        "capt",
        "capt.",
        "captain",
        "maj",
        "maj.",
        "major",
        "sgt",
        "sgt.",
        "army",
        "navy",
        "admiral",
        "adm",
        "adm.",
        "judge",
        "justice",
        "chancellor",
        "mayor",
        "rev",
        "rev.",
        "father",
        "sister",
        "brother",
        "king",
        "queen",
        "prince",
        "princess",
        "sheikh",
        "ayatollah",
        "pope",
        "chairman",
        "ceo",
        "councilman",
        "councilwoman",
        "councillor",
        "councilor",
        "congressman",
        "congresswoman",
        "assemblyman",
        "assemblywoman",
        "commissioner",
        "superintendent",
        "sheriff",
        "detective",
        "officer",
        "supt",
        "coach",
        "dean",
        "ambassador",
        "speaker",
        "spokesman",
        "spokeswoman",
        "premier",
        "chief",
        "rabbi",
        "imam",
        "bishop",
        "cardinal",
        "archbishop",
        "reverend",
        "pastor",
        "attorney",
        "delegate",
        "alderman",
        "alderwoman",
    ]
)

MALE_HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mr.", "sir", "lord", "king", "prince", "father", "brother"}
)
FEMALE_HONORIFICS: frozenset[str] = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess", "sister"}
)

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_POSSESSIVE = re.compile(r"(?:'s|')$")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


# Pure string functions called tens of thousands of times per hundred articles on a few
# thousand distinct names: memoised.
@functools.lru_cache(maxsize=1 << 16)
def clean_surface(name: str) -> str:
    """Surface form as displayed: NFKC, single spaces, no possessive, no spaces around hyphens."""
    name = unicodedata.normalize("NFKC", name).strip()
    name = re.sub(r"\s*-\s*", "-", name)
    name = re.sub(r"\s+", " ", name)
    name = (
        _POSSESSIVE.sub("", name.translate(_APOSTROPHES))
        if name.translate(_APOSTROPHES).endswith(("'s", "'"))
        else name
    )
    return name.strip(" ,.;:")


@functools.lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Identity key of a name: case-folded, straight apostrophes, no leading article."""
    name = clean_surface(name).translate(_APOSTROPHES).casefold()
    return _LEADING_ARTICLE.sub("", name).strip()


# Words a headline glues to a name that the tagger then reads as part of it ("Obama Says …",
# "Trump Slams …", "Obama Speech"): never the last word of a person's name.
NOT_NAME_ENDINGS = frozenset(
    (
        "says", "said", "tells", "told", "slams", "blasts", "warns", "urges", "vows", "calls",
        "asks", "claims", "denies", "admits", "praises", "defends", "rips", "hits", "mocks",
        "backs", "endorses", "responds", "speech", "statement", "interview", "tweet", "tweets",
        "remarks", "rally", "campaign",
    )
)


def strip_titles(name: str) -> tuple[str, list[str]]:
    """'Mr. McHugh' → ('McHugh', ['Mr.']); 'Obama Says' → ('Obama', []); keeps at least one word."""
    words = name.split()
    titles: list[str] = []
    while len(words) > 1 and words[0].lower() in NAME_TITLES:
        titles.append(words.pop(0))
    while len(words) > 1 and words[-1].lower() in NOT_NAME_ENDINGS:
        words.pop()
    return " ".join(words), titles


def gender_of_titles(titles: list[str]) -> str | None:
    lowered = {t.lower() for t in titles}
    if lowered & MALE_HONORIFICS:
        return "m"
    if lowered & FEMALE_HONORIFICS:
        return "f"
    return None


def without_article(text: str) -> str:
    return _LEADING_ARTICLE.sub("", clean_surface(text))
