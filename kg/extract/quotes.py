"""Find quotations in a parsed article: direct, mixed and indirect, with their attribution.

Three passes over one spaCy Doc (the whole article, one paragraph per line):

1. *Direct*: a quoted stretch that stands as a clause of its own — nothing but an attribution
   before it (`X said: “…”`) and nothing but an attribution after it (`“…,” X said.`).  Quoted
   words inside a longer sentence are fragments (mixed quotes) or scare quotes, never direct.
2. *Reported*: every factual reporting cue outside quotation marks with a clause it reports —
   its ccomp (`X said (that) …`, `…, X told CNN`), the clause it interrupts (`…, he noted, …`),
   the clause `according to X` modifies, or a quoted object (`called it “a mess”`).  A reported
   clause holding quotation marks is mixed, otherwise indirect.
3. *Continuation*: a direct quote with no attribution of its own takes the speaker of the quote
   before it in the paragraph (`“A,” he said. “B.”`), else of the next one, else — when the
   previous paragraph was quoting someone — that speaker (multi-paragraph quotes).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span, Token

from kg.extract.attribution import (
    CUE_POS,
    addressee_head,
    channel_of,
    cue_at,
    cue_channel,
    infinitive_of,
    is_factual,
    passive_agent,
    speaker_head,
    speaker_head_with_rule,
    speaker_phrase,
)
from kg.extract.learned import CueModel, cue_features, cue_model
from kg.extract.lexicon import COMMITMENT_CUES, REQUEST_CUES
from kg.nlp.found import Cue, RawQuote
from kg.nlp.lexicon import ORG_NOUNS, ROLE_NOUNS
from kg.nlp.quotemarks import QuotedSpan, find_quoted_spans, paragraphs
from kg.nlp.syntax import (
    contains_mark,
    doc_text,
    entities,
    entities_in,
    has_verb,
    np_span,
    token_indices,
    trim_span,
)
from kg.rules import (
    MAX_INTERRUPTING_CUE_TOKENS,
    MAX_LEAD_SPEAKER_WORDS,
    MAX_TAIL_CUE_DISTANCE,
    MIN_ACCORDING_TO_CLAUSE,
    MIN_REPORTED_CHARS,
    MIN_REPORTED_TOKENS,
    MIN_SEPARATE_CLAUSE_CHARS,
    MIN_UNATTRIBUTED_QUOTE_WORDS,
    PREVIOUS_PARAGRAPHS_SEARCHED,
    SAME_AS_DIRECT_OVERLAP,
    USE_LEARNED_CUES,
)

# A transcript's speaker label: a name in capitals and a colon at the start of a paragraph,
# possibly inside an opening quotation mark ("WALLACE: …", "MR. TRUMP: …").
TRANSCRIPT_LABEL = re.compile(r"[\"“]?(?P<label>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2}):\s+(?=\S)")

# Subordinators that set a second speaker's statement against the first ("He claimed A even as
# the office estimated B"): such a clause is a statement of its own, not part of the first.
CONTRAST_MARKS = frozenset({"while", "whereas", "although", "though", "as", "but", "yet"})
SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[A-Z“\"‘(\[])")


@dataclass
class LearnedCandidate:
    """A verb and what it would report, for the learned cue step to accept or not."""

    cue: Cue
    start: int
    end: int
    head: Token  # the would-be speaker's head
    head_rule: str | None
    features: list[str]


class ArticleQuotes:
    """Runs the three passes over one parsed article."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.paras = paragraphs(self.text)
        self.para_starts = [s for s, _ in self.paras]
        self.marks = find_quoted_spans(self.text, self.paras)
        self.mark_opens = [span.open for span in self.marks]  # sorted: spans never overlap
        self.token_at = self._char_to_token()
        self.used_cues: set[int] = set()

    # ----------------------------------------------------------------- helpers
    def _char_to_token(self) -> list[int]:
        index = [-1] * (len(self.text) + 1)
        for i, (idx, length) in enumerate(self.doc.to_array([IDX, LENGTH]).tolist()):
            index[idx : idx + length] = [i] * length
        # Whitespace maps to the next token, so a span start always finds one.
        nxt = len(self.doc)
        for c in range(len(self.text), -1, -1):
            if index[c] == -1:
                index[c] = nxt if c < len(self.text) else len(self.doc)
            else:
                nxt = index[c]
        return index

    def tokens(self, start: int, end: int) -> list[Token]:
        if end <= start:
            return []
        first = self.token_at[start]
        out = []
        for i in range(first, len(self.doc)):
            tok = self.doc[i]
            if tok.idx >= end:
                break
            if tok.idx >= start and not tok.is_space:
                out.append(tok)
        return out

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def inside_marks(self, char: int) -> QuotedSpan | None:
        n = bisect.bisect_right(self.mark_opens, char) - 1
        if n >= 0 and char < self.marks[n].close:
            return self.marks[n]
        return None

    def sentence_bounds(self, tok: Token) -> tuple[int, int]:
        sent = tok.sent
        return sent.start_char, sent.end_char

    def time_of(self, cue_tok: Token, content: tuple[int, int]) -> str | None:
        """The DATE expression of the sentence that is about the speech act, not its content."""
        sent = cue_tok.sent
        best: tuple[int, str] | None = None
        for ent in entities_in(sent):
            if ent.label_ not in {"DATE", "TIME"}:
                continue
            if content[0] <= ent.start_char < content[1] or self.inside_marks(ent.start_char):
                continue
            if not _modifies(ent.root, cue_tok) and not 0 < ent.start - cue_tok.i <= 3:
                continue  # "who has lived there for 40 years": a date of something else
            distance = abs(ent.start - cue_tok.i)
            if best is None or distance < best[0]:
                best = (distance, ent.text)
        return best[1] if best else None

    # ----------------------------------------------------------------- pass 1
    def direct_quotes(self) -> list[RawQuote]:
        found: list[RawQuote] = []
        for n, span in enumerate(self.marks):
            if span.length == 0 or not self.text[span.inner_start : span.inner_end].strip():
                continue
            p_start, p_end = self.paras[span.paragraph]
            prev_close = p_start
            if n > 0 and self.marks[n - 1].paragraph == span.paragraph:
                prev_close = self.marks[n - 1].close
            next_open = p_end
            if n + 1 < len(self.marks) and self.marks[n + 1].paragraph == span.paragraph:
                next_open = self.marks[n + 1].open
            lead_start = self._lead_start(max(p_start, prev_close), span.open)
            lead_cue = self._lead_attribution(lead_start, span.open)
            lead_text = self.text[lead_start : span.open].strip(" \t—–-([")
            # `“A,” said X, a long description, “B.”`: what stands between the two quotes is A's
            # attribution, so B goes on with the same speaker.
            bridged = (
                lead_start == prev_close > p_start
                and self.text[prev_close : span.open].rstrip()[-1:] in {",", ":", ";", "—", "–"}
                and self._tail_attribution(prev_close, span.open) is not None
            )
            if lead_text and lead_cue is None and not bridged:
                continue  # quoted words inside a larger sentence: fragment or scare quote
            tail_end = self._tail_end(span.close, next_open) if span.closed else span.close
            tail_text = self.text[span.close : tail_end].strip()
            tail_cue = None
            if tail_text and tail_text[0] not in ".!?":
                tail_cue = self._tail_attribution(span.close, tail_end)
                if tail_cue is None:
                    continue
            if not self._reads_as_statement(span, tail_cue or lead_cue):
                continue
            cue = tail_cue or lead_cue
            region = (span.close, tail_end) if tail_cue else (lead_start, span.open)
            quote = RawQuote(span.inner_start, span.inner_end, "direct", span.paragraph, cue=cue)
            quote.rule = "direct-tail" if tail_cue else "direct-lead"
            quote.sentence = (lead_start if lead_cue else span.open, tail_end)
            if cue is None:
                quote.inherit = True
            else:
                self.used_cues.add(cue.token.i)
                self._attribute(quote, cue, region, (span.open, span.close))
                quote.channel = quote.channel or channel_of(self.tokens(*region))
            found.append(quote)
        return found

    def _lead_start(self, start: int, end: int) -> int:
        last = start
        # endpos reaches one past `end` so the look-ahead can see the opening mark itself.
        for match in SENTENCE_END.finditer(self.text, start, min(len(self.text), end + 1)):
            if match.end() <= end and not _abbreviation_before(self.text, match.start()):
                last = match.end()
        return last

    def _lead_attribution(self, start: int, end: int) -> Cue | None:
        lead = self.text[start:end].rstrip()
        if not lead or lead[-1] not in ",:" and not lead.endswith(("said", "says", "added", "wrote")):
            return None
        toks = self.tokens(start, end)
        for k in range(len(toks) - 1, -1, -1):
            after = [t for t in toks[k + 1 :] if not t.is_punct]
            # Only the speaker may follow the cue ("said Mr. Lee:"), never another clause.
            if len(after) > MAX_LEAD_SPEAKER_WORDS or has_verb(after):
                return None
            cue = cue_at(toks[k])
            if cue and is_factual(toks[k]):
                return cue
        return None

    def _tail_end(self, start: int, limit: int) -> int:
        match = SENTENCE_END.search(self.text, start, limit)
        while match and _abbreviation_before(self.text, match.start()):
            match = SENTENCE_END.search(self.text, match.end(), limit)
        end = match.start() + 1 if match else limit
        return min(end, limit)

    def _tail_attribution(self, start: int, end: int) -> Cue | None:
        toks = self.tokens(start, end)
        for distance, tok in enumerate(toks):
            if distance > MAX_TAIL_CUE_DISTANCE:
                break
            cue = cue_at(tok)
            if cue and is_factual(tok):
                return cue
        return None

    def _reads_as_statement(self, span: QuotedSpan, cue: Cue | None) -> bool:
        """Short unattributed quoted stretches are titles or scare quotes, not statements."""
        words = self.text[span.inner_start : span.inner_end].split()
        if cue is not None:
            return len(words) >= 1
        return len(words) >= MIN_UNATTRIBUTED_QUOTE_WORDS

    # ----------------------------------------------------------------- pass 2
    def reported_quotes(self, direct: list[RawQuote]) -> list[RawQuote]:
        found: list[RawQuote] = []
        # Only verbs and "according" can start a cue (`cue_at` returns None for anything else).
        for i in token_indices(self.doc, pos=CUE_POS, lower=("according",)):
            tok = self.doc[i]
            if tok.i in self.used_cues or self.inside_marks(tok.idx):
                continue
            cue = cue_at(tok)
            if cue is None or not is_factual(tok):
                continue
            found_content = self._reported_content(cue)
            if found_content is None:
                continue
            (start, end), rule = found_content
            if not self._acceptable_content(cue, start, end, direct):
                continue
            head, head_rule = speaker_head_with_rule(cue)
            if head is None or (start <= head.idx < end and not _within(head, tok)):
                continue  # a speaker inside the reported clause is part of what was said
            kind = "mixed" if contains_mark(self.text, start, end) else "indirect"
            quote = RawQuote(start, end, kind, self.paragraph_of(start), cue=cue, rule=rule)
            sent_start, sent_end = self.sentence_bounds(tok)
            quote.sentence = (min(sent_start, start), max(sent_end, end))
            self._attribute(quote, cue, (sent_start, sent_end), (start, end), head=(head, head_rule))
            self.used_cues.add(tok.i)
            found.append(quote)
        return found

    def _reported_content(self, cue: Cue) -> tuple[tuple[int, int], str] | None:
        """The span the cue reports and the name of the quotation rule that found it."""
        token = cue.token
        if cue.lemma == "according to":
            return _named(self._according_to_content(token), "reported-according-to")
        infinitive = infinitive_of(token) if cue.lemma in COMMITMENT_CUES | REQUEST_CUES else None
        if infinitive is not None and _can_commit(speaker_head(cue), cue):
            # "vowed to lift the rules", "urged Republicans to join …": the infinitive clause.
            first, last = infinitive.left_edge, infinitive.right_edge
            span = self._close_quote_fragment(*trim_span(self.text, first.idx, last.idx + len(last.text)))
            return span, "reported-infinitive"
        clause = _reported_clause(token)
        if clause is not None and not (cue.needs_quote and not self._subtree_has_mark(clause)):
            return self._clause_span(clause, cue), "reported-clause"
        stray = _stray_that_clause(token)
        if stray is not None and not (cue.needs_quote and not self._subtree_has_mark(stray)):
            return self._clause_span(stray, cue), "reported-stray-that"
        if token.dep_ in {"parataxis", "ccomp"} and token.head.i != token.i:
            head = token.head
            if cue_at(head) is None and head.pos_ in {"VERB", "AUX"} and len(list(token.subtree)) <= MAX_INTERRUPTING_CUE_TOKENS:
                return _named(self._interrupted_clause(head, token), "reported-interrupted")
        return _named(self._quoted_object(cue), "reported-quoted-object")

    # ----------------------------------------------------------------- learned step
    def learned_candidates(self, taken: list[RawQuote]) -> list[LearnedCandidate]:
        """What the learned step decides on (kg.extract.learned): each verb the rules took no
        quotation from, with what it would report — a clausal complement or to-infinitive (verbs
        outside the lexicon), else its object and what follows it ("called for a moratorium on
        …", "accused the party of …") — and its would-be speaker.  A candidate overlapping a
        quotation already found is no candidate."""
        out: list[LearnedCandidate] = []
        for i in token_indices(self.doc, pos=CUE_POS):
            tok = self.doc[i]
            if tok.i in self.used_cues or self.inside_marks(tok.idx):
                continue
            cue = cue_at(tok)
            lexical = cue is not None
            cue = cue or Cue(tok, tok.text, tok.lemma_.lower(), False)
            found = None if lexical else self._learned_clause(cue)
            if found is None:
                found = _object_complement(tok)
                if found is None:
                    continue
                complement, last = found
                # "called for a ban": what was called for is the ban.
                first = self.doc[complement.i + 1] if complement.dep_ == "prep" else complement.left_edge
                start, end = self._close_quote_fragment(
                    *trim_span(self.text, first.idx, last.right_edge.idx + len(last.right_edge.text))
                )
                kind = "object"
            else:
                complement, kind, (start, end) = found
            # Cheapest checks first: this runs on every verb of the article.
            if end - start < MIN_REPORTED_CHARS or self.token_at[end - 1] - self.token_at[start] + 1 < MIN_REPORTED_TOKENS:
                continue
            if any(min(end, q.end) > max(start, q.start) for q in taken):
                continue
            if kind == "object" and not (
                has_verb(self.doc[self.token_at[start] : self.token_at[end - 1] + 1])
                or contains_mark(self.text, start, end)
            ):
                continue  # "attacked [bars and art galleries]": a thing done to, not a statement
            if not is_factual(tok):
                continue
            head, head_rule = speaker_head_with_rule(cue)
            if head is None or start <= head.idx < end:
                continue
            content = self.text[start:end]
            features = cue_features(tok, complement, kind, head, content, self.paragraph_of(start), lexical)
            out.append(LearnedCandidate(cue, start, end, head, head_rule, features))
        return out

    def _learned_clause(self, cue: Cue) -> tuple[Token, str, tuple[int, int]] | None:
        clause = _reported_clause(cue.token)
        if clause is not None:
            return clause, "ccomp", self._clause_span(clause, cue)
        infinitive = infinitive_of(cue.token)
        if infinitive is None:
            return None
        first, last = infinitive.left_edge, infinitive.right_edge
        span = self._close_quote_fragment(*trim_span(self.text, first.idx, last.idx + len(last.text)))
        return infinitive, "xcomp", span

    def learned_quotes(self, taken: list[RawQuote], model: CueModel) -> list[RawQuote]:
        """The candidates the model accepts, as quotations of the rule `reported-learned`."""
        found: list[RawQuote] = []
        for cand in self.learned_candidates(taken):
            if not model.accepts(cand.features) or any(min(cand.end, q.end) > max(cand.start, q.start) for q in found):
                continue
            start, end, tok = cand.start, cand.end, cand.cue.token
            kind = "mixed" if contains_mark(self.text, start, end) else "indirect"
            quote = RawQuote(start, end, kind, self.paragraph_of(start), cue=cand.cue, rule="reported-learned")
            sent_start, sent_end = self.sentence_bounds(tok)
            quote.sentence = (min(sent_start, start), max(sent_end, end))
            self._attribute(quote, cand.cue, (sent_start, sent_end), (start, end), head=(cand.head, cand.head_rule))
            self.used_cues.add(tok.i)
            found.append(quote)
        return found

    def _subtree_has_mark(self, tok: Token) -> bool:
        start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)
        return contains_mark(self.text, start, end)

    def _clause_span(self, clause: Token, cue: Cue) -> tuple[int, int]:
        toks = [t for t in clause.subtree]
        cut = _trailing_speech_act(clause, toks)
        if cut is not None:
            toks = [t for t in toks if t.i < cut]
            while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
                toks = toks[:-1]
        while toks and (
            toks[0].dep_ == "mark"
            and toks[0].lower_ == "that"
            or toks[0].is_punct
            and toks[0].text not in '“"'
        ):
            toks = toks[1:]
        # "said in December there were …": the date belongs to the saying.
        if toks and toks[0].dep_ == "prep" and toks[0].head.i == clause.i and toks[0].i == cue.token.i + 1:
            pp_end = toks[0].right_edge.i
            if any(e.label_ in {"DATE", "TIME"} for e in entities_in(self.doc[toks[0].i : pp_end + 1])):
                toks = [t for t in toks if t.i > pp_end]
        if not toks:
            return (clause.idx, clause.idx)
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        return self._close_quote_fragment(*trim_span(self.text, start, end))

    def _close_quote_fragment(self, start: int, end: int) -> tuple[int, int]:
        """Keep a closing mark (and the comma before it) that ends a quoted fragment in the clause."""
        following = self.text[end : end + 3]
        opened = self.text[start:end].count("“") > self.text[start:end].count("”")
        if opened:
            for k, ch in enumerate(following):
                if ch in '”"':
                    return start, end + k + 1
        return start, end

    def _interrupted_clause(self, head: Token, cue_tok: Token) -> tuple[int, int] | None:
        sub = list(head.subtree)
        cue_sub = {t.i for t in cue_tok.subtree}
        toks = [t for t in sub if not t.is_space]
        # Drop the attribution when it sits at either edge of the clause ("…, X said").
        while toks and (toks[-1].i in cue_sub or toks[-1].is_punct):
            toks = toks[:-1]
        while toks and (toks[0].i in cue_sub or toks[0].is_punct):
            toks = toks[1:]
        if not toks:
            return None
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        return self._close_quote_fragment(*trim_span(self.text, start, end))

    def _according_to_content(self, token: Token) -> tuple[int, int] | None:
        """`CLAUSE, according to X, …` reports CLAUSE; `According to X, CLAUSE` reports CLAUSE."""
        sent = token.sent
        phrase = sorted(t.i for t in token.subtree)
        before = [t for t in sent if t.i < phrase[0] and not t.is_space]
        after = [t for t in sent if t.i > phrase[-1] and not t.is_space]
        toks = before if len([t for t in before if not t.is_punct]) >= MIN_ACCORDING_TO_CLAUSE else after
        # Only the clause the phrase is attached to: "X is growing — it had 100, according to Y".
        breaks = [k for k, t in enumerate(toks) if t.text in {"—", "–", ";", ":"} and 0 < k < len(toks) - 3]
        if toks is before and breaks:
            toks = toks[breaks[-1] + 1 :]
        while toks and toks[-1].is_punct and toks[-1].text not in '”"':
            toks = toks[:-1]
        while toks and toks[0].is_punct:
            toks = toks[1:]
        if len(toks) < MIN_REPORTED_TOKENS:
            return None
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        return trim_span(self.text, start, end)

    def _quoted_object(self, cue: Cue) -> tuple[int, int] | None:
        """`announced a “shift in focus”`, `called it “a mess”`: an object holding a quoted fragment."""
        token = cue.token
        rights = [
            c
            for c in token.rights
            if c.dep_ in {"dobj", "oprd", "xcomp", "attr", "acomp", "advcl", "npadvmod"}
            or (c.dep_ == "prep" and c.lower_ == "as")
        ]
        if not rights:
            return None
        start_tok = rights[0].left_edge
        end_tok = max((c.right_edge for c in rights), key=lambda t: t.i)
        # Extend over directly following objects / predicates (`called X “Y”` parses as two deps).
        start, end = start_tok.idx, end_tok.idx + len(end_tok.text)
        passive = any(c.dep_ == "auxpass" for c in token.children)
        agent = passive_agent(token) if passive else None
        if agent is not None and start < agent.idx < end:
            end = agent.idx  # "described as “X” by the union": the agent is the speaker, not content
        if not contains_mark(self.text, start, end):
            return None
        return self._close_quote_fragment(*trim_span(self.text, start, end))

    def _acceptable_content(self, cue: Cue, start: int, end: int, direct: list[RawQuote]) -> bool:
        if end - start < MIN_REPORTED_CHARS:
            return False
        toks = self.tokens(start, end)
        if len(toks) < MIN_REPORTED_TOKENS:
            return False
        marks = contains_mark(self.text, start, end)
        if cue.needs_quote and not marks:
            return False
        if not marks and not has_verb(toks):
            return False
        for quote in direct:
            overlap = min(end, quote.end) - max(start, quote.start)
            if overlap > 0 and overlap >= SAME_AS_DIRECT_OVERLAP * (end - start):
                return False  # the same statement, already taken as a direct quote
        return True

    # ----------------------------------------------------------------- attribution
    def _attribute(
        self,
        quote: RawQuote,
        cue: Cue,
        region: tuple[int, int],
        content: tuple[int, int],
        head: tuple[Token | None, str | None] | None = None,
    ) -> None:
        if head is None:  # a head passed in was already checked by the caller
            found, rule = speaker_head_with_rule(cue)
            r_start, r_end = region
            if found is not None and (not r_start <= found.idx < r_end or content[0] <= found.idx < content[1]):
                found = None
        else:
            found, rule = head
        if found is None:
            found, rule = self._adjacent_speaker(cue, region, content), "adjacent-noun"
        if found is not None:
            quote.speaker = speaker_phrase(found)
            quote.speaker_rule = rule
        content_tokens = {t.i for t in self.tokens(*content)}
        addressee = addressee_head(cue, content_tokens)
        if addressee is not None and not (content[0] <= addressee.idx < content[1]):
            quote.addressee = np_span(addressee)
        quote.channel = cue_channel(cue)
        quote.time_text = self.time_of(cue.token, content)

    def _adjacent_speaker(self, cue: Cue, region: tuple[int, int], content: tuple[int, int]) -> Token | None:
        """Fallback when the parse does not link the cue to a subject: the noun phrase beside it."""
        toks = [t for t in self.tokens(*region) if not (content[0] <= t.idx < content[1])]
        positions = [k for k, t in enumerate(toks) if t.i == cue.token.i]
        if not positions:
            return None
        k = positions[0]
        before = [t for t in toks[:k] if not t.is_punct]
        if before and before[-1].pos_ in {"PROPN", "NOUN", "PRON"}:
            return before[-1]
        for tok in toks[k + 1 :]:
            if tok.pos_ in {"PROPN", "NOUN", "PRON"}:
                # Walk to the head of a name ("Army Colonel Ryan Dillon" → Dillon).
                while tok.dep_ in {"compound", "flat"} and tok.head.i > tok.i:
                    tok = tok.head
                return tok
            if tok.is_punct:
                break
        return None

    # ----------------------------------------------------------------- all passes
    def transcript_quotes(self) -> list[RawQuote]:
        """`WALLACE: Let's start with …` — a paragraph opening with a speaker's name in capitals and
        a colon, as transcripts print them, quotes that person (when the article names them)."""
        surnames = {ent.text.split()[-1].casefold() for ent in entities(self.doc) if ent.label_ == "PERSON"}
        found: list[RawQuote] = []
        for n, (p_start, p_end) in enumerate(self.paras):
            match = TRANSCRIPT_LABEL.match(self.text, p_start, p_end)
            if match is None or match.group("label").split()[-1].casefold() not in surnames:
                continue
            start, end = trim_span(self.text, match.end(), p_end)
            end = end - 1 if self.text[end - 1 : end] in '"”' else end
            label = self.doc.char_span(match.start("label"), match.end("label"), alignment_mode="expand")
            if label is None or end - start < MIN_REPORTED_CHARS:
                continue
            quote = RawQuote(start, end, "direct", n, rule="direct-transcript-label")
            quote.speaker, quote.speaker_rule = label, "transcript-label"
            quote.sentence = (p_start, p_end)
            found.append(quote)
        return found

    def rule_quotes(self) -> tuple[list[RawQuote], list[RawQuote], list[RawQuote]]:
        """What the rules find before the learned step: transcript, direct and reported quotes."""
        transcript = self.transcript_quotes()
        direct = self.direct_quotes()
        return transcript, direct, self.reported_quotes(direct)

    def run(self, learned: bool | CueModel | None = None) -> list[RawQuote]:
        transcript, direct, reported = self.rule_quotes()
        model = _learned_model(learned)
        if model is not None:
            reported += self.learned_quotes(transcript + direct + reported, model)
        # A transcript paragraph is one statement of its labelled speaker, whatever else matched it.
        taken = [(q.paragraph, q.start) for q in transcript]
        if taken:
            covered = {p for p, _ in taken}
            direct = [q for q in direct if q.paragraph not in covered]
            reported = [q for q in reported if q.paragraph not in covered]
        quotes = sorted(transcript + direct + reported, key=lambda q: (q.start, q.end))
        # Two cues can report the very same clause (`…, the officials said, …, Mr. Lee said`):
        # one statement, kept once — the first found, which sorted() leaves first.
        quotes = [
            q
            for k, q in enumerate(quotes)
            if k == 0 or (q.start, q.end) != (quotes[k - 1].start, quotes[k - 1].end)
        ]
        quotes = _drop_nested(quotes, self.text)
        _inherit_attribution(quotes, self)
        return [q for q in quotes if q.speaker is not None]

    # ----------------------------------------------------------------- pass 3 helpers
    def dangling_cue(self, quote: RawQuote) -> tuple[Span, Cue, str | None] | None:
        """`X summed up the danger with a metaphor. “…”`: a cue earlier in the paragraph that
        reports nothing of its own introduces the quote that follows it."""
        p_start, _ = self.paras[quote.paragraph]
        for tok in reversed(self.tokens(p_start, quote.start)):
            if tok.i in self.used_cues or self.inside_marks(tok.idx):
                continue
            cue = cue_at(tok)
            if cue is None or cue.needs_quote or not is_factual(tok):
                continue
            head, rule = speaker_head_with_rule(cue)
            if head is None or head.pos_ == "PRON" and head.lower_ in {"it", "this", "that"}:
                return None
            self.used_cues.add(tok.i)
            return speaker_phrase(head), cue, rule
        return None

    def previous_text_paragraph(self, index: int) -> int | None:
        """The paragraph before `index`, skipping photo captions and subheads (no final stop)."""
        for k in range(index - 1, max(-1, index - 1 - PREVIOUS_PARAGRAPHS_SEARCHED), -1):
            p_start, p_end = self.paras[k]
            if self.text[p_start:p_end].rstrip()[-1:] in '.!?”"’)':
                return k
        return None

    def quoted_person_in(self, index: int, speakers: list[Span]) -> Span | None:
        """The last person named in paragraph `index` (outside quotes) who has been quoted before."""
        # A speaker phrase may carry an apposition ("Tom Baker, a farmer"): its surname is the last
        # word of the name at its head, not of the whole phrase.
        surnames = {s.root.text.lower() for s in speakers if len(s)}
        p_start, p_end = self.paras[index]
        found = None
        for ent in entities(self.doc):
            outside_quotes = p_start <= ent.start_char < p_end and not self.inside_marks(ent.start_char)
            if (
                ent.label_ == "PERSON"
                and outside_quotes
                and ent.text.split()[-1].lower().replace("’s", "") in surnames
            ):
                found = ent
        return found


