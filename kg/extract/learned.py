"""A learned step where the rules stop: is this verb outside the lexicon a cue of reported speech?

The rules (kg.extract.quotes) only take a verb as a cue when its lemma is in the reporting-verb
lexicon.  News reports speech with many more verbs ("lashed out that …", "hinted that …",
"signalled that …"), and with as many that take the same clauses but report no speech ("believes
that …", "hopes to …", "showed that …").  For a verb the lexicon rejects but which has a clausal
complement (ccomp, or a to-infinitive for commitments), `cue_features` describes its parse and
`CueModel` — a logistic regression trained on PolNeAR train by `tools/train_cue_model.py` — gives
the probability that it reports speech.  Candidates above the model's threshold (chosen on PolNeAR
dev for precision) become quotations of the rule `reported-learned`.

The weights ship in `kg/resources/cue-model.json` (feature → weight) and are applied here in plain
Python, so the run time needs no machine-learning library and nothing is downloaded.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Token

from kg.extract.lexicon import REPORTING_VERBS
from kg.nlp.lexicon import ORG_NOUNS, ROLE_NOUNS

MODEL_RESOURCE = "cue-model.json"
MODAL_WORDS = frozenset({"will", "would", "could", "should", "might", "may", "can", "must"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})


@dataclass(frozen=True)
class CueModel:
    """A linear model over binary features: P(speech) = sigmoid(bias + Σ weight of each feature)."""

    bias: float
    weights: dict[str, float]
    threshold: float  # the lowest probability accepted as speech

    def probability(self, features: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def accepts(self, features: list[str]) -> bool:
        return self.probability(features) >= self.threshold

    @classmethod
    def from_json(cls, data: dict) -> CueModel:  # type: ignore[type-arg]
        return cls(float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()}, float(data["threshold"]))


@functools.lru_cache(maxsize=1)
def cue_model() -> CueModel:
    """The model shipped in the package."""
    text = resources.files("kg.resources").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return CueModel.from_json(json.loads(text))


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def cue_features(
    cue: Token, complement: Token, kind: str, subject: Token, content: str, paragraph: int, lexical: bool
) -> list[str]:
    """Binary features of one candidate: the verb (`lexical`: a reporting verb of the lexicon whose
    complement the rules did not take), its complement (`kind` "ccomp", "xcomp" or "object", whose
    first dependent is `complement`), its subject (the would-be speaker), and where it stands.
    Names are `group=value`."""
    lemma = cue.lemma_.lower()
    children = list(cue.children)
    comp_children = list(complement.children)
    mark = next((c.lower_ for c in comp_children if c.dep_ == "mark"), "none")
    aux = {c.lower_ for c in children if c.dep_ in {"aux", "auxpass"}}
    features = [
        f"lemma={lemma}",
        f"lemma={lemma}|comp={kind}",
        f"lexical={lexical}|comp={kind}",
        f"tag={cue.tag_}",
        f"dep={cue.dep_}",
        f"comp={kind}",
        f"mark={mark}",
        f"lemma={lemma}|mark={mark}",
        f"comp_tag={complement.tag_}",
        f"comp_dep={complement.dep_}",
        f"comp_len{_bucket(len(list(complement.subtree)), (3, 8, 16, 30))}",
        f"gap{_bucket(complement.left_edge.i - cue.i, (0, 1, 3))}",
        f"paragraph{_bucket(paragraph, (0, 1, 4))}",
    ]
    comp_subject = next((c for c in comp_children if c.dep_ in SUBJECT_DEPS), None)
    features.append(f"comp_subj={comp_subject.pos_ if comp_subject is not None else 'none'}")
    features.extend(f"comp_modal={c.lower_}" for c in comp_children if c.dep_ == "aux" and c.lower_ in MODAL_WORDS)
    if any(c.dep_ == "neg" for c in comp_children):
        features.append("comp_neg")
    if any(ch in content for ch in "“”\""):
        features.append("mixed")
    if kind == "object":
        features.append(f"object={complement.lemma_.lower()}")
        features.append(f"object_ent={complement.ent_type_ or 'none'}")
        features.append(f"lemma={lemma}|object_dep={complement.dep_}")
    if not any(t.pos_ in {"VERB", "AUX"} for t in complement.subtree):
        features.append("verbless")
    if any(t.lemma_.lower() in REPORTING_VERBS and t.pos_ in {"VERB", "AUX"} for t in complement.subtree):
        features.append("comp_has_reporting_verb")
    # The verb: tense and aspect, voice, what else hangs on it.
    if "has" in aux or "have" in aux or "had" in aux:
        features.append("perfect")
    if cue.tag_ == "VBG" and aux & {"is", "are", "was", "were", "be", "been"}:
        features.append("progressive")
    if any(c.dep_ == "auxpass" for c in children):
        features.append("passive")
    for c in children:
        if c.dep_ in {"dobj", "dative"}:
            features.append(f"has_{c.dep_}")
        elif c.dep_ == "prep":
            features.append(f"prep={c.lower_}")
        elif c.dep_ == "prt":
            features.append(f"lemma={lemma}|prt={c.lower_}")
        elif c.dep_ == "advmod" and c.i < cue.i:
            features.append(f"advmod={c.lower_}")
    if cue.dep_ in {"conj", "xcomp", "advcl", "ccomp"}:
        governor = cue.head.lemma_.lower()
        features.append(f"governor_reports={governor in REPORTING_VERBS}")
    # The subject: who would be the speaker.
    s_lemma = subject.lemma_.lower()
    features.append(f"subj_pos={subject.pos_}")
    features.append(f"subj_ent={subject.ent_type_ or 'none'}")
    features.append(f"subj_dep={subject.dep_}")
    if subject.pos_ == "PRON":
        features.append(f"subj_pron={subject.lower_}")
    if s_lemma in ROLE_NOUNS:
        features.append("subj_role")
    if s_lemma in ORG_NOUNS:
        features.append("subj_org")
    if subject.tag_ in {"NNS", "NNPS"}:
        features.append("subj_plural")
    if subject.i > cue.i:
        features.append("subj_after")
    return features
