"""`kg eval`: the matching rule, gold loading, scoring of system files, and the CLI output.

Nothing here depends on the extractor's accuracy: predictions come from hand-made system files
(or a stub extractor), so every expected number is computed by hand in the test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kg.errors import InputError
from kg.eval import (
    ExtractorProvider,
    Prediction,
    Score,
    SystemFileProvider,
    evaluate,
    match_spans,
    normalise_name,
    spans_match,
    speaker_matches,
)
from kg.eval.gold import load, load_all, locate
from kg.eval.predict import from_analysis
from kg.model import Analysis, Article, Entity, Mention, Quotation

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_GOLD = ROOT / "tests" / "data" / "sample" / "iraq-troops-gold.json"
DEV_DIR = ROOT / "tests" / "data" / "dev"


# ---------------------------------------------------------------- matching rule


@pytest.mark.parametrize(
    ("gold", "found", "expected"),
    [
        ((0, 10), (5, 20), True),  # overlap 5 = half of the shorter (10)
        ((0, 10), (6, 20), False),  # overlap 4 < 5
        ((0, 9), (5, 30), False),  # overlap 4, shorter 9: 8 < 9
        ((0, 100), (10, 20), True),  # a short span inside a long one overlaps all of itself
        ((0, 10), (10, 20), False),  # touching is not overlapping
        ((0, 10), (0, 10), True),
    ],
)
def test_spans_match_half_of_shorter(gold, found, expected) -> None:
    assert spans_match(gold, found) is expected


def test_match_is_one_to_one_greedy_by_overlap() -> None:
    # One found span qualifies for both gold spans (10 and 13 characters of overlap): the larger wins.
    assert match_spans([(0, 10), (12, 30)], [(0, 25)]) == [(1, 0)]
    # Two found spans for one gold span: the one overlapping most is kept, the other is left over.
    assert match_spans([(0, 20)], [(0, 10), (0, 20)]) == [(0, 1)]
    # Each side is used at most once even when every pair qualifies.
    assert match_spans([(0, 10), (0, 10)], [(0, 10)]) == [(0, 0)]


def test_match_ties_are_broken_by_position_not_input_order() -> None:
    # Both found spans overlap the gold span by 5: the earlier-starting found span wins,
    # whichever order the system listed them in.
    assert match_spans([(0, 10)], [(5, 15), (0, 5)]) == [(0, 1)]
    assert match_spans([(0, 10)], [(0, 5), (5, 15)]) == [(0, 0)]
    # One found span overlaps two gold spans by 5 each: the earlier gold span wins.
    assert match_spans([(10, 20), (0, 10)], [(5, 15)]) == [(1, 0)]


@pytest.mark.parametrize(
    ("found", "gold", "expected"),
    [
        ("the Pentagon", ["Pentagon"], True),
        ("Pentagon", ["The Pentagon"], True),
        ("Iraq’s government", ["Iraq's government"], True),
        ("Iraq's government", ["Iraq’s government"], True),
        ("al - Hadithi", ["al-Hadithi"], True),
        ("Saad  al-\nHadithi", ["saad al-hadithi"], True),
        ("Army Colonel Ryan Dillon", ["Ryan Dillon"], True),  # contains it as whole words
        ("Dillonson", ["Dillon"], False),  # not a whole word
        ("Trump's lawyer", ["Trump"], False),  # a possessive is another word
        ("Ryan", ["Ryan Dillon"], False),  # the found name must contain a gold name, not vice versa
        ("he", ["Patrick McHugh", "McHugh"], False),
        ("McHugh", ["Patrick McHugh", "McHugh"], True),  # any accepted name
        (None, ["Pentagon"], False),
        ("", ["Pentagon"], False),
    ],
)
def test_speaker_rule(found, gold, expected) -> None:
    assert speaker_matches(found, gold) is expected


def test_normalise_name() -> None:
    assert normalise_name("  The   Iraqi\u00a0Government ") == "iraqi government"
    assert normalise_name("al - Hadithi") == "al-hadithi"
    assert normalise_name("An  Army spokesman") == "army spokesman"
    assert normalise_name("Theodore") == "theodore"  # only a whole leading article goes


# ---------------------------------------------------------------- scores


def test_score_ratios_and_missing_denominators() -> None:
    s = Score(gold=10, predicted=8, tp_gold=6, tp_predicted=6)
    assert (s.precision, s.recall) == (0.75, 0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    nothing_found = Score(gold=4, predicted=0)
    assert (nothing_found.precision, nothing_found.recall, nothing_found.f1) == (None, 0.0, 0.0)
    assert Score().f1 is None
    # A per-type slice with hits on the gold side only (system typed nothing as this type).
    assert Score(gold=4, predicted=0, tp_gold=2).f1 is None
    assert Score(1, 2, 1, 1) + Score(3, 4, 2, 2) == Score(4, 6, 3, 3)


# ---------------------------------------------------------------- gold


def test_sample_gold_spans_are_the_content() -> None:
    doc = load(SAMPLE_GOLD)
    assert doc.name == "iraq-troops"
    assert len(doc.quotes) == 10
    assert all(doc.text[q.start : q.end] == q.content for q in doc.quotes)
    assert doc.quotes[0].speakers[0] == "Saad al-Hadithi"
    assert [n.content for n in doc.negatives] == ["where the forces would go"]


def test_dev_gold_without_spans_is_located() -> None:
    docs = load_all([DEV_DIR])
    assert [d.name for d in docs] == sorted(
        p.name.removesuffix("-gold.json") for p in DEV_DIR.glob("*-gold.json")
    )
    for doc in docs:
        for q in doc.quotes:
            assert doc.text[q.start : q.end] == q.content


def test_locate_requires_exactly_one_occurrence() -> None:
    assert locate("he said it and she said it", "she said", where="x") == (15, 23)
    with pytest.raises(InputError, match=r"gold\.json: quote 2: quote occurs more than once.*'said it'"):
        locate("he said it and she said it", "said it", where="gold.json: quote 2")
    with pytest.raises(InputError, match="not found"):
        locate("he said it", "nothing", where="x")


def _write_gold(directory: Path, name: str, text: str, quotes: list[dict]) -> Path:
    (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    gold = directory / f"{name}-gold.json"
    gold.write_text(json.dumps({"id": name, "text_file": f"{name}.txt", "quotes": quotes}), encoding="utf-8")
    return gold


def test_gold_errors_name_the_file_and_quote(tmp_path: Path) -> None:
    quote = {"content": "it rains", "type": "direct", "speaker": ["Ann"]}
    gold = _write_gold(tmp_path, "twice", "Ann said it rains. Bob said it rains.", [quote])
    with pytest.raises(InputError) as err:
        load(gold)
    assert str(gold) in str(err.value) and "quote 1" in str(err.value) and "it rains" in str(err.value)

    bad_span = _write_gold(tmp_path, "span", "Ann said it rains.", [{**quote, "span": [0, 3]}])
    with pytest.raises(InputError, match="span"):
        load(bad_span)

    bad_type = _write_gold(tmp_path, "kind", "Ann said it rains.", [{**quote, "type": "quoted"}])
    with pytest.raises(InputError, match="type"):
        load(bad_type)

    broken = tmp_path / "broken-gold.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken-gold\.json: invalid JSON"):
        load(broken)

    no_text = tmp_path / "orphan-gold.json"
    no_text.write_text(json.dumps({"quotes": []}), encoding="utf-8")
    with pytest.raises(InputError, match=r"orphan-gold\.json: cannot read its article text"):
        load(no_text)

    with pytest.raises(InputError, match="no such gold file or directory"):
        load_all([tmp_path / "missing"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no \\*-gold.json files"):
        load_all([empty])


# ---------------------------------------------------------------- system files, end to end


def _system_file(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _gold_lines(gold_path: Path, speaker_of=lambda q: q.speakers[0]) -> list[dict]:
    doc = load(gold_path)
    return [
        {"doc": doc.name, "start": q.start, "end": q.end, "text": q.content, "speaker": speaker_of(q)}
        for q in doc.quotes
    ]


def test_system_file_with_the_gold_itself_scores_one(tmp_path: Path) -> None:
    docs = load_all([DEV_DIR, SAMPLE_GOLD.parent])
    lines = [
        {
            "doc": d.name,
            "start": q.start,
            "end": q.end,
            "text": q.content,
            "speaker": q.speakers[0],
            "type": q.type,
        }
        for d in docs
        for q in d.quotes
    ]
    result = evaluate(
        [DEV_DIR, SAMPLE_GOLD.parent], SystemFileProvider(_system_file(tmp_path / "s.jsonl", lines))
    )
    for level in (result.overall.detection, result.overall.end_to_end):
        assert (level.precision, level.recall, level.f1) == (1.0, 1.0, 1.0)
    for t, lv in result.by_type.items():
        assert lv.end_to_end.precision == lv.end_to_end.recall == 1.0, t
    assert all(not (d.missed or d.false_positives or d.wrong_speakers) for d in result.docs)


def test_system_file_with_half_the_gold(tmp_path: Path) -> None:
    lines = _gold_lines(SAMPLE_GOLD)[:5]  # 5 of the 10 gold quotes, right speakers
    result = evaluate([SAMPLE_GOLD], SystemFileProvider(_system_file(tmp_path / "s.jsonl", lines)))
    for level in (result.overall.detection, result.overall.end_to_end):
        assert (level.precision, level.recall) == (1.0, 0.5)
        assert level.f1 == pytest.approx(2 / 3)
    assert len(result.docs[0].missed) == 5


def test_system_file_mixed_errors_hand_computed(tmp_path: Path) -> None:
    """10 gold quotes; found: 4 right, 2 with a wrong speaker, 2 false positives, 4 missed.

    detection:  P = 6/8 = 0.75, R = 6/10 = 0.6, F1 = 2·0.75·0.6/1.35 = 2/3
    end-to-end: P = 4/8 = 0.5,  R = 4/10 = 0.4, F1 = 2·0.5·0.4/0.9  = 4/9
    """
    doc = load(SAMPLE_GOLD)
    gold = _gold_lines(SAMPLE_GOLD)
    right = gold[:4]
    # Boundary differences within the rule: quote marks added around, or a few characters lost.
    right[0] = {**right[0], "start": right[0]["start"] + 10}
    wrong = [{**line, "speaker": "CNN"} for line in gold[4:6]]
    false_pos = [{"doc": doc.name, "start": 120, "end": 150}, {"doc": doc.name, "start": 1200, "end": 1250}]
    lines = [{**line, "text": doc.text[line["start"] : line["end"]]} for line in right + wrong + false_pos]
    result = evaluate([SAMPLE_GOLD], SystemFileProvider(_system_file(tmp_path / "s.jsonl", lines)))

    det, e2e = result.overall.detection, result.overall.end_to_end
    assert (det.gold, det.predicted, det.tp_gold, det.tp_predicted) == (10, 8, 6, 6)
    assert (det.precision, det.recall, det.f1) == (0.75, 0.6, pytest.approx(2 / 3))
    assert (e2e.precision, e2e.recall, e2e.f1) == (0.5, 0.4, pytest.approx(4 / 9))
    article = result.docs[0]
    assert [(p.start, p.end) for p in article.false_positives] == [(120, 150), (1200, 1250)]
    assert [w.found.speaker for w in article.wrong_speakers] == ["CNN", "CNN"]
    assert [q.start for q in article.missed] == [q.start for q in doc.quotes[6:]]
    # Per type, recall by gold type: sample gold is 3 direct, 3 mixed, 4 indirect; the system typed
    # nothing, so per-type precision is undefined.
    by_type = result.by_type
    assert by_type["indirect"].detection.gold == 4
    assert by_type["indirect"].detection.tp_gold == sum(1 for q in doc.quotes[:6] if q.type == "indirect")
    assert by_type["direct"].detection.precision is None


def test_per_type_precision_is_by_predicted_type(tmp_path: Path) -> None:
    doc = load(SAMPLE_GOLD)
    first = doc.quotes[0]  # an indirect quote, which the system calls "direct"
    assert first.type == "indirect"
    line = {"doc": doc.name, "start": first.start, "end": first.end, "speaker": "Hadithi", "type": "direct"}
    result = evaluate([SAMPLE_GOLD], SystemFileProvider(_system_file(tmp_path / "s.jsonl", [line])))
    assert result.by_type["direct"].detection.precision == 1.0  # its one "direct" quote matched
    assert result.by_type["direct"].detection.recall == 0.0  # no gold direct quote was found
    assert result.by_type["indirect"].detection.recall == 0.25  # 1 of 4 gold indirect quotes
    assert result.by_type["indirect"].detection.precision is None  # it labelled nothing indirect


def test_false_positive_on_a_gold_negative_says_so(tmp_path: Path) -> None:
    doc = load(SAMPLE_GOLD)
    neg = doc.negatives[0]
    line = {"doc": doc.name, "start": neg.start, "end": neg.end, "speaker": None}
    result = evaluate([SAMPLE_GOLD], SystemFileProvider(_system_file(tmp_path / "s.jsonl", [line])))
    article = result.docs[0]
    assert article.negative_hit(article.false_positives[0]) == "negated: did not say"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"doc": "iraq-troops", "start": 0, "end": 99999}, "start`/`end` must be integers"),
        ({"doc": "iraq-troops", "start": "0", "end": 10}, "start`/`end` must be integers"),
        ({"doc": "iraq-troops", "start": 0, "end": 10, "text": "wrong"}, "`text` differs"),
        ({"doc": "iraq-troops", "start": 0, "end": 10, "type": "quote"}, "`type` must be"),
        ({"start": 0, "end": 10}, "`doc` string"),
    ],
)
def test_system_file_errors_name_file_and_line(tmp_path: Path, line: dict, message: str) -> None:
    path = _system_file(
        tmp_path / "s.jsonl", [{"doc": "iraq-troops", "start": 0, "end": 3, "text": "The"}, line]
    )
    with pytest.raises(InputError, match=f"s.jsonl:2: .*{message}"):
        evaluate([SAMPLE_GOLD], SystemFileProvider(path))


# ---------------------------------------------------------------- our extractor, adapted


def test_analysis_is_converted_with_canonical_speaker_names() -> None:
    text = "Dillon said “we stay,” and the spokesman said more."
    quotes = [
        Quotation(content="we stay,", start=13, end=21, type="direct", speaker="ryan dillon"),
        Quotation(
            content="more",
            start=46,
            end=50,
            type="indirect",
            speaker="unresolved-key",
            speaker_mention=Mention("the spokesman", 26, 39, form="role"),
        ),
        Quotation(content="stay", start=16, end=20, type="direct"),
    ]
    entities = {"ryan dillon": Entity(key="ryan dillon", kind="Person", name="Ryan Dillon")}
    found = from_analysis(Analysis(Article(id="a", text=text), quotes, entities))
    assert [p.speaker for p in found] == ["Ryan Dillon", "the spokesman", None]
    assert found[0] == Prediction(start=13, end=21, text="we stay,", speaker="Ryan Dillon", type="direct")


def test_extractor_provider_calls_analyse_once_per_article(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.analysis
    import kg.nlp

    calls: list[str] = []

    def fake_analyse(article: Article, nlp: object) -> Analysis:
        calls.append(article.id)
        doc = load(SAMPLE_GOLD)
        q = doc.quotes[-1]
        return Analysis(
            article, [Quotation(q.content, q.start, q.end, q.type, speaker_mention=Mention("Hadithi", 0, 7))]
        )

    monkeypatch.setattr(kg.analysis, "analyse", fake_analyse, raising=False)
    monkeypatch.setattr(kg.nlp, "load_nlp", lambda: "nlp", raising=False)
    result = evaluate([SAMPLE_GOLD], ExtractorProvider())
    assert calls == ["iraq-troops"]
    assert result.overall.end_to_end.tp_gold == 1


# ---------------------------------------------------------------- CLI


def _eval_argv(args: list[str]) -> list[str]:
    """`kg` arguments that run `eval ARGS`.

    Typer runs a lone registered command directly (without its name) and makes a group once there
    are several; accept both so these tests do not depend on which other commands exist yet.
    """
    import kg.cli

    command = typer.main.get_command(kg.cli.app)
    return ["eval", *args] if hasattr(command, "commands") else args


def _invoke(args: list[str]):
    """Run `kg eval ARGS` in process."""
    import kg.cli

    return CliRunner().invoke(kg.cli.app, _eval_argv(args))


def test_cli_json_output_shape(tmp_path: Path) -> None:
    lines = _gold_lines(SAMPLE_GOLD)[:5] + [{"doc": "not-in-gold", "start": 0, "end": 1}]
    system = _system_file(tmp_path / "s.jsonl", lines)
    result = _invoke([str(SAMPLE_GOLD), "--system", str(system), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"source", "matching", "overall", "by_type", "articles"}
    score_keys = {"precision", "recall", "f1", "gold", "predicted", "tp_gold", "tp_predicted"}
    assert set(report["overall"]) == {"detection", "end_to_end"}
    assert set(report["overall"]["detection"]) == score_keys
    assert report["overall"]["detection"]["recall"] == 0.5
    assert set(report["by_type"]) == {"direct", "mixed", "indirect"}
    assert set(report["by_type"]["mixed"]["end_to_end"]) == score_keys
    (article,) = report["articles"]
    assert article["name"] == "iraq-troops"
    assert set(article["misses"]) == {"missed", "false_positives", "wrong_speakers"}
    assert len(article["misses"]["missed"]) == 5
    assert {"start", "end", "type", "content", "speakers"} <= set(article["misses"]["missed"][0])
    assert "not-in-gold" in result.stderr  # lines for unknown articles are reported, not scored

    quiet = _invoke([str(SAMPLE_GOLD), "--system", str(system), "--format", "json", "--no-show-misses"])
    assert "misses" not in json.loads(quiet.stdout)["articles"][0]


def test_cli_table_lists_articles_and_misses(tmp_path: Path) -> None:
    lines = [{**line, "speaker": "CNN"} for line in _gold_lines(SAMPLE_GOLD)[:2]]
    system = _system_file(tmp_path / "s.jsonl", lines)
    result = _invoke([str(SAMPLE_GOLD.parent), "--system", str(system)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Per article" in out and "iraq-troops" in out
    assert "8 missed, 0 false positive(s), 2 wrong speaker(s)" in out
    assert "found: CNN; gold: Saad al-Hadithi" in out


def test_cli_invalid_gold_is_one_line_input_error(tmp_path: Path, monkeypatch, capsys) -> None:
    import kg.cli

    bad = tmp_path / "bad-gold.json"
    bad.write_text("[]", encoding="utf-8")
    system = _system_file(tmp_path / "empty.jsonl", [])
    monkeypatch.setattr(sys, "argv", ["kg", *_eval_argv([str(bad), "--system", str(system)])])
    with pytest.raises(SystemExit) as exit_info:
        kg.cli.main()
    assert exit_info.value.code == InputError.exit_code
    err = capsys.readouterr().err.strip()
    assert err == f"kg: error: {bad}: not a gold file: expected an object with a `quotes` list"