def _named(span: tuple[int, int] | None, rule: str) -> tuple[tuple[int, int], str] | None:
    return None if span is None else (span, rule)


def _modifies(token: Token, verb: Token) -> bool:
    """True when the first verb above `token` is `verb` (the date is an adjunct of the saying)."""
    for ancestor in token.ancestors:
        if ancestor.i == verb.i:
            return True
        if ancestor.pos_ in {"VERB", "AUX"}:
            return False
    return False


def _within(token: Token, ancestor: Token) -> bool:
    return token.i == ancestor.i or any(a.i == ancestor.i for a in token.ancestors)


def _reported_clause(cue: Token) -> Token | None:
    """The clausal complement the cue reports.  With one on each side ("The news set off fireworks:
    Republicans said they are convinced …"), the one right after the cue is what was said; the
    one before is another sentence the parser hung on the cue."""
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    if len(clauses) > 1:
        after = [c for c in clauses if c.left_edge.i > cue.i and c.left_edge.i - cue.i <= 3]
        if after:
            return after[0]
    return clauses[0] if clauses else None


# Dependents after a verb that belong to what it reports when that is its object: "called [X a
# hoax]", "accused [the party of stoking …]", "criticized [the law as “crazy”]", "called [for a ban]".
OBJECT_DEPS = frozenset({"dobj", "dative", "oprd", "xcomp", "ccomp", "acomp"})
OBJECT_PREPS = frozenset({"as", "for", "of", "about", "against", "over", "with", "on", "to"})


