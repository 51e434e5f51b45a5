"""Train the learned cue step (kg/extract/learned.py) on PolNeAR train, choose its threshold on dev,
and write the weights the package ships (kg/resources/cue-model.json).

    .venv/bin/python tools/train_cue_model.py PATH/TO/PolNeAR --cache /tmp/cue-cache

Candidates are what `ArticleQuotes.learned_candidates` proposes after the rules have run: verbs
outside the reporting-verb lexicon with a clausal complement.  A candidate is a positive example
when a gold attribution of a *speech* cue has its cue on that verb and its content matches the
complement (the matching rule of `kg eval`); a candidate matching a non-speech attribution
("believes that …") is a negative one, as is a candidate matching nothing; one matching gold that
`kg eval` leaves unscored (no source) is left out.

The model is scikit-learn's LogisticRegression (L2, L-BFGS) over binary features; its
regularisation is chosen on dev by average precision over the candidates.  The threshold is
chosen on dev end to end — the whole extractor with the step on, scored by `kg eval`'s rules on
speech cues — as the one with the best F1 whose quotation precision stays at or above
--min-precision and whose own quotations (rule `reported-learned`) are right end to end at least
--min-rule-precision of the time: a wrong speaker is worse than no quotation.  The test split is
never read.  Same data, same output (a deterministic solver, features in sorted order, weights rounded).

scikit-learn is a training dependency only (installed by `make install` for the tests); the
package applies the weights in plain Python.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

from kg.analysis import analysis_from_doc  # noqa: E402
from kg.eval.gold import GoldDoc  # noqa: E402
from kg.eval.match import spans_match  # noqa: E402
from kg.eval.polnear import load_split  # noqa: E402
from kg.eval.predict import from_analysis  # noqa: E402
from kg.eval.score import EvalResult, score_doc  # noqa: E402
from kg.extract.learned import CueModel  # noqa: E402
from kg.extract.quotes import ArticleQuotes  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.nlp.quotemarks import with_plain_marks  # noqa: E402

OUT = ROOT / "kg" / "resources" / "cue-model.json"
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.30 + 0.05 * k, 2) for k in range(14))  # 0.30 … 0.95
WORD = re.compile(r"\w+")


@dataclass
class Candidate:
    doc: str
    start: int
    end: int
    cue: str
    features: list[str]
    label: int


def parsed(root: Path, split: str, nlp: Language | None, cache: Path | None) -> list[tuple[GoldDoc, Doc]]:
    """The gold articles of a split with their spaCy parses (read from / written to `cache`)."""
    gold_path = cache / f"{split}-gold.pickle" if cache else None
    if gold_path is not None and gold_path.exists():
        golds = pickle.loads(gold_path.read_bytes())
    else:
        golds = load_split(root, split)
        if gold_path is not None:
            gold_path.parent.mkdir(parents=True, exist_ok=True)
            gold_path.write_bytes(pickle.dumps(golds))
    if nlp is None:
        from kg.nlp import load_nlp

        nlp = load_nlp()
    path = cache / f"{split}-{len(golds)}.spacy" if cache else None
    if path is not None and path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in docs] == [with_plain_marks(g.text) for g in golds]:
            return list(zip(golds, docs, strict=True))
    docs = list(nlp.pipe((with_plain_marks(g.text) for g in golds), batch_size=16))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin()
        for doc in docs:
            bin_.add(doc)
        bin_.to_disk(path)
    return list(zip(golds, docs, strict=True))


def label_of(gold: GoldDoc, start: int, end: int, cue_text: str) -> int | None:
    """1 when a speech attribution has its cue on this verb and its content matches; None when the
    candidate matches gold that is not scored; else 0."""
    label = 0
    for quote in gold.quotes:
        if not spans_match((quote.start, quote.end), (start, end)):
            continue
        if not quote.scored:
            label = None if label == 0 else label
            continue
        if quote.speech and cue_text in WORD.findall(quote.cue or ""):
            return 1
    return label


def candidates(pairs: list[tuple[GoldDoc, Doc]]) -> Iterator[Candidate]:
    for gold, doc in pairs:
        article = ArticleQuotes(doc)
        transcript, direct, reported = article.rule_quotes()
        for cand in article.learned_candidates(transcript + direct + reported):
            label = label_of(gold, cand.start, cand.end, cand.cue.token.text)
            if label is not None:
                yield Candidate(gold.name, cand.start, cand.end, cand.cue.lemma, sorted(cand.features), label)


def fit(train: list[Candidate], c: float) -> CueModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform([dict.fromkeys(c.features, 1) for c in train])
    y = [c.label for c in train]
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000).fit(x, y)
    weights = {
        name: round(float(w), 6)
        for name, w in zip(vectoriser.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 1e-6
    }
    return CueModel(round(float(model.intercept_[0]), 6), dict(sorted(weights.items())), 0.5)


def average_precision(model: CueModel, cands: list[Candidate]) -> float:
    from sklearn.metrics import average_precision_score

    if not any(c.label for c in cands):
        return 0.0
    return float(average_precision_score([c.label for c in cands], [model.probability(c.features) for c in cands]))


def end_to_end(pairs: list[tuple[GoldDoc, Doc]], model: CueModel | bool) -> tuple[EvalResult, tuple[int, int]]:
    """The speech-cue scores of the extractor with `model` (False: rules only), and of the learned
    rule's own quotations: (counted, right end to end)."""
    results = []
    counted = right = 0
    for gold, doc in pairs:
        analysis = analysis_from_doc(Article(id=gold.name, text=gold.text), doc, learned=model)
        result = score_doc(gold, from_analysis(analysis))
        results.append(result)
        speech_gold = {(p.found.start, p.found.end): p for p in result.pairs}
        for found in from_analysis(analysis):
            if found.rule != "reported-learned":
                continue
            pair = speech_gold.get((found.start, found.end))
            if pair is not None and not (pair.gold.scored and pair.gold.speech):
                continue  # matched gold the speech slice leaves out: neither right nor wrong
            counted += 1
            right += int(pair is not None and pair.speaker_ok)
    return EvalResult(results), (counted, right)


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path, help="a PolNeAR checkout or bare git directory")
    parser.add_argument("--cache", type=Path,
                        help="folder for the read and parsed splits (outside the repository; delete it when the corpus changes)")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    parser.add_argument("--train-split", default="train")
    parser.add_argument("--dev-split", default="dev")
    parser.add_argument("--min-precision", type=float, default=0.95, help="speech quotation precision on dev")
    parser.add_argument("--min-rule-precision", type=float, default=0.80,
                        help="end-to-end precision of the learned rule's own quotations on dev")
    args = parser.parse_args()
    if "test" in (args.train_split, args.dev_split):
        parser.error("the test split is for the reported number only: never train or tune on it")

    from kg.nlp import load_nlp

    nlp = load_nlp()
    train_pairs = parsed(args.polnear, args.train_split, nlp, args.cache)
    dev_pairs = parsed(args.polnear, args.dev_split, nlp, args.cache)
    train, dev = list(candidates(train_pairs)), list(candidates(dev_pairs))
    print(f"candidates: train {len(train)} ({sum(c.label for c in train)} speech), "
          f"dev {len(dev)} ({sum(c.label for c in dev)} speech)")
    if len({c.label for c in train}) < 2:
        sys.exit("train_cue_model: the training split needs both speech and non-speech candidates")

    best_c, best_ap = C_GRID[0], -1.0
    for c in C_GRID:
        ap = average_precision(fit(train, c), dev)
        print(f"C={c}: dev average precision {ap:.3f}")
        if ap > best_ap + 1e-9:
            best_c, best_ap = c, ap
    model = fit(train, best_c)

    rules, _ = end_to_end(dev_pairs, False)
    s = rules.speech
    print(f"rules only: speech P {_f(s.detection.precision)} e2e P/R/F1 "
          f"{_f(s.end_to_end.precision)} {_f(s.end_to_end.recall)} {_f(s.end_to_end.f1)}")
    chosen, chosen_f1 = 1.0, s.end_to_end.f1 or 0.0
    for threshold in THRESHOLDS:
        trial = CueModel(model.bias, model.weights, threshold)
        result, (counted, right) = end_to_end(dev_pairs, trial)
        sp = result.speech
        rule_p = right / counted if counted else None
        print(f"threshold {threshold:.2f}: speech P {_f(sp.detection.precision)} e2e F1 {_f(sp.end_to_end.f1)} "
              f"learned quotations {counted}, right {right}")
        ok = (sp.detection.precision or 0) >= args.min_precision and (rule_p is None or rule_p >= args.min_rule_precision)
        # Ties go to the higher threshold: the same F1 with fewer quotations at stake.
        if ok and (sp.end_to_end.f1 or 0) >= chosen_f1 - 1e-9:
            chosen, chosen_f1 = threshold, sp.end_to_end.f1 or 0.0
    print(f"C={best_c}, threshold {chosen:.2f} (1.0: nothing passes; dev speech e2e F1 {chosen_f1:.3f})")
    data = {
        "about": "Learned cue step of quotegraph (kg/extract/learned.py), written by tools/train_cue_model.py "
        f"from PolNeAR {args.train_split}; threshold chosen on {args.dev_split}.",
        "C": best_c,
        "bias": model.bias,
        "threshold": chosen,
        "weights": model.weights,
    }
    args.out.write_text(json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(model.weights)} weights)")


if __name__ == "__main__":
    main()
