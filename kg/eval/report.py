"""Presenting an EvalResult: rich tables for people, a JSON document for machines.

Both carry the same numbers; misses (missed gold quotes, false positives, wrong speakers) are
included when asked for, because they are what a developer reads to see *why* a score is low.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from kg.eval.gold import QUOTE_TYPES, GoldQuote
from kg.eval.predict import Prediction
from kg.eval.score import DocResult, EvalResult, Levels, Pair, Score

MATCHING_RULE = (
    "a found quotation matches a gold one when their character spans overlap by at least half of the "
    "shorter span, one-to-one, greedy by overlap; the speaker is right when its normalised name equals "
    "or contains as whole words one of the gold names"
)


# ---------------------------------------------------------------- JSON


def score_dict(score: Score) -> dict[str, Any]:
    return {
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
        "gold": score.gold,
        "predicted": score.predicted,
        "tp_gold": score.tp_gold,
        "tp_predicted": score.tp_predicted,
    }


def levels_dict(levels: Levels) -> dict[str, Any]:
    return {"detection": score_dict(levels.detection), "end_to_end": score_dict(levels.end_to_end)}


def _gold_quote(q: GoldQuote) -> dict[str, Any]:
    return {
        "start": q.start,
        "end": q.end,
        "type": q.type,
        "content": q.content,
        "speakers": list(q.speakers),
    }


def _found(p: Prediction) -> dict[str, Any]:
    return {"start": p.start, "end": p.end, "type": p.type, "text": p.text, "speaker": p.speaker}


def misses_dict(doc: DocResult) -> dict[str, Any]:
    return {
        "missed": [_gold_quote(q) for q in doc.missed],
        "false_positives": [{**_found(p), "negative": doc.negative_hit(p)} for p in doc.false_positives],
        "wrong_speakers": [
            {"gold": _gold_quote(w.gold), "found": _found(w.found)} for w in doc.wrong_speakers
        ],
    }


def to_dict(result: EvalResult, *, show_misses: bool = True) -> dict[str, Any]:
    """The machine-readable report; ratios are null where their denominator is zero."""
    articles = []
    for doc in result.docs:
        entry: dict[str, Any] = {
            "name": doc.doc.name,
            "gold_file": str(doc.doc.gold_path),
            "text_file": str(doc.doc.text_path),
            **levels_dict(doc.overall),
        }
        if show_misses:
            entry["misses"] = misses_dict(doc)
        articles.append(entry)
    out: dict[str, Any] = {
        "source": result.source,
        "matching": MATCHING_RULE,
        "overall": levels_dict(result.overall),
        "by_type": {t: levels_dict(lv) for t, lv in result.by_type.items()},
    }
    if result.has_speech_slice:
        out["speech_cues"] = levels_dict(result.speech)
    if result.has_mention_kinds:
        out["speaker_accuracy_by_mention"] = {
            kind: {"matched": t.matched, "right": t.right, "accuracy": t.accuracy}
            for kind, t in result.by_mention.items()
        }
    unscored = sum(1 for d in result.docs for q in d.doc.quotes if not q.scored)
    if unscored or result.has_speech_slice:
        out["unscored_gold"] = unscored
    out["articles"] = articles
    return out


def to_json(result: EvalResult, *, show_misses: bool = True) -> str:
    return json.dumps(to_dict(result, show_misses=show_misses), ensure_ascii=False, indent=2)


# ---------------------------------------------------------------- tables


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _clip(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_table(result: EvalResult, console: Console, *, show_misses: bool = True) -> None:
    """Overall, per-type and per-article tables, then the misses of each article."""
    overall = result.overall
    console.print(
        f"Evaluated {result.source or 'predictions'} on {len(result.docs)} article(s): "
        f"{overall.detection.gold} gold quotations, {overall.detection.predicted} found.",
        markup=False,
        highlight=False,
    )

    table = Table(title="Overall (micro-averaged)", title_justify="left")
    for col in ("level", "P", "R", "F1", "matched/gold", "matched/found"):
        table.add_column(col, justify="left" if col == "level" else "right")
    for name, s in (("detection", overall.detection), ("end-to-end", overall.end_to_end)):
        table.add_row(
            name,
            _num(s.precision),
            _num(s.recall),
            _num(s.f1),
            f"{s.tp_gold}/{s.gold}",
            f"{s.tp_predicted}/{s.predicted}",
        )
    console.print(table)

    if result.has_speech_slice:
        _print_speech(result, console)

    table = Table(title="By type (recall by gold type, precision by predicted type)", title_justify="left")
    for col in ("type", "gold", "det R", "e2e R", "found", "det P", "e2e P", "det F1", "e2e F1"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for qtype in QUOTE_TYPES:
        lv = result.by_type[qtype]
        d, e = lv.detection, lv.end_to_end
        table.add_row(
            qtype, str(d.gold), _num(d.recall), _num(e.recall), str(d.predicted),
            _num(d.precision), _num(e.precision), _num(d.f1), _num(e.f1),
        )  # fmt: skip
    console.print(table)

    if result.has_mention_kinds:
        table = Table(title="Speaker accuracy by how the gold source is mentioned", title_justify="left")
        for col in ("mention", "matched", "speaker right", "accuracy"):
            table.add_column(col, justify="left" if col == "mention" else "right")
        for kind, tally in result.by_mention.items():
            table.add_row(kind, str(tally.matched), str(tally.right), _num(tally.accuracy))
        console.print(table)

    table = Table(title="Per article", title_justify="left")
    for col in ("article", "gold", "found", "det P", "det R", "det F1", "e2e P", "e2e R", "e2e F1"):
        table.add_column(col, justify="left" if col == "article" else "right")
    for doc in result.docs:
        d, e = doc.overall.detection, doc.overall.end_to_end
        table.add_row(
            doc.doc.name, str(d.gold), str(d.predicted), _num(d.precision), _num(d.recall), _num(d.f1),
            _num(e.precision), _num(e.recall), _num(e.f1),
        )  # fmt: skip
    console.print(table)

    if show_misses:
        for doc in result.docs:
            _print_misses(doc, console)


def _print_speech(result: EvalResult, console: Console) -> None:
    unscored = sum(1 for d in result.docs for q in d.doc.quotes if not q.scored)
    speech = result.speech
    table = Table(
        title="Speech cues only (said, told, wrote …; not believes, shows, wants); "
        f"{unscored} gold relation(s) without a usable source left unscored",
        title_justify="left",
    )
    for col in ("level", "P", "R", "F1", "matched/gold", "matched/found"):
        table.add_column(col, justify="left" if col == "level" else "right")
    for name, s in (("detection", speech.detection), ("end-to-end", speech.end_to_end)):
        table.add_row(
            name, _num(s.precision), _num(s.recall), _num(s.f1), f"{s.tp_gold}/{s.gold}",
            f"{s.tp_predicted}/{s.predicted}",
        )  # fmt: skip
    console.print(table)


def _print_misses(doc: DocResult, console: Console) -> None:
    wrong = doc.wrong_speakers
    if not (doc.missed or doc.false_positives or wrong):
        return
    lines = [
        f"{doc.doc.name}: {len(doc.missed)} missed, {len(doc.false_positives)} false positive(s), "
        f"{len(wrong)} wrong speaker(s)"
    ]
    for q in doc.missed:
        lines.append(
            f"  missed       {q.start}-{q.end} [{q.type}] “{_clip(q.content)}” — gold speaker: {q.speakers[0]}"
        )
    for p in doc.false_positives:
        why = doc.negative_hit(p)
        note = f" (gold negative: {why})" if why else ""
        lines.append(
            f"  false pos.   {p.start}-{p.end} “{_clip(p.text)}” — speaker: {p.speaker or '—'}{note}"
        )
    for w in wrong:
        lines.append(_wrong_line(w))
    console.print("\n" + "\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def _wrong_line(w: Pair) -> str:
    return (
        f"  wrong spkr.  {w.gold.start}-{w.gold.end} [{w.gold.type}] “{_clip(w.gold.content)}” — "
        f"found: {w.found.speaker or '—'}; gold: {' | '.join(w.gold.speakers)}"
    )
