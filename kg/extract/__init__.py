"""extract stage: a parsed article → the quotations it holds, each with its cue and the spaCy
spans of its speaker and addressee (kg.nlp.found.RawQuote), not yet resolved to entities.

The whole analysis of an article (extraction, then resolution) is kg.analysis.
"""
