"""One Article → its Analysis: parse, find quotations, resolve speakers (and what hangs off them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.analysis.events import extract_events, link_quotations
from kg.extract.learned import CueModel
from kg.extract.quotes import find_quotes
from kg.model import Analysis, Article, Mention, Quotation
from kg.nlp.found import RawQuote
from kg.nlp.load import load_nlp
from kg.nlp.quotemarks import with_plain_marks
from kg.resolve.aliases import merge_aliases
from kg.resolve.speakers import ArticleResolver, ResolvedQuote
from kg.resolve.timex import normalise_time


def analyse(article: Article, nlp: Language | None = None, learned: bool | CueModel | None = None) -> Analysis:
    nlp = nlp or load_nlp()
    if len(article.text) >= nlp.max_length:
        nlp.max_length = len(article.text) + 1
    return analysis_from_doc(article, nlp(with_plain_marks(article.text)), learned)


def analyse_many(articles: Iterable[Article], nlp: Language | None = None, batch_size: int = 16) -> Iterator[Analysis]:
    """Streams analyses; spaCy batches the parsing (`nlp.pipe`)."""
    nlp = nlp or load_nlp()

    def pairs() -> Iterator[tuple[str, Article]]:
        for article in articles:
            # The reader enforces --max-chars; when a user raised it past spaCy's guard, honour it.
            if len(article.text) >= nlp.max_length:
                nlp.max_length = len(article.text) + 1
            yield with_plain_marks(article.text), article

    for doc, article in nlp.pipe(pairs(), as_tuples=True, batch_size=batch_size):
        yield analysis_from_doc(article, doc)


def analysis_from_doc(article: Article, doc: Doc, learned: bool | CueModel | None = None) -> Analysis:
    """`learned`: the learned cue step on or off (None: the default, see kg.extract.quotes.find_quotes)."""
    raw_quotes = find_quotes(doc, learned)
    resolver = ArticleResolver(doc)
    resolved = resolver.resolve_quotes(raw_quotes)
    quotations = [_quotation(article.text, raw, res) for raw, res in zip(raw_quotes, resolved, strict=True)]
    if doc.text != article.text:  # '' marks were made plain for the parser (same offsets)
        for entity in resolver.entities.values():
            entity.mentions[:] = [replace(m, text=article.text[m.start : m.end]) for m in entity.mentions]
    analysis = Analysis(article=article, quotations=quotations, entities=resolver.entities)
    _knowledge(analysis, doc, resolver)
    return analysis


def _knowledge(analysis: Analysis, doc: Doc, resolver: ArticleResolver) -> None:
    """What surrounds the quotes: events, normalised times, organisation aliases (same Doc, no
    second spaCy pass).  Aliases go last: merging rewrites the keys events and quotations hold."""
    article = analysis.article
    analysis.events = extract_events(doc, resolver, article, analysis.quotations)
    link_quotations(analysis.quotations, analysis.events)
    for q in analysis.quotations:
        q.time_value = normalise_time(q.time_text, article.published, "past")
    merge_aliases(analysis, doc)


def _quotation(text: str, raw: RawQuote, resolved: ResolvedQuote) -> Quotation:
    speaker, addressee, about = resolved.speaker, resolved.addressee, resolved.about
    mention = None
    if raw.speaker is not None:
        # Sliced from the article, not the parsed text: that one has '' marks made plain.
        start, end = raw.speaker.start_char, raw.speaker.end_char
        mention = Mention(text[start:end], start, end)
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
        rule=raw.rule or None,
        speaker_rule=raw.speaker_rule if speaker is not None else None,
        resolution_rule=resolved.resolution_rule if speaker is not None else None,
    )
