"""resolve stage: mentions → entities within one article (names, roles, pronouns, groups).

`kg.resolve.names` is free of spaCy and cheap to import; `kg.resolve.speakers` needs parsed docs.
"""
