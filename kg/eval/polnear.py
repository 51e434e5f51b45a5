"""PolNeAR as `kg eval` gold: political news annotated for attribution by its authors.

PolNeAR (github.com/networkdynamics/PolNeAR) ships, per split (`train`, `dev`, `test`), the article
texts (`data/SPLIT/text/NAME.txt`), brat standoff attribution annotations
(`data/SPLIT/attributions/NAME_ANNOTATOR.ann`) and CoreNLP output (`data/SPLIT/corenlp/NAME.txt.xml`,
with dependency parses and coreference chains).  The corpus is news under copyright without a
licence, so it is never copied into this project: the user gives the path of a checkout or of a
bare git directory (a `git clone --bare`, or the `fetch`ed mirror), and this module reads it there.

How one attribution relation becomes gold quotations (the conventions of `tests/data/dev`):

* **content** — a discontinuous content span whose fragments are each a quote in marks gives one
  quotation per fragment (a quote split by its attribution is two quotations); reported speech
  interrupted by its attribution ("Acts of protest, Mr. Obama said, are acts of patriotism") is one
  quotation from its first to its last word.  Fragments separated by nothing but spaces and
  punctuation are joined, and a fragment of fewer than three words not in marks joins its neighbour.
* **type** — from quotation marks: the whole content inside one pair of marks is direct, content
  holding a mark is mixed, anything else indirect.
* **speaker names** — the source's text, plus every non-pronoun mention of the CoreNLP coreference
  chain of the source (the chain of the mention that covers most of the source span, so that in
  "Mr. Trump's campaign manager, Kellyanne Conway" the chain is Conway's, not Trump's).  A source
  that is only a pronoun is scored against its chain's names, never against the pronoun itself.
* **mention kind** — of the source's syntactic head (CoreNLP's dependency parse): a pronoun
  (PRP), a name (NNP/NNPS) or a description (anything else), for speaker accuracy by kind.
* **speech or not** — the cue's main word (its last verb, else its last word, lemmatised by
  CoreNLP; "according to" as such) in `SPEECH_CUES` is a speech act; anything else ("believe",
  "show", "want") is a report of a mental state or of evidence, scored apart (`kg eval` reports both).
* **unscored** — an attribution without a source (PolNeAR's `Attribution-no-source`, e.g. "the
  implication is clear: …") is no quotation by this project's rules; a found quotation matching one
  counts neither for nor against the system.

Where an article was annotated by several annotators (the agreement study), the annotation of the
annotator whose id sorts first is used, so that every article counts once.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.eval.gold import GoldDoc, GoldQuote
from kg.nlp.quotemarks import with_plain_marks

SPLITS = ("train", "dev", "test")

# Lemmas of cues that report a speech act (said, wrote, tweeted, announced …) rather than a belief,
# a wish or what evidence shows.  Anything not listed counts as a non-speech cue.
SPEECH_CUES = frozenset(
    (
        "according",
        "accuse",
        "acknowledge",
        "add",
        "address",
        "admit",
        "advise",
        "affirm",
        "agree",
        "allege",
        "announce",
        "answer",
        "argue",
        "ask",
        "assert",
        "assure",
        "attack",
        "blame",
        "blast",
        "boast",
        "brag",
        "call",
        "caution",
        "charge",
        "chide",
        "cite",
        "claim",
        "comment",
        "comments",
        "complain",
        "concede",
        "condemn",
        "confirm",
        "contend",
        "counter",
        "criticise",
        "criticize",
        "declare",
        "decry",
        "demand",
        "denounce",
        "deny",
        "describe",
        "dismiss",
        "dispute",
        "echo",
        "emphasise",
        "emphasize",
        "endorse",
        "estimate",
        "explain",
        "express",
        "insist",
        "interview",
        "joke",
        "lament",
        "letter",
        "mention",
        "mock",
        "note",
        "object",
        "op-ed",
        "pledge",
        "post",
        "praise",
        "predict",
        "proclaim",
        "promise",
        "propose",
        "protest",
        "question",
        "quip",
        "rail",
        "recall",
        "recount",
        "reiterate",
        "remark",
        "remarks",
        "remind",
        "reply",
        "report",
        "respond",
        "retort",
        "reveal",
        "ridicule",
        "say",
        "scoff",
        "shout",
        "slam",
        "speak",
        "speech",
        "state",
        "statement",
        "stress",
        "swear",
        "tease",
        "tell",
        "testify",
        "testimony",
        "thank",
        "threaten",
        "tout",
        "tweet",
        "urge",
        "vow",
        "warn",
        "write",
        "yell",
    )
)

QUOTE_MARKS = '"“”„«»'
_WORD = re.compile(r"\w+")
_ANNOTATION_ID = re.compile(r"T\d+(\s|$)")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str
    lemma: str
    pos: str
    ner: str
    governor: int  # index into the sentence's tokens, -1 for the root
    dep: str = ""


@dataclass
class _CoreNLP:
    """Tokens (with character offsets), their governors, and coreference chains of one article."""

    sentences: list[list[_Token]] = field(default_factory=list)
    # (start char, end char, head char, chain index) per coreference mention
    mentions: list[tuple[int, int, int, int]] = field(default_factory=list)
    chains: list[list[str]] = field(default_factory=list)  # mention texts (original text) per chain
    chain_proper: list[list[bool]] = field(default_factory=list)  # whether each mention is a name/NP

    def tokens_in(self, start: int, end: int) -> list[tuple[int, int, _Token]]:
        """(sentence, index, token) for tokens inside [start, end)."""
        out = []
        for s, sent in enumerate(self.sentences):
            if not sent or sent[-1].end <= start or sent[0].start >= end:
                continue
            out.extend((s, k, t) for k, t in enumerate(sent) if t.start >= start and t.end <= end)
        return out


class _Tree:
    """Files of a PolNeAR checkout, or of a bare git directory (read with `git cat-file`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git: Path | None = None
        if (root / "data").is_dir():
            self.base = root
        elif (root / "HEAD").is_file() and (root / "objects").is_dir():
            self.git = root
        elif (root / ".git").is_dir() and not (root / "data").exists():
            self.git = root / ".git"
        else:
            raise InputError(f"{root}: not a PolNeAR checkout (no data/ folder) nor a git directory")

    def list(self, folder: str) -> list[str]:
        if self.git is None:
            path = self.base / folder
            return sorted(p.name for p in path.iterdir()) if path.is_dir() else []
        out = self._git("ls-tree", "--name-only", f"HEAD:{folder}")
        return sorted(line for line in out.splitlines() if line)

    def read(self, path: str) -> str:
        if self.git is None:
            try:
                return (self.base / path).read_text(encoding="utf-8")
            except OSError as err:
                raise InputError(f"{self.base / path}: cannot read: {err.strerror or err}") from err
        return self._git("show", f"HEAD:{path}")

    def _git(self, *args: str) -> str:
        try:
            done = subprocess.run(["git", f"--git-dir={self.git}", *args], capture_output=True, check=False)
        except OSError as err:
            raise InputError(f"{self.git}: cannot run git: {err}") from err
        if done.returncode != 0:
            if args[0] == "ls-tree":
                return ""  # a folder the snapshot does not have: no articles
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"{self.git}: {' '.join(args)}: {reason[-1] if reason else 'git failed'}")
        return done.stdout.decode("utf-8")