def _object_complement(verb: Token) -> tuple[Token, Token] | None:
    """The first and last dependents of the object the verb reports, when it has one: a direct
    object and what follows it (an object predicate, "as …", "of …", "for …"), or a prepositional
    object right after it ("called for …", "spoke of …")."""
    first = last = None
    for child in verb.rights:
        if child.is_punct:
            if first is None:
                continue
            break
        takes = child.dep_ in OBJECT_DEPS or child.dep_ == "prep" and child.lower_ in OBJECT_PREPS
        if first is None:
            if child.dep_ in {"dobj", "dative"} or (child.dep_ == "prep" and child.lower_ in OBJECT_PREPS and child.i == verb.i + 1):
                first = last = child
            elif child.dep_ == "prt":
                continue
            else:
                return None
        elif takes:
            last = child
        else:
            break
    return (first, last) if first is not None else None


def _can_commit(subject: Token | None, cue: Cue) -> bool:
    """Only someone can vow, promise or urge: "the assault threatened to upset …" and "the plan
    promises to cut costs" report no speech.  A name, a pronoun, a role or organisation noun, or
    (except for "threaten", which things do too) a plural noun ("critics vowed …") qualifies."""
    if subject is None:
        return False
    if subject.pos_ in {"PROPN", "PRON"} or subject.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"}:
        return True
    lemma = subject.lemma_.lower()
    if lemma in ROLE_NOUNS or lemma in ORG_NOUNS:
        return True
    return subject.tag_ == "NNS" and cue.lemma != "threaten"


