"""quotegraph's pipeline annotates exactly like the stock model: the indexed attribute-ruler
matcher finds what spaCy's Matcher finds, and the memoised lemmatizer gives the same lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.nlp import lemma_memo, rule_index
from kg.nlp.load import load_stock_pipeline, paragraph_breaks
from kg.nlp.rule_index import IndexedRuleMatcher
from kg.nlp.syntax import token_indices

DATA = Path(__file__).parent / "data"

# Strings that reach the rarer rules: two-token lemma rules, regexes, expletive "there is",
# contractions, whitespace tokens.
ODD_TEXTS = [
    "Y'all gonna gotta let's c'm on, ain't it? There is nothin' there, y all. There are two.",
    "  \n\n  x \t y\n",
    "He gets it; she got it. I'd have gone, wouldn't you? 'Tis not so, nt.",
    "",
]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("**/*.txt"))]
    return texts + ODD_TEXTS


def test_the_model_uses_the_speedups(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    assert getattr(ruler.match, "__self__", None).__class__ is IndexedRuleMatcher
    assert type(nlp.get_pipe("lemmatizer")).__name__.startswith("Memoised")
    # Every dense layer (both tok2vec encoders, tagger, parser, NER) multiplies through numpy's BLAS.
    for name in ("tok2vec", "tagger", "parser", "ner"):
        nodes = list(nlp.get_pipe(name).model.walk())
        assert nodes and all(node.ops.use_blis is False for node in nodes), name


def test_same_matches_as_spacy_matcher(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    indexed = IndexedRuleMatcher(ruler)
    stock = type(ruler).match  # the class's method, not the instance's replacement
    checked = 0
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        for doc in nlp.pipe(_texts()):
            expected = stock(ruler, doc)
            assert indexed.match(doc) == expected
            checked += len(expected)
    assert checked > 10_000  # every token matches at least the tag-map rule


def test_annotations_equal_the_stock_pipeline(nlp):
    stock_nlp = load_stock_pipeline()
    stock_nlp.add_pipe("paragraph_breaks", before="parser")
    assert "match" not in vars(stock_nlp.get_pipe("attribute_ruler"))
    assert not type(stock_nlp.get_pipe("lemmatizer")).__name__.startswith("Memoised")
    texts = _texts()
    # Twice: the second pass is answered from the lemma memo.
    for ours, theirs in zip(nlp.pipe(texts + texts), stock_nlp.pipe(texts + texts), strict=True):
        assert [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in ours] == [
            (t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in theirs
        ]


def test_custom_patterns_match_like_spacy(nlp):
    """A fresh ruler with every predicate kind the index understands."""
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add_patterns(
        [
            {"patterns": [[{"LOWER": {"IN": ["he", "she"]}}, {"LOWER": {"REGEX": "^sa"}}]], "attrs": {"POS": "VERB"}, "index": 1},
            {"patterns": [[{"LOWER": {"NOT_IN": ["the", ""]}}]], "attrs": {"LEMMA": "x"}},
            {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE"}},
            {"patterns": [[{"LOWER": "the"}], [{"LOWER": "a"}]], "attrs": {"POS": "DET"}},
        ]
    )
    indexed = IndexedRuleMatcher(ruler)
    for text in ["He said the thing, she sang a song.  \n", "the the a", ""]:
        doc = blank(text)
        assert indexed.match(doc) == type(ruler).match(ruler, doc)


def test_unsupported_patterns_keep_the_stock_matcher():
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LOWER": "a", "OP": "+"}]], "attrs": {"POS": "DET"}}])
    assert rule_index.install(blank) is False
    assert "match" not in vars(ruler)
    ruler.add_patterns([{"patterns": [[{"MORPH": {"IS_SUPERSET": ["Number=Sing"]}}]], "attrs": {"POS": "X"}}])
    with pytest.raises(rule_index.Unsupported):
        IndexedRuleMatcher(ruler)


def test_lemma_memo_leaves_other_lemmatizers_alone():
    blank = spacy.blank("en")
    blank.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert lemma_memo.install(blank) is False
    assert lemma_memo.install(spacy.blank("en")) is False


def _breaks_token_by_token(doc):
    """The sentence starts paragraph_breaks must set, found the plain way (one Token per word)."""
    return [t.i + 1 for t in doc[:-1] if "\n" in t.text or t.text_with_ws.endswith("\n")]


def test_paragraph_breaks_mark_the_token_after_every_line_break(nlp):
    texts = _texts() + ["\nLead\n\n\nBody said.\r\nMore\n", "no break at all", "end\n", "\n"]
    for text in texts:
        doc = nlp.make_doc(text)
        expected = _breaks_token_by_token(doc)
        paragraph_breaks(doc)
        assert [t.i for t in doc if t.is_sent_start and t.i > 0] == expected, text[:40]


def test_token_indices_match_a_token_scan(nlp):
    doc = nlp("He said, according to Reuters, that the vote was held. According to her, nothing.\nIt ended.")
    verbs_and_according = [t.i for t in doc if t.pos_ in {"VERB", "AUX"} or t.lower_ == "according"]
    assert token_indices(doc, pos=("VERB", "AUX"), lower=("according",)) == verbs_and_according
    assert len(verbs_and_according) >= 5
    assert token_indices(doc, pos=("NOUN",)) == [t.i for t in doc if t.pos_ == "NOUN"]
    assert token_indices(doc) == []