def load_split(root: str | Path, split: str, *, limit: int | None = None) -> list[GoldDoc]:
    """The gold articles of one PolNeAR split (`train`, `dev` or `test`), in name order."""
    if split not in SPLITS:
        raise InputError(f"PolNeAR split must be one of {', '.join(SPLITS)}, got {split!r}")
    tree = _Tree(Path(root))
    annotations = _annotation_files(tree, split)
    if not annotations:
        raise InputError(f"{root}: no PolNeAR articles in split {split!r} (data/{split}/attributions)")
    docs = []
    for name in sorted(annotations)[:limit]:
        docs.append(_load_doc(tree, split, name, annotations[name]))
    return docs


def _annotation_files(tree: _Tree, split: str) -> dict[str, str]:
    """NAME → the .ann file of the first annotator (ids sort, so the choice is stable)."""
    chosen: dict[str, str] = {}
    for filename in tree.list(f"data/{split}/attributions"):
        if not filename.endswith(".ann"):
            continue
        name = filename[: -len(".ann")].rsplit("_", 1)[0]
        if name not in chosen or filename < chosen[name]:
            chosen[name] = filename
    return chosen


def _load_doc(tree: _Tree, split: str, name: str, ann_file: str) -> GoldDoc:
    text = tree.read(f"data/{split}/text/{name}.txt")
    where = f"data/{split}/attributions/{ann_file}"
    ann = tree.read(where)
    try:
        corenlp = _read_corenlp(tree.read(f"data/{split}/corenlp/{name}.txt.xml"), text)
    except InputError:
        # A snapshot may lack a large file: score the article with what the annotation says alone.
        corenlp = _CoreNLP()
    quotes = tuple(
        sorted(
            (q for rel in _relations(ann, where) for q in _quotes_of(rel, text, corenlp)),
            key=lambda q: (q.start, q.end),
        )
    )
    root = tree.git or tree.base
    return GoldDoc(
        name=name,
        gold_path=root / where,
        text_path=root / f"data/{split}/text/{name}.txt",
        text=text,
        quotes=quotes,
    )