def _trailing_speech_act(clause: Token, toks: list[Token]) -> int | None:
    """Where a second speech act hanging off the end of a reported clause starts: the parser often
    attaches "…, arguing that …", "…, citing …" or "…, and … replied" to the reported verb instead
    of to the cue; what follows is not part of what the first cue reports."""
    last = toks[-1].i if toks else clause.i
    for tok in toks:
        if tok.i <= clause.i or tok.dep_ not in {"advcl", "conj"} or tok.right_edge.i < last - 1:
            continue
        if cue_at(tok) is None:
            continue
        start = tok.left_edge.i
        before = tok.doc[start - 1] if start > 0 else None
        if before is not None and (before.text in {",", ";", "—", "–"} or before.dep_ == "cc"):
            return start
    return None


def _stray_that_clause(cue: Token) -> Token | None:
    """`warned for years that X`, `saying in a statement that X`: the parser hangs the
    that-clause under the cue's prepositional phrase instead of the cue itself."""
    for prep in cue.rights:
        if prep.dep_ != "prep":
            continue
        for tok in prep.subtree:
            if (
                tok.pos_ in {"VERB", "AUX"}
                and tok.i > prep.i
                and any(c.dep_ == "mark" and c.lower_ == "that" and c.i < tok.i for c in tok.children)
            ):
                return tok
    return None


