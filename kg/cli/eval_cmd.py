"""`kg eval`: precision / recall / F1 of quotation extraction against gold annotations."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kg.cli import command
from kg.cli.options import LimitOption, TableOrJson, format_option
from kg.errors import InputError
from kg.eval import (
    EvalResult,
    ExtractorProvider,
    PredictionsProvider,
    SystemFileProvider,
    evaluate,
    evaluate_docs,
)
from kg.eval.by_rule import RuleReport, print_by_rule, report_dict, tally, trace_misses
from kg.eval.polnear import load_split
from kg.eval.report import print_table, to_dict

OutputFormat = TableOrJson


@command("eval", example="kg eval tests/data/dev --format json")
def eval_cmd(
    gold: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[GOLD_DIR...]",
            help="Directories of NAME.txt + NAME-gold.json pairs, or single NAME-gold.json files.",
            show_default=False,
        ),
    ] = None,
    polnear: Annotated[
        Path | None,
        typer.Option(
            "--polnear",
            metavar="PATH",
            help="Score on the PolNeAR corpus instead: a checkout of github.com/networkdynamics/PolNeAR "
            "or a bare git directory of it (never copied into this project).",
        ),
    ] = None,
    splits: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            metavar="SPLIT",
            help="PolNeAR split(s) to score, each reported on its own: train, dev or test "
            "(default: dev). Tune on train and dev; report test.",
        ),
    ] = None,
    by_rule: Annotated[
        bool,
        typer.Option(
            "--by-rule",
            help="Score each named rule of the extractor on its own, and trace every miss to the "
            "stage that lost it.",
        ),
    ] = False,
    limit: LimitOption = None,
    output_format: Annotated[OutputFormat, format_option("table for people, json for machines.")] = OutputFormat.table,
    system: Annotated[
        Path | None,
        typer.Option(
            "--system",
            metavar="FILE.jsonl",
            help="Score another system's output instead of running ours: JSON lines with "
            "doc (the gold NAME), start, end, text, speaker (and optionally type).",
        ),
    ] = None,
    show_misses: Annotated[
        bool,
        typer.Option(
            "--show-misses/--no-show-misses",
            help="List missed gold quotes, false positives and wrong speakers.",
        ),
    ] = True,
) -> None:
    """Score quotation detection and end-to-end attribution (quote AND speaker) against gold.

    A found quotation matches a gold one when their character spans overlap by at least half of the shorter span (one-to-one, greedy by overlap).  The speaker is right when its normalised name equals, or contains as whole words, one of the gold names.  Per-type recall is by gold type, per-type precision by predicted type.
    """
    if polnear is None and not gold:
        raise InputError("give gold directories or files, or --polnear PATH")
    if polnear is not None and gold:
        raise InputError("give either gold directories or --polnear, not both")
    provider: PredictionsProvider = SystemFileProvider(system) if system is not None else ExtractorProvider()
    if polnear is not None:
        results = {
            split: evaluate_docs(load_split(polnear, split, limit=limit), provider)
            for split in dict.fromkeys(splits or ["dev"])
        }
        _warn_unknown_docs(provider, system, results.values())
        _report_splits(results, output_format, show_misses, by_rule=by_rule)
        return
    result = evaluate(gold or [], provider)

    _warn_unknown_docs(provider, system, [result])
    rules = _rule_report(result, by_rule)
    if output_format is OutputFormat.json:
        payload = to_dict(result, show_misses=show_misses)
        if rules is not None:
            payload["by_rule"] = report_dict(rules)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = _console()
        print_table(result, console, show_misses=show_misses)
        if rules is not None:
            print_by_rule(rules, console)


def _rule_report(result: EvalResult, by_rule: bool) -> RuleReport | None:
    if not by_rule:
        return None
    rules = tally(result)
    trace_misses(rules, result)
    return rules


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=120)  # rich's 80 columns squeeze pipes


def _warn_unknown_docs(provider: PredictionsProvider, system: Path | None, results: Iterable[EvalResult]) -> None:
    """Lines for articles outside the gold set are not errors (a system may have run on more), but
    silently dropping them would hide a misspelt `doc`, so say which were ignored."""
    if not isinstance(provider, SystemFileProvider):
        return
    unknown = sorted(provider.doc_names - {d.doc.name for r in results for d in r.docs})
    if unknown:
        print(
            f"kg: warning: {system}: ignored lines for articles not in the gold set: {', '.join(unknown)}",
            file=sys.stderr,
        )


def _report_splits(
    results: dict[str, EvalResult], output_format: OutputFormat, show_misses: bool, *, by_rule: bool
) -> None:
    rules = {split: _rule_report(r, by_rule) for split, r in results.items()}
    if output_format is OutputFormat.json:
        payload = {split: to_dict(r, show_misses=show_misses) for split, r in results.items()}
        for split, report in rules.items():
            if report is not None:
                payload[split]["by_rule"] = report_dict(report)
        typer.echo(json.dumps({"corpus": "PolNeAR", "splits": payload}, ensure_ascii=False, indent=2))
        return
    console = _console()
    for split, result in results.items():
        console.rule(f"PolNeAR {split}")
        print_table(result, console, show_misses=show_misses)
        report = rules[split]
        if report is not None:
            print_by_rule(report, console)