# ---------------------------------------------------------------- brat standoff


@dataclass
class _Relation:
    content: list[tuple[int, int]] = field(default_factory=list)
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    has_source: bool = True


def _relations(ann: str, where: str) -> Iterator[_Relation]:
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[list[str]] = []
    for line_no, line in enumerate(ann.splitlines(), start=1):
        if line.startswith("T") and not _ANNOTATION_ID.match(line):
            continue  # the text of a span running over a line break goes on on the next line
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                raise InputError(f"{where}:{line_no}: malformed text-bound annotation")
            kind_and_offsets = parts[1].split(" ", 1)
            try:
                offsets = [
                    (int(a), int(b)) for a, b in (piece.split() for piece in kind_and_offsets[1].split(";"))
                ]
            except (IndexError, ValueError) as err:
                raise InputError(f"{where}:{line_no}: malformed offsets {parts[1]!r}") from err
            spans[parts[0]] = offsets
        elif line.startswith("E"):
            events.append(line.split("\t", 1)[1].split())
    for args in events:
        rel = _Relation()
        for arg in args:
            role, _, ref = arg.partition(":")
            role = role.rstrip("0123456789")
            if role == "Attribution-no-source":
                rel.has_source = False
            elif role in {"Content", "Source", "Cue"}:
                getattr(rel, role.lower()).extend(spans.get(ref, []))
        if rel.content and rel.cue:
            yield rel


# ---------------------------------------------------------------- CoreNLP


