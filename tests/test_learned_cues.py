"""The learned cue step (kg/extract/learned.py, rule `reported-learned`): the shipped model loads,
accepts and rejects made-up sentences as expected, is switched on and off by `learned`, and the
training script (tools/train_cue_model.py) runs on a tiny made-up corpus in PolNeAR's format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.learned import CueModel, cue_model
from kg.extract.quotes import ArticleQuotes, find_quotes

ROOT = Path(__file__).resolve().parent.parent


def learned_quotes(nlp, text: str) -> list[tuple[str, str, str]]:
    """(cue, content, speaker) of the quotations the learned step adds to the rules'."""
    doc = nlp(text)
    return [
        (q.cue.text if q.cue else "", text[q.start : q.end], q.speaker.text if q.speaker is not None else "")
        for q in find_quotes(doc, learned=True)
        if q.rule == "reported-learned"
    ]


def test_the_shipped_model_loads_with_weights_and_a_threshold():
    model = cue_model()
    assert isinstance(model, CueModel)
    assert len(model.weights) > 50
    assert 0.0 < model.threshold < 1.0
    assert model.probability([]) < model.threshold  # a verb with nothing known about it is no cue


ACCEPTED = [
    # (made-up sentence, the cue, a word of the content, a word of the speaker)
    ("Senator Maria Lopez criticized the governor for cutting the school budget by a third.", "criticized", "budget", "Lopez"),
    ("The union accused the ferry company of hiding the cost of the repairs.", "accused", "repairs", "union"),
    ("Mayor Tom Hale called for closing the old pier before the winter storms.", "called", "pier", "Hale"),
]
REJECTED = [
    "The ferry company raised its prices for the summer season on Monday.",
    "Many farmers believe the new dam will protect their fields.",
    "The old bridge needs new steel cables before the winter storms.",
]


@pytest.mark.parametrize(("text", "cue", "content", "speaker"), ACCEPTED, ids=lambda x: str(x)[:30])
def test_the_model_accepts_speech_acts_outside_the_lexicon(nlp, text, cue, content, speaker):
    found = learned_quotes(nlp, text)
    assert any(c == cue and content in q and speaker in s for c, q, s in found), found


@pytest.mark.parametrize("text", REJECTED, ids=lambda x: x[:30])
def test_the_model_rejects_verbs_that_report_no_speech(nlp, text):
    assert learned_quotes(nlp, text) == []


def test_the_step_is_switched_by_learned(nlp):
    doc = nlp(ACCEPTED[0][0])
    assert not [q for q in find_quotes(doc, learned=False) if q.rule == "reported-learned"]
    assert [q for q in find_quotes(doc, learned=True) if q.rule == "reported-learned"]
    # A model that accepts nothing adds nothing.
    never = CueModel(bias=-50.0, weights={}, threshold=0.5)
    assert not [q for q in find_quotes(doc, learned=never) if q.rule == "reported-learned"]


def test_candidates_leave_alone_what_the_rules_found(nlp):
    doc = nlp("The mayor said the ferry would reopen in May, and she praised the crews for their work.")
    article = ArticleQuotes(doc)
    transcript, direct, reported = article.rule_quotes()
    taken = transcript + direct + reported
    cues = [c.cue.text for c in article.learned_candidates(taken)]
    assert "said" not in cues
    for cand in article.learned_candidates(taken):
        assert all(min(cand.end, q.end) <= max(cand.start, q.start) for q in taken)


# A made-up corpus in PolNeAR's layout (text + brat attributions; no CoreNLP files, which the reader
# does without): enough speech and non-speech candidates on each side for the script to run.
TRAIN_TEXT = (
    "Senator Ana Ruiz criticized the governor for cutting the school budget.\n\n"
    "The company raised prices for its customers last year.\n\n"
    "Critics believe the plan is too costly.\n\n"
    "Mayor Tom Hale accused the council of wasting public money on the pier.\n"
)
DEV_TEXT = (
    "Councillor Ben Ode praised the crews for repairing the bridge so quickly.\n\n"
    "The city bought new buses for the northern routes.\n\n"
    "Residents hope the bridge will stay open all winter.\n"
)


def _brat(text: str, relations: list[tuple[str, str, str]]) -> str:
    lines, t = [], 0
    for n, (source, cue, content) in enumerate(relations, start=1):
        ids = []
        for kind, part in (("Source", source), ("Cue", cue), ("Content", content)):
            t += 1
            start = text.index(part)
            lines.append(f"T{t}\t{kind} {start} {start + len(part)}\t{part}")
            ids.append(f"{kind}:T{t}")
        lines.append(f"E{n}\tAttribution:T{t} " + " ".join(ids))
    return "\n".join(lines) + "\n"


def _corpus(root: Path) -> None:
    for split, name, text, relations in (
        ("train", "made-up-train", TRAIN_TEXT, [
            ("Senator Ana Ruiz", "criticized", "the governor for cutting the school budget"),
            ("Critics", "believe", "the plan is too costly"),
            ("Mayor Tom Hale", "accused", "the council of wasting public money on the pier"),
        ]),
        ("dev", "made-up-dev", DEV_TEXT, [
            ("Councillor Ben Ode", "praised", "the crews for repairing the bridge so quickly"),
            ("Residents", "hope", "the bridge will stay open all winter"),
        ]),
    ):  # fmt: skip
        (root / "data" / split / "text").mkdir(parents=True)
        (root / "data" / split / "attributions").mkdir(parents=True)
        (root / "data" / split / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (root / "data" / split / "attributions" / f"{name}_a1.ann").write_text(_brat(text, relations), encoding="utf-8")


@pytest.mark.slow
def test_the_training_script_runs_and_is_deterministic(tmp_path):
    corpus = tmp_path / "corpus"
    _corpus(corpus)
    outputs = []
    for run in (1, 2):
        out = tmp_path / f"model-{run}.json"
        done = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "train_cue_model.py"), str(corpus), "-o", str(out)],
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "candidates: train" in done.stdout
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    model = CueModel.from_json(data)
    assert model.weights and 0 < model.threshold <= 1.0
    # Learned from the two sides of the made-up corpus: "accused … of wasting" is speech, "believe" is not.
    assert model.weights["lemma=believe"] < 0 < model.weights["lemma=accuse"]
