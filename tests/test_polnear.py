"""The PolNeAR reader and `kg eval --polnear`, on a made-up sample in PolNeAR's layout.

tests/polnear_sample.py writes two invented articles with brat attribution files and CoreNLP-style
XML at test time; nothing in PolNeAR's layout is committed, and the real corpus never enters the project.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from polnear_sample import write_sample

from kg.errors import InputError
from kg.eval import Prediction, score_doc
from kg.eval.gold import GoldDoc, GoldQuote
from kg.eval.polnear import load_split


@pytest.fixture(scope="module")
def sample(tmp_path_factory, nlp) -> Path:
    """The made-up sample in PolNeAR's layout (tests/polnear_sample.py), written once per module."""
    return write_sample(tmp_path_factory.mktemp("polnear") / "polnear-sample", nlp)


def by_content(docs: list[GoldDoc]) -> dict[str, GoldQuote]:
    return {q.content: q for d in docs for q in d.quotes}


def test_reader_turns_attribution_relations_into_gold_quotes(sample):
    docs = load_split(sample, "dev")
    assert [d.name for d in docs] == ["ferry-reopens"]
    quotes = by_content(docs)
    # The first annotator (a111) is read: all five relations, not b222's one.
    assert len(quotes) == 5
    ruiz = quotes["the ferry line would reopen in May"]
    assert (ruiz.type, ruiz.mention_kind, ruiz.speech, ruiz.scored) == ("indirect", "name", True, True)
    assert "Mayor Ana Ruiz" in ruiz.speakers and "Ana Ruiz" in ruiz.speakers
    direct = quotes["“We are ready for the summer,”"]
    assert direct.type == "direct" and direct.mention_kind == "pronoun"
    # A pronoun is scored against its coreference chain's names, never against "she" itself.
    assert "Mayor Ana Ruiz" in direct.speakers and "she" not in direct.speakers
    assert quotes["the plan is too costly"].speech is False  # "believe": a mental state


def test_reported_speech_interrupted_by_its_attribution_is_one_quote(sample):
    quotes = by_content(load_split(sample, "dev"))
    pier = quotes["The pier, the harbour master said, will need new pilings"]
    assert pier.mention_kind == "description" and "harbour master" in pier.speakers


def test_a_relation_without_source_is_unscored(sample):
    quotes = by_content(load_split(sample, "dev"))
    assert quotes["the old ferry will be sold"].scored is False


def test_unscored_gold_counts_neither_for_nor_against():
    text = "It was reported that the old ferry will be sold."
    gold = GoldQuote("the old ferry will be sold", 21, 47, "indirect", ("(no source)",), scored=False)
    doc = GoldDoc("d", Path("d.json"), Path("d.txt"), text, (gold,))
    result = score_doc(doc, [Prediction(21, 47, gold.content, speaker="reports", type="indirect")])
    assert (result.overall.detection.gold, result.overall.detection.predicted) == (0, 0)
    assert result.false_positives == [] and result.missed == []


def test_speech_slice_leaves_out_non_speech_gold_and_what_matched_it():
    text = "Critics believe the plan is too costly."
    gold = GoldQuote("the plan is too costly", 16, 38, "indirect", ("Critics",), speech=False)
    doc = GoldDoc("d", Path("d.json"), Path("d.txt"), text, (gold,))
    result = score_doc(doc, [Prediction(16, 38, gold.content, speaker="Critics", type="indirect")])
    assert result.overall.end_to_end.tp_gold == 1
    assert (result.speech.detection.gold, result.speech.detection.predicted) == (0, 0)


def test_reader_reads_a_bare_git_directory(tmp_path, sample):
    work = tmp_path / "work"
    shutil.copytree(sample, work)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "sample"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(tmp_path / "bare.git")], check=True)
    from_git = load_split(tmp_path / "bare.git", "dev")
    from_dir = load_split(sample, "dev")
    assert [(q.start, q.end, q.speakers) for q in from_git[0].quotes] == [
        (q.start, q.end, q.speakers) for q in from_dir[0].quotes
    ]


def test_reader_rejects_what_is_not_polnear(tmp_path, sample):
    with pytest.raises(InputError, match="not a PolNeAR checkout"):
        load_split(tmp_path, "dev")
    with pytest.raises(InputError, match="split must be one of"):
        load_split(sample, "validation")
    with pytest.raises(InputError, match="no PolNeAR articles in split 'train'"):
        load_split(sample, "train")


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, check=False)


def test_cli_reports_each_split_with_speech_and_mention_kinds(sample):
    done = kg("eval", "--polnear", str(sample), "--split", "dev", "--split", "test", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["splits"]) == {"dev", "test"}
    dev = report["splits"]["dev"]
    assert dev["unscored_gold"] == 1
    assert dev["speech_cues"]["end_to_end"]["gold"] == 3  # believe and the sourceless one left out
    assert dev["speaker_accuracy_by_mention"]["pronoun"]["matched"] == 1
    assert report["splits"]["test"]["overall"]["end_to_end"]["tp_gold"] == 2  # "He added that …" too


def test_cli_bad_polnear_input_is_one_line_exit_2(tmp_path, sample):
    for args in (["--polnear", str(tmp_path)], ["--polnear", str(sample), "--split", "nope"], []):
        done = kg("eval", *args)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("kg: error:")


def test_by_rule_names_the_rule_of_each_find_and_the_stage_of_each_miss(sample):
    done = kg("eval", "--polnear", str(sample), "--split", "dev", "--by-rule", "--format", "json")
    assert done.returncode == 0, done.stderr
    rules = json.loads(done.stdout)["splits"]["dev"]["by_rule"]
    found = rules["quotation_rules"]
    # The sample's tail quote, its "said that" clause and its clause interrupted by the attribution.
    assert {"direct-tail", "reported-clause", "reported-interrupted"} <= set(found)
    assert sum(r["found"] for r in found.values()) == sum(r["found"] for r in rules["speaker_rules"].values())
    assert rules["resolution_rules"]["pronoun"]["speaker_right"] == 1
    # "Critics believe the plan is too costly": a non-speech cue, traced to the stage that dropped it.
    assert rules["misses_by_stage"] == {"cue not a reporting verb": 1}
    table = kg("eval", "--polnear", str(sample), "--split", "dev", "--by-rule")
    assert "Where the misses were lost" in table.stdout and "reported-interrupted" in table.stdout


def test_a_brat_span_text_running_over_a_line_break_is_read(tmp_path):
    """brat writes the text of a span that crosses a line break over two lines; the second line is
    no annotation of its own (PolNeAR train has such a file)."""
    text = "The mayor said the ferry\nThe new line would open in May.\n"
    (tmp_path / "data" / "dev" / "text").mkdir(parents=True)
    (tmp_path / "data" / "dev" / "attributions").mkdir(parents=True)
    (tmp_path / "data" / "dev" / "text" / "made-up.txt").write_text(text, encoding="utf-8")
    ann = (
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\n"
        "T3\tContent 15 56\tthe ferry\nThe new line would open in May\n"
        "T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
    )
    (tmp_path / "data" / "dev" / "attributions" / "made-up_a1.ann").write_text(ann, encoding="utf-8")
    (doc,) = load_split(tmp_path, "dev")
    assert [q.cue for q in doc.quotes] == ["said"]
    assert doc.quotes[0].content.startswith("the ferry")