def _read_corenlp(xml: str, text: str) -> _CoreNLP:
    root = ET.fromstring(xml)
    out = _CoreNLP()
    for sentence in root.iter("sentence"):
        tokens_el = sentence.find("tokens")
        if tokens_el is None:
            continue
        raw = [
            (
                int(t.findtext("CharacterOffsetBegin", "0")),
                int(t.findtext("CharacterOffsetEnd", "0")),
                t.findtext("word", ""),
                t.findtext("lemma", ""),
                t.findtext("POS", ""),
                t.findtext("NER", "O"),
            )
            for t in tokens_el.findall("token")
        ]
        governors = [-1] * len(raw)
        labels = [""] * len(raw)
        deps = sentence.find("dependencies[@type='basic-dependencies']")
        if deps is None:
            deps = sentence.find("dependencies")
        if deps is not None:
            for dep in deps.findall("dep"):
                gov, dependent = dep.find("governor"), dep.find("dependent")
                if gov is None or dependent is None:
                    continue
                d = int(dependent.get("idx", "0")) - 1
                if 0 <= d < len(raw):
                    governors[d] = int(gov.get("idx", "0")) - 1
                    labels[d] = dep.get("type", "")
        out.sentences.append(
            [_Token(*r, governor=g, dep=lab) for r, g, lab in zip(raw, governors, labels, strict=True)]
        )
    coref = root.find("document/coreference")
    if coref is None:
        return out
    for chain_el in coref.findall("coreference"):
        chain = len(out.chains)
        texts: list[str] = []
        proper: list[bool] = []
        for mention in chain_el.findall("mention"):
            s = int(mention.findtext("sentence", "1")) - 1
            a, b = int(mention.findtext("start", "1")) - 1, int(mention.findtext("end", "1")) - 1
            h = int(mention.findtext("head", "1")) - 1
            if not 0 <= s < len(out.sentences) or not 0 <= a < b <= len(out.sentences[s]):
                continue
            sent = out.sentences[s]
            start, end = sent[a].start, sent[b - 1].end
            head = sent[min(max(h, a), b - 1)]
            out.mentions.append((start, end, head.start, chain))
            texts.append(text[start:end])
            proper.append(head.pos not in {"PRP", "PRP$", "WP", "WDT", "DT"})
        out.chains.append(texts)
        out.chain_proper.append(proper)
    return out


def _head_token(corenlp: _CoreNLP, start: int, end: int) -> _Token | None:
    found = _head(corenlp, start, end)
    return found[2] if found else None


def _head(corenlp: _CoreNLP, start: int, end: int) -> tuple[int, int, _Token] | None:
    """(sentence, index, token) of the token of [start, end) whose governor lies outside it: the
    phrase's syntactic head."""
    inside = corenlp.tokens_in(start, end)
    positions = {(s, k) for s, k, _ in inside}
    heads = [(s, k, t) for s, k, t in inside if (s, t.governor) not in positions]
    content_heads = [h for h in heads if h[2].pos[:1].isalpha()]
    return (content_heads or heads or [None])[0]


def _entity_names(corenlp: _CoreNLP, text: str, start: int, end: int) -> list[str]:
    """The named entity (CoreNLP NER) at the head of [start, end) and at the heads of its
    appositions: "Sean Spicer, chief strategist for the RNC" → Sean Spicer; "Mr. Trump's campaign
    manager, Kellyanne Conway" → Kellyanne Conway (never the possessor Trump)."""
    found = _head(corenlp, start, end)
    if found is None:
        return []
    s, k, head = found
    sent = corenlp.sentences[s]
    names = []
    # The phrase up to its head, without determiners: "Central European leaders who have …" →
    # "Central European leaders", "Some experts" → "experts".
    first = next(
        (t for t in sent if start <= t.start and t.end <= head.end and t.pos not in NOT_NAME_START),
        None,
    )
    if first is not None and head.pos not in {"PRP", "PRP$", "WP", "WDT"}:
        names.append(text[first.start : head.end])
    heads = [k] + [
        j for j, t in enumerate(sent) if t.governor == k and t.dep == "appos" and start <= t.start < end
    ]
    for j in heads:
        tag = sent[j].ner
        if tag in {"O", ""} or tag not in {"PERSON", "ORGANIZATION", "LOCATION"}:
            continue
        a = b = j
        while a > 0 and sent[a - 1].ner == tag and sent[a - 1].start >= start:
            a -= 1
        while b + 1 < len(sent) and sent[b + 1].ner == tag and sent[b + 1].end <= end:
            b += 1
        names.append(text[sent[a].start : sent[b].end])
    return names


# ---------------------------------------------------------------- relation → quotes


