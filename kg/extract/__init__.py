"""extract stage: one Article → its Analysis (quotations with resolved speakers, entities).

    >>> from kg.extract import load_nlp, analyse
    >>> analysis = analyse(article, load_nlp())
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.nlp import load_nlp
from kg.extract.quotes import RawQuote, find_quotes
from kg.model import Analysis, Article, Mention, Quotation
from kg.resolve.speakers import ArticleResolver

__all__ = ["analyse", "analyse_many", "load_nlp", "analysis_from_doc"]


def analyse(article: Article, nlp: Language | None = None) -> Analysis:
    nlp = nlp or load_nlp()
    return analysis_from_doc(article, nlp(article.text))


def analyse_many(articles: Iterable[Article], nlp: Language | None = None, batch_size: int = 16) -> Iterator[Analysis]:
    """Streams analyses; spaCy batches the parsing (`nlp.pipe`)."""
    nlp = nlp or load_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield analysis_from_doc(article, doc)


def analysis_from_doc(article: Article, doc: Doc) -> Analysis:
    raw_quotes = find_quotes(doc)
    resolver = ArticleResolver(doc)
    resolved = resolver.resolve_quotes(raw_quotes)
    quotations = [
        _quotation(article.text, raw, speaker, addressee, about)
        for raw, (speaker, addressee, about) in zip(raw_quotes, resolved, strict=True)
    ]
    return Analysis(article=article, quotations=quotations, entities=resolver.entities)


def _quotation(text: str, raw: RawQuote, speaker: str | None, addressee: str | None, about: list[str]) -> Quotation:
    mention = None
    if raw.speaker is not None:
        mention = Mention(raw.speaker.text, raw.speaker.start_char, raw.speaker.end_char)
    return Quotation(
        content=text[raw.start : raw.end],
        start=raw.start,
        end=raw.end,
        type=raw.type,  # type: ignore[arg-type]
        cue=raw.cue.text if raw.cue else None,
        cue_lemma=raw.cue.lemma if raw.cue else None,
        speaker_mention=mention,
        speaker=speaker,
        addressee=addressee,
        addressee_text=raw.addressee.text if raw.addressee is not None else None,
        channel=raw.channel,
        time_text=raw.time_text,
        about=[k for k in about if k != speaker],
        sentence_start=raw.sentence[0],
        sentence_end=raw.sentence[1],
    )
