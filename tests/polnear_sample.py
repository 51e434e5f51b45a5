"""A tiny made-up corpus in PolNeAR's layout, written at test time (never committed: the real
corpus is news under copyright, and a tree in its layout in the repository reads like it).

Two invented articles, their brat attribution files (two annotators for one) and CoreNLP-style XML
(tokens, PTB tags, NER, basic dependencies, one coreference chain) made with the spaCy model, as
PolNeAR ships for its real articles.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from spacy.language import Language

NER = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "LOCATION", "LOC": "LOCATION"}
# Names the small model does not tag, tagged as CoreNLP would.
PERSON_WORDS = {"Ana", "Ruiz", "Tom", "Hale"}
# Coreference chains of each article: phrases, representative first.
CHAINS = {"ferry-reopens": [["Mayor Ana Ruiz", "she"]], "bridge-repairs": [["Tom Hale", "He"]]}

TEXTS = {
    ('dev', 'ferry-reopens'): 'Mayor Ana Ruiz said the ferry line would reopen in May.\n\n“We are ready for the summer,” she told reporters on Friday.\n\nCritics believe the plan is too costly.\n\nThe pier, the harbour master said, will need new pilings.\n\nIt was reported that the old ferry will be sold.\n',
    ('test', 'bridge-repairs'): 'Engineer Tom Hale said the bridge repairs will take a year.\n\nHe added that traffic would be diverted.\n',
}

# brat standoff files: (split, file name) → content.
ANNOTATIONS = {
    ('dev', 'ferry-reopens_a111.ann'): 'T1\tSource 0 14\tMayor Ana Ruiz\nT2\tCue 15 19\tsaid\nT3\tContent 20 54\tthe ferry line would reopen in May\nT4\tAttribution 15 19\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\nT5\tContent 57 87\t“We are ready for the summer,”\nT6\tSource 88 91\tshe\nT7\tCue 92 96\ttold\nT8\tAttribution 92 96\ttold\nE2\tAttribution:T8 Content:T5 Source:T6 Cue:T7\nT9\tSource 119 126\tCritics\nT10\tCue 127 134\tbelieve\nT11\tContent 135 157\tthe plan is too costly\nT12\tAttribution 127 134\tbelieve\nE3\tAttribution:T12 Source:T9 Cue:T10 Content:T11\nT13\tContent 160 169;195 216\tThe pier, will need new pilings\nT14\tSource 170 188\tthe harbour master\nT15\tCue 189 194\tsaid,\nT16\tAttribution 189 194\tsaid,\nE4\tAttribution:T16 Content:T13 Source:T14 Cue:T15\nT17\tCue 219 234\tIt was reported\nT18\tContent 240 266\tthe old ferry will be sold\nT19\tAttribution-no-source 219 234\tIt was reported\nE5\tAttribution-no-source:T19 Cue:T17 Content:T18\n',
    ('dev', 'ferry-reopens_b222.ann'): 'T1\tSource 0 14\tMayor Ana Ruiz\nT2\tCue 15 19\tsaid\nT3\tContent 20 54\tthe ferry line would reopen in May\nT4\tAttribution 15 19\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n',
    ('test', 'bridge-repairs_a111.ann'): 'T1\tSource 0 17\tEngineer Tom Hale\nT2\tCue 18 22\tsaid\nT3\tContent 23 58\tthe bridge repairs will take a year\nT4\tAttribution 18 22\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\nT5\tSource 61 63\tHe\nT6\tCue 64 69\tadded\nT7\tContent 70 100\tthat traffic would be diverted\nT8\tAttribution 64 69\tadded\nE2\tAttribution:T8 Source:T5 Cue:T6 Content:T7\n',
}


def write_sample(root: Path, nlp: Language) -> Path:
    """Writes the sample under `root` (data/{dev,test}/{text,attributions,corenlp}) and returns `root`."""
    for (split, name), text in TEXTS.items():
        for folder in ("text", "attributions", "corenlp"):
            (root / "data" / split / folder).mkdir(parents=True, exist_ok=True)
        (root / "data" / split / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    for (split, file_name), content in ANNOTATIONS.items():
        (root / "data" / split / "attributions" / file_name).write_text(content, encoding="utf-8")
    for split in ("dev", "test"):
        for text_file in sorted((root / "data" / split / "text").glob("*.txt")):
            text = text_file.read_text(encoding="utf-8")
            doc = nlp(text)
            out = ['<?xml version="1.0" encoding="UTF-8"?>', "<root>", "  <document>", "    <sentences>"]
            sent_of: dict[int, tuple[int, int]] = {}
            for s, sent in enumerate(doc.sents, start=1):
                out.append(f'      <sentence id="{s}">')
                out.append("        <tokens>")
                words = [t for t in sent if not t.is_space]
                index = {t.i: k for k, t in enumerate(words, start=1)}
                for k, t in enumerate(words, start=1):
                    sent_of[t.i] = (s, k)
                    out.append(
                        f'          <token id="{k}"><word>{escape(t.text)}</word><lemma>{escape(t.lemma_)}</lemma>'
                        f"<CharacterOffsetBegin>{t.idx}</CharacterOffsetBegin>"
                        f"<CharacterOffsetEnd>{t.idx + len(t.text)}</CharacterOffsetEnd>"
                        f"<POS>{escape(t.tag_)}</POS><NER>{'PERSON' if t.text in PERSON_WORDS else NER.get(t.ent_type_, 'O')}</NER></token>"
                    )
                out.append("        </tokens>")
                out.append('        <dependencies type="basic-dependencies">')
                for t in words:
                    gov = 0 if t.head.i == t.i else index.get(t.head.i, 0)
                    out.append(
                        f'          <dep type="{t.dep_.lower()}"><governor idx="{gov}">x</governor>'
                        f'<dependent idx="{index[t.i]}">{escape(t.text)}</dependent></dep>'
                    )
                out.append("        </dependencies>")
                out.append("      </sentence>")
            out.append("    </sentences>")
            out.append("    <coreference>")
            for chain in CHAINS.get(text_file.stem, []):
                out.append("      <coreference>")
                for n, phrase in enumerate(chain):
                    start = text.index(phrase)
                    span = doc.char_span(start, start + len(phrase))
                    s, first = sent_of[span[0].i]
                    _, last = sent_of[span[-1].i]
                    _, head = sent_of[span.root.i]
                    rep = ' representative="true"' if n == 0 else ""
                    out.append(
                        f"        <mention{rep}><sentence>{s}</sentence><start>{first}</start>"
                        f"<end>{last + 1}</end><head>{head}</head><text>{escape(phrase)}</text></mention>"
                    )
                out.append("      </coreference>")
            out.append("    </coreference>")
            out.extend(["  </document>", "</root>", ""])
            (root / "data" / split / "corenlp" / f"{text_file.name}.xml").write_text("\n".join(out), encoding="utf-8")
    return root