def _quotes_of(rel: _Relation, text: str, corenlp: _CoreNLP) -> Iterator[GoldQuote]:
    source_start = min((a for a, _ in rel.source), default=None)
    source_end = max((b for _, b in rel.source), default=None)
    names: tuple[str, ...] = ()
    kind = "none"
    if rel.has_source and source_start is not None and source_end is not None:
        names = _speaker_names(corenlp, text, source_start, source_end)
        kind = _mention_kind(corenlp, source_start, source_end, text)
    cue = " ".join(text[a:b] for a, b in sorted(rel.cue))
    speech = _is_speech(corenlp, text, rel.cue)
    # "he"/"she" chained by CoreNLP to no person at all ("he" → "the lead-up to the debate") has
    # no usable gold speaker: such a relation is left unscored rather than scored against noise.
    scored = (
        rel.has_source
        and bool(names)
        and not (kind == "pronoun" and not _chain_names_a_person(corenlp, text, source_start, source_end))
    )
    for start, end in _fragments(rel.content, text):
        content = text[start:end]
        yield GoldQuote(
            content=content,
            start=start,
            end=end,
            type=_quote_type(text, start, end),
            speakers=names or ("(no source)",),
            speaker_type=None,
            cue=cue,
            mention_kind=kind,
            speech=speech,
            scored=scored,
        )