def _abbreviation_before(text: str, dot: int) -> bool:
    """'Mr. McHugh', 'U.S. officials': a full stop that does not end a sentence."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : dot + 1]
    return word.lower() in {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "sen.",
        "rep.",
        "gov.",
        "gen.",
        "col.",
        "lt.",
        "st.",
        "jr.",
        "sr.",
        "prof.",
        "no.",
        "vs.",
        "del.",
        "sens.",
        "reps.",
        "sgt.",
        "capt.",
        "cmdr.",
        "adm.",
        "maj.",
        "rev.",
        "gens.",
        "supt.",
        "atty.",
        "ft.",
        "mt.",
    } or (len(word) <= 4 and word.count(".") >= 2) or _initial(word)


def _initial(word: str) -> bool:
    """'E.' in 'Elijah E. Cummings', '(J.' — a capital letter standing for a name."""
    letters = word.lstrip("([“\"")
    return len(letters) == 2 and letters[0].isupper() and letters[1] == "."


def _drop_nested(quotes: list[RawQuote], text: str) -> list[RawQuote]:
    """A reported clause that lies inside another quotation of the same attribution is one statement."""
    kept: list[RawQuote] = []
    for quote in quotes:
        inside = next(
            (
                k
                for k in kept
                if k.start <= quote.start
                and quote.end <= k.end
                and (k.end - k.start) > (quote.end - quote.start)
            ),
            None,
        )
        if inside is not None and quote.type != "direct":
            cut = _separate_clause_start(inside, quote, text)
            if cut is None:
                continue
            # "He claimed A even as the office estimated that B": two statements, two speakers.
            inside.end = cut
        kept.append(quote)
    return kept


def _separate_clause_start(outer: RawQuote, inner: RawQuote, text: str) -> int | None:
    """Where `inner`'s attribution clause starts, when it is an adverbial or coordinated clause of
    its own (with its own subject) hanging off the end of `outer`'s content; None when the inner
    speech is part of what the outer speaker said ("X said Y told him …")."""
    if outer.cue is None or inner.cue is None or inner.speaker is None:
        return None
    cue = inner.cue.token
    if cue.dep_ not in {"advcl", "conj"} or not any(c.dep_ in {"nsubj", "nsubjpass"} for c in cue.children):
        return None
    if cue.dep_ == "advcl" and not {c.lower_ for c in cue.children if c.dep_ in {"mark", "advmod"}} & CONTRAST_MARKS:
        return None  # "… was right when he said …": the clause is part of what was said
    start_tok = cue.left_edge
    if not outer.start < start_tok.idx < outer.end:
        return None
    doc = cue.doc
    k = start_tok.i
    while (
        k > 0
        and (doc[k - 1].is_punct or doc[k - 1].dep_ in {"cc", "mark", "advmod"})
        and doc[k - 1].idx > outer.start
    ):
        k -= 1
    cut = doc[k].idx
    while cut > outer.start and text[cut - 1] in " ,;—–-":
        cut -= 1
    return cut if cut - outer.start >= MIN_SEPARATE_CLAUSE_CHARS else None


def _inherit_attribution(quotes: list[RawQuote], article: ArticleQuotes) -> None:
    """Unattributed direct quotes take the speaker of their context (see module docstring)."""
    for n, quote in enumerate(quotes):
        if not quote.inherit:
            continue
        same_para = [
            q for q in quotes if q.paragraph == quote.paragraph and not q.inherit and q.speaker is not None
        ]
        before = [q for q in same_para if q.start < quote.start]
        after = [q for q in same_para if q.start > quote.start]
        dangling = article.dangling_cue(quote)
        if dangling is not None:
            quote.speaker, quote.cue, quote.speaker_rule = dangling
            quote.rule = "direct-dangling-cue"
            quote.inherit = False
            continue
        source = before[-1] if before else (after[0] if after else None)
        quote.rule = "direct-continuation"
        if source is None:
            quote.rule = "direct-next-paragraph"
            previous_para = article.previous_text_paragraph(quote.paragraph)
            previous = [q for q in quotes[:n] if q.paragraph == previous_para and q.speaker is not None]
            source = previous[-1] if previous else None
            if source is None and previous_para is not None:
                earlier = [q.speaker for q in quotes[:n] if q.speaker is not None]
                person = article.quoted_person_in(previous_para, earlier)
                if person is not None:
                    quote.speaker = person
                    quote.rule, quote.speaker_rule = "direct-quoted-person", "previous-paragraph-person"
                    quote.inherit = False
                    continue
        if source is None:
            continue
        quote.speaker = source.speaker
        quote.speaker_rule = "inherited"
        quote.cue = source.cue
        quote.addressee = source.addressee
        quote.channel = quote.channel or source.channel
        quote.inherit = False
    for quote in quotes:
        quote.inherit = False


def _learned_model(learned: bool | CueModel | None) -> CueModel | None:
    """None (the default: `kg.rules.USE_LEARNED_CUES`), True or False for the shipped
    model on or off, or a model of its own (the training script tries thresholds with it)."""
    if isinstance(learned, CueModel):
        return learned
    return cue_model() if (USE_LEARNED_CUES if learned is None else learned) else None


def find_quotes(doc: Doc, learned: bool | CueModel | None = None) -> list[RawQuote]:
    """The quotations of one parsed article; `learned` switches the learned cue step (rule
    `reported-learned`) on or off, see `_learned_model`."""
    return ArticleQuotes(doc).run(learned)
