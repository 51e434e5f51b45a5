"""`kg eval --by-rule`: each named rule of the extractor (kg.rules) scored on its own.

* Quotation rules: how many quotations each found, how many match a gold quotation (precision)
  and how many of those have the right speaker.
* Speaker and resolution rules: of the matched quotations each one attributed, how many speakers
  are right.
* Every miss is traced through the extractor's stages to the one that lost it ("the cue is not a
  reporting verb", "no reported clause", "no speaker" …), and every false positive names its rule.

Quotations matched to gold the scorer leaves out (no source given) count for nothing here either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.eval.gold import GoldQuote
from kg.eval.score import EvalResult
from kg.rules import QUOTATION_RULES, RESOLUTION_RULES, SPEAKER_RULES


@dataclass
class RuleTally:
    found: int = 0  # quotations the rule produced (quotation rules) or attributed (the others)
    matched: int = 0  # of those, matched to a gold quotation
    right: int = 0  # of the matched, with the right speaker

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None

    @property
    def speaker_accuracy(self) -> float | None:
        return self.right / self.matched if self.matched else None


@dataclass
class RuleReport:
    quotation: dict[str, RuleTally] = field(default_factory=dict)
    speaker: dict[str, RuleTally] = field(default_factory=dict)
    resolution: dict[str, RuleTally] = field(default_factory=dict)
    false_positives: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    miss_examples: dict[str, list[tuple[str, GoldQuote]]] = field(default_factory=dict)


NO_RULE = "(none recorded)"


def tally(result: EvalResult) -> RuleReport:
    """Per-rule counts of one evaluation (misses are left to `trace_misses`)."""
    report = RuleReport(
        quotation={r.name: RuleTally() for r in QUOTATION_RULES},
        speaker={r.name: RuleTally() for r in SPEAKER_RULES},
        resolution={r.name: RuleTally() for r in RESOLUTION_RULES},
    )
    for doc in result.docs:
        unscored = {(p.found.start, p.found.end) for p in doc.pairs if not p.gold.scored}
        for pair in doc.pairs:
            if not pair.gold.scored:
                continue
            for table, rule in (
                (report.quotation, pair.found.rule),
                (report.speaker, pair.found.speaker_rule),
                (report.resolution, pair.found.resolution_rule),
            ):
                entry = table.setdefault(rule or NO_RULE, RuleTally())
                entry.found += 1
                entry.matched += 1
                entry.right += int(pair.speaker_ok)
        for found in doc.false_positives:
            if (found.start, found.end) in unscored:
                continue
            report.quotation.setdefault(found.rule or NO_RULE, RuleTally()).found += 1
            report.false_positives[found.rule or NO_RULE] += 1
    return report


def trace_misses(report: RuleReport, result: EvalResult, nlp: object | None = None) -> None:
    """Run the extractor's stages again on each article with misses and record where each miss
    was lost (see `why_missed`)."""
    from kg.extract.quotes import ArticleQuotes
    from kg.nlp import load_nlp
    from kg.nlp.quotemarks import with_plain_marks

    nlp = nlp or load_nlp()
    for doc in result.docs:
        if not doc.missed:
            continue
        parsed = nlp(with_plain_marks(doc.doc.text))  # type: ignore[operator]
        article = ArticleQuotes(parsed)
        direct = article.direct_quotes()
        for gold in doc.missed:
            reason = why_missed(article, direct, gold)
            report.misses[reason] += 1
            report.miss_examples.setdefault(reason, []).append((doc.doc.name, gold))


def why_missed(article: object, direct: list, gold: GoldQuote) -> str:  # type: ignore[type-arg]
    """The stage at which the extractor lost a gold quotation, from its cue."""
    from kg.extract.attribution import cue_at, is_factual, speaker_head
    from kg.extract.lexicon import REPORTING_VERBS

    doc = article.doc  # type: ignore[attr-defined]
    words = set((gold.cue or "").split())
    near = [
        t for t in doc
        if gold.start - 300 <= t.idx < gold.end + 300 and t.text in words
        and (t.pos_ in {"VERB", "AUX"} or t.lower_ == "according")
    ]  # fmt: skip
    if not near:
        return "direct quote left unattributed" if gold.type == "direct" else "no verb in the cue"
    token = min(near, key=lambda t: min(abs(t.idx - gold.start), abs(t.idx - gold.end)))
    cue = cue_at(token)
    if cue is None:
        lemma = token.lemma_.lower()
        return "cue not a reporting verb" if lemma not in REPORTING_VERBS else "cue needs a particle or complement"
    if not is_factual(token):
        return "cue negated or hypothetical"
    if gold.type == "direct":
        return "direct quote not attributed to its cue"
    content = article._reported_content(cue)  # type: ignore[attr-defined]
    if content is None:
        return "no reported clause for the cue"
    (start, end), _ = content
    if not article._acceptable_content(cue, start, end, direct):  # type: ignore[attr-defined]
        return "reported clause rejected (short, verbless or a direct quote)"
    if speaker_head(cue) is None:
        return "no speaker beside the cue"
    shared = min(end, gold.end) - max(start, gold.start)
    if 2 * shared < min(end - start, gold.end - gold.start):
        return "clause found with other boundaries"
    return "found, then merged into another quotation"


def rows(table: dict[str, RuleTally]) -> Iterable[tuple[str, RuleTally]]:
    return ((name, t) for name, t in table.items() if t.found)


def report_dict(report: RuleReport) -> dict[str, object]:
    def entries(table: dict[str, RuleTally]) -> dict[str, dict[str, object]]:
        return {
            name: {
                "found": t.found, "matched": t.matched, "speaker_right": t.right,
                "precision": t.precision, "speaker_accuracy": t.speaker_accuracy,
            }
            for name, t in rows(table)
        }  # fmt: skip

    return {
        "quotation_rules": entries(report.quotation),
        "speaker_rules": entries(report.speaker),
        "resolution_rules": entries(report.resolution),
        "false_positives_by_rule": dict(report.false_positives.most_common()),
        "misses_by_stage": dict(report.misses.most_common()),
    }


def print_by_rule(report: RuleReport, console: object, *, examples: int = 3) -> None:
    """Rich tables of the report, then the commonest miss stages with a few examples each."""
    from rich.table import Table

    def num(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    for title, table, cols in (
        ("Quotation rules (precision: matched/found)", report.quotation, ("found", "matched", "precision", "speaker right")),
        ("Speaker rules (of matched quotations)", report.speaker, ("matched", "speaker right", "accuracy")),
        ("Resolution rules (of matched quotations)", report.resolution, ("matched", "speaker right", "accuracy")),
    ):
        out = Table(title=title, title_justify="left")
        out.add_column("rule")
        for col in cols:
            out.add_column(col, justify="right")
        for name, t in rows(table):
            if cols[0] == "found":
                out.add_row(name, str(t.found), str(t.matched), num(t.precision), f"{t.right}")
            else:
                out.add_row(name, str(t.matched), str(t.right), num(t.speaker_accuracy))
        console.print(out)  # type: ignore[attr-defined]
    if report.misses:
        out = Table(title="Where the misses were lost", title_justify="left")
        out.add_column("stage")
        out.add_column("misses", justify="right")
        out.add_column("for example")
        for stage, count in report.misses.most_common():
            shown = "; ".join(
                f"{name}: {q.cue or '—'} “{_clip(q.content)}”" for name, q in report.miss_examples[stage][:examples]
            )
            out.add_row(stage, str(count), shown)
        console.print(out)  # type: ignore[attr-defined]
    if report.false_positives:
        line = ", ".join(f"{rule} {n}" for rule, n in report.false_positives.most_common())
        console.print(f"False positives by rule: {line}", markup=False, highlight=False)  # type: ignore[attr-defined]


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