def _fragments(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = _trim(text, start, end)
        if end <= start:
            continue
        if merged and not text[merged[-1][1] : start].strip(" \t\n,.;:—–-\"“”'’"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    # A fragment of one or two words ("in favor of", a lone "that") joins its neighbour.
    k = 0
    while len(merged) > 1 and k < len(merged):
        short = len(_WORD.findall(text[merged[k][0] : merged[k][1]])) < 3
        if short and _quote_type(text, *merged[k]) != "direct":  # “That,” he added, “…”: two quotes
            other = k + 1 if k + 1 < len(merged) else k - 1
            lo, hi = min(merged[k][0], merged[other][0]), max(merged[k][1], merged[other][1])
            merged[min(k, other)] = [lo, hi]
            del merged[max(k, other)]
            k = 0
            continue
        k += 1
    # Reported speech interrupted by its attribution ("Acts of protest, Mr. Obama said, are acts of
    # patriotism") is one statement; only quotes in marks split by it are two ("“A,” he said. “B.”").
    if len(merged) > 1 and not all(_quote_type(text, a, b) == "direct" for a, b in merged):
        merged = [[merged[0][0], merged[-1][1]]]
    return [(a, b) for a, b in merged]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _quote_type(text: str, start: int, end: int) -> str:
    text = with_plain_marks(text)  # ''…'' (two apostrophes) is a quotation mark in some feeds
    inner = text[start:end]
    stripped = inner.strip(" ,.;:")
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    marks_inside = sum(inner.count(m) for m in QUOTE_MARKS)
    if stripped[:1] in QUOTE_MARKS and stripped[-1:] in QUOTE_MARKS and marks_inside == 2:
        return "direct"
    if marks_inside == 0 and any(m in before for m in QUOTE_MARKS) and any(m in after for m in QUOTE_MARKS):
        return "direct"
    if stripped[:1] in QUOTE_MARKS and marks_inside == 1 and any(m in after for m in QUOTE_MARKS):
        return "direct"
    if marks_inside:
        return "mixed"
    return "indirect"


NOT_NAME_START = frozenset({"DT", "PDT", "CD", "PRP$", ",", ":", "``", "-LRB-"})
PRONOUNS = frozenset(["i", "me", "we", "us", "you", "he", "him", "she", "her", "they", "them", "it", "one"])


def _mention_kind(corenlp: _CoreNLP, start: int, end: int, text: str = "") -> str:
    head = _head_token(corenlp, start, end)
    if head is None:  # no parse for this article
        words = text[start:end].split()
        if len(words) == 1 and words[0].lower() in PRONOUNS:
            return "pronoun"
        return "name" if words and all(w[:1].isupper() for w in words) else "description"
    if head.pos in {"PRP", "PRP$"}:
        return "pronoun"
    if head.pos in {"NNP", "NNPS"}:
        return "name"
    return "description"


def _speaker_names(corenlp: _CoreNLP, text: str, start: int, end: int) -> tuple[str, ...]:
    """The source as written, then the names and descriptions of its coreference chain.  A relative
    pronoun ("Democrats on Capitol Hill, who have argued …") stands for the noun phrase it hangs on."""
    antecedent = _relative_antecedent(corenlp, start, end)
    if antecedent is not None:
        start, end = antecedent
    own = text[start:end].strip()
    names: list[str] = []
    head = _head_token(corenlp, start, end)
    pronoun = own.lower() in PRONOUNS if head is None else head.pos in {"PRP", "PRP$"}
    if not pronoun:
        names.append(own)
        names.extend(_entity_names(corenlp, text, start, end))
    chain = _chain_of(corenlp, start, end)
    if chain is not None:
        for (m_start, m_end, _head, _), proper in zip(
            (m for m in corenlp.mentions if m[3] == chain), corenlp.chain_proper[chain], strict=True
        ):
            if proper:
                names.append(text[m_start:m_end].strip())
                names.extend(_entity_names(corenlp, text, m_start, m_end))
    return tuple(dict.fromkeys(n for n in names if n))


def _relative_antecedent(corenlp: _CoreNLP, start: int, end: int) -> tuple[int, int] | None:
    """The span of the noun phrase a relative-pronoun source ("who", "which") refers to: the head
    its relative clause modifies, with that head's dependents to its left."""
    found = _head(corenlp, start, end)
    if found is None or found[2].pos not in {"WP", "WDT"}:
        return None
    s, _, token = found
    sent = corenlp.sentences[s]
    verb = token.governor
    while 0 <= verb < len(sent) and sent[verb].dep not in {"rcmod", "acl:relcl"}:
        verb = sent[verb].governor if sent[verb].governor != verb else -1
    if not 0 <= verb < len(sent) or not 0 <= sent[verb].governor < len(sent):
        return None
    noun = sent[verb].governor
    first = noun
    while first > 0 and sent[first - 1].governor == noun and sent[first - 1].dep not in {"punct", "cc"}:
        first -= 1
    return sent[first].start, sent[noun].end


PERSONAL_PRONOUNS = frozenset(["he", "him", "his", "she", "her", "hers"])


def _chain_names_a_person(corenlp: _CoreNLP, text: str, start: int, end: int) -> bool:
    """False for a personal pronoun ("he", "she") whose chain has no mention headed by a PERSON name."""
    if text[start:end].strip().lower() not in PERSONAL_PRONOUNS:
        return True
    chain = _chain_of(corenlp, start, end)
    if chain is None:
        return False
    for m_start, m_end, _head, c in corenlp.mentions:
        if c == chain:
            head = _head_token(corenlp, m_start, m_end)
            if head is not None and head.ner == "PERSON":
                return True
    return False


def _chain_of(corenlp: _CoreNLP, start: int, end: int) -> int | None:
    """The chain of the mention covering most of the source span (longest on a tie)."""
    best: tuple[int, int, int] | None = None
    for m_start, m_end, _head, chain in corenlp.mentions:
        shared = min(end, m_end) - max(start, m_start)
        if shared <= 0:
            continue
        # A mention reaching far outside the source ("the campaign of X, which …") is another phrase.
        if (m_end - m_start) - shared > (end - start):
            continue
        key = (shared, -(m_end - m_start), chain)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _is_speech(corenlp: _CoreNLP, text: str, cue: list[tuple[int, int]]) -> bool:
    words = [t for a, b in cue for _, _, t in corenlp.tokens_in(a, b)]
    if not words:  # no parse: the cue's words, with inflections crudely cut
        plain = [w.lower() for a, b in cue for w in _WORD.findall(text[a:b])]
        stems = {w[:-k] for w in plain for k in (1, 2, 3) if len(w) > k + 2} | set(plain)
        return bool(stems & SPEECH_CUES) or "said" in plain or "told" in plain or "wrote" in plain
    if any(t.word.lower() == "according" for t in words):
        return True
    verbs = [t for t in words if t.pos.startswith("VB")]
    main = (verbs or [t for t in words if t.pos[:1].isalpha()] or words)[-1]
    return main.lemma.lower() in SPEECH_CUES
