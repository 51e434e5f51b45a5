"""Every attribution rule by name, in the order the extractor tries them, and every threshold.

A quotation records three names (in the graph: `qg:extractedBy`, `qg:speakerRule`, `qg:resolvedBy`,
each an IRI `https://w3id.org/quotegraph/rule/NAME` described in `ontology/quotegraph.ttl`):

* the **quotation rule** that found it (which pattern of text it matched),
* the **speaker rule** that found the speaker's mention beside the cue,
* the **resolution rule** that turned that mention into an entity of the article.

`kg eval --by-rule` scores each rule on its own, so a rule that costs more than it gains shows up by
name.  `tests/test_rules.py` has one made-up sentence per rule and checks that this table, the
ontology and the extractor agree.
"""

from __future__ import annotations

from dataclasses import dataclass

RULE_NAMESPACE = "https://w3id.org/quotegraph/rule/"


@dataclass(frozen=True)
class Rule:
    name: str
    stage: str  # "quotation", "speaker" or "resolution"
    example: str  # a made-up sentence the rule handles; the part it reads in [brackets]
    what: str

    @property
    def iri(self) -> str:
        return RULE_NAMESPACE + self.name


QUOTATION_RULES = (
    Rule("direct-lead", "quotation", "Peter Novak said: “[The results speak for themselves.]”",
         "A quoted clause after an attribution that ends in a colon, comma or the cue."),
    Rule("direct-tail", "quotation", "“[The bridge is safe,]” said Maria Gonzalez, the city engineer.",
         "A quoted clause followed by its attribution within the sentence."),
    Rule("direct-continuation", "quotation", "“We tried everything,” Laura Chen told reporters. “[Nothing worked.]”",
         "An unattributed quote takes the speaker of the quote beside it in the paragraph."),
    Rule("direct-dangling-cue", "quotation", "Ms. Chen summed up the danger with a metaphor at the fish counter. “[It is a wolf at the door.]”",
         "An unattributed quote takes a cue earlier in its paragraph that reports nothing else."),
    Rule("direct-next-paragraph", "quotation", "“The river rose faster than anyone expected,” said Tom Baker, a farmer.⏎“[By morning the whole field was under water.]”",
         "A paragraph that is one unattributed quote continues the previous paragraph's speaker."),
    Rule("direct-quoted-person", "quotation", "“The river rose fast,” said Tom Baker, a farmer.⏎Tom Baker walked to the barn at noon.⏎“[We lost the whole harvest in one night.]”",
         "An unattributed quote after a paragraph naming someone quoted before goes to that person."),
    Rule("direct-transcript-label", "quotation", "“The talks went well,” said Chris Wallace.⏎WALLACE: [Let us start with the debate.]",
         "A paragraph opening with a named person's name in capitals and a colon, as transcripts print it."),
    Rule("reported-clause", "quotation", "The mayor said [the ferry would reopen in May].",
         "The clausal complement of a reporting verb (said that …, told CNN …)."),
    Rule("reported-stray-that", "quotation", "The engineer warned for years that [the old dam would fail].",
         "A that-clause the parser hung under the cue's prepositional phrase."),
    Rule("reported-interrupted", "quotation", "[The economy, the minister said, is growing again].",
         "The clause a parenthetical attribution interrupts."),
    Rule("reported-according-to", "quotation", "[Prices rose 4 percent in March], according to the central bank.",
         "The clause 'according to X' is attached to."),
    Rule("reported-quoted-object", "quotation", "The union called [the plan “a betrayal of the workers”].",
         "An object or predicate of the cue holding a quoted fragment."),
    Rule("reported-infinitive", "quotation", "Mayor Ana Ruiz vowed [to reopen the ferry line before the summer].",
         "The to-infinitive of a commitment (vow, pledge, promise) or a request (urge, call on, ask)."),
    Rule("reported-learned", "quotation", "Senator Maria Lopez criticized [the governor for cutting the school budget by a third].",
         "What a verb the rules took nothing from reports (its clause, to-infinitive or object), when a model trained on PolNeAR takes it for speech (kg.extract.learned)."),
)

SPEAKER_RULES = (
    Rule("subject", "speaker", "[The mayor] said the ferry would reopen in May.", "The subject of the cue."),
    Rule("inverted-subject", "speaker", "The recovery, say [economists], will be slow this year.",
         "In an inverted parenthetical, the subject after the cue."),
    Rule("passive-agent", "speaker", "The plan was described as “a betrayal” by [the union].", "The by-agent of a passive cue."),
    Rule("relative-antecedent", "speaker", "The ferry is run by [Tom Baker], who said it would sail again in May.", "The noun a relative clause's cue hangs on."),
    Rule("participle-head", "speaker", "[The leader] of the union, saying the talks had failed, called a strike.",
         "The noun a participial cue modifies."),
    Rule("governing-subject", "speaker", "[Laura Chen] smiled and added that the talks had gone well.",
         "The subject of the verb a conjoined or subordinate cue depends on."),
    Rule("according-to-object", "speaker", "Prices rose 4 percent in March, according to [the central bank].", "The object of 'according to'."),
    Rule("medium-author", "speaker", "[The ministry]'s statement said the border would stay closed.",
         "Who wrote a medium that speaks (a statement, report or tweet of X)."),
    Rule("adjacent-noun", "speaker", "“We will rebuild the pier,” [Omar] told reporters on Friday.",
         "When the parse links no subject: the noun phrase beside the cue."),
    Rule("transcript-label", "speaker", "Chris Wallace hosted the show.⏎[WALLACE]: Let us start with the debate.",
         "The capitalised name before the colon of a transcript line."),
    Rule("inherited", "speaker", "“We tried everything,” [Laura Chen] told reporters. “Nothing worked.”", "Taken with the quotation from the quote it continues."),
    Rule("previous-paragraph-person", "speaker", "“The river rose fast,” said Tom Baker, a farmer.⏎[Tom Baker] walked to the barn at noon.⏎“We lost the whole harvest in one night.”",
         "The person named in the previous paragraph who was quoted before."),
)

RESOLUTION_RULES = (
    Rule("person-name", "resolution", "[Maria Gonzalez], the city engineer, said the bridge was safe.",
         "A person named at the head of the mention or in apposition to it."),
    Rule("known-surname", "resolution", "Maria Gonzalez inspected the bridge on Monday. [Gonzalez] said it was safe.", "A surname of a person the article names in full."),
    Rule("untagged-person-name", "resolution", "[Mayor Ana Ruiz] vowed to reopen the ferry line before the summer.",
         "A title or a known first name before a name the tagger missed."),
    Rule("pronoun", "resolution", "Maria Gonzalez inspected the bridge on Monday. [She] said it was safe.", "A pronoun: the most salient compatible entity before it."),
    Rule("organisation-name", "resolution", "[The World Health Organization] said the outbreak was under control.", "A named organisation."),
    Rule("company-anaphor", "resolution", "Acme Corp. closed two plants last year. [The company] said sales had fallen.", "The organisation named last before it."),
    Rule("organisation-noun", "resolution", "[The ministry] said the border would stay closed.", "An organisation described by its kind."),
    Rule("role-description", "resolution", "Ministry spokesman Ali Omar spoke on Monday. [The spokesman] said the border would stay closed.",
         "The person the article names with that role."),
    Rule("proper-noun", "resolution", "[Blorvex] said the ceasefire would hold.", "An untagged proper noun: an organisation or place."),
    Rule("group", "resolution", "[Officials] said the road would reopen on Monday.", "An unnamed source, kept as a group of the article."),
)

RULES = {rule.name: rule for rule in QUOTATION_RULES + SPEAKER_RULES + RESOLUTION_RULES}

# ---------------------------------------------------------------- thresholds
# Distances are in tokens unless said otherwise.

MAX_TAIL_CUE_DISTANCE = 14  # closing quote mark → the cue of its attribution ("…,” the spokesman for X said)
MAX_LEAD_SPEAKER_WORDS = 8  # words after a lead cue before the opening mark ("said Mr. Lee, the …: “")
MIN_UNATTRIBUTED_QUOTE_WORDS = 2  # shorter unattributed quoted stretches are titles or scare quotes
MIN_REPORTED_CHARS = 8  # a reported clause shorter than this is no statement
MIN_REPORTED_TOKENS = 3
SAME_AS_DIRECT_OVERLAP = 0.6  # a reported clause sharing this much with a direct quote is that quote
MAX_INTERRUPTING_CUE_TOKENS = 10  # "…, he said in a phone interview on Monday, …" is still a parenthesis
MIN_ACCORDING_TO_CLAUSE = 3  # words of the clause before "according to" for it to be the content
MIN_SEPARATE_CLAUSE_CHARS = 8  # what is left of a statement when a contrasting clause is cut off
PREVIOUS_PARAGRAPHS_SEARCHED = 3  # paragraphs back a caption or subhead is skipped over
ORGANISATION_ANAPHOR_WINDOW = 2000  # characters back "the company" looks for the organisation named

# The learned cue step (rule reported-learned); its probability threshold ships with its weights in
# kg/resources/cue-model.json, chosen on PolNeAR dev for precision (tools/train_cue_model.py).
USE_LEARNED_CUES = True

# Pronoun salience (after Lappin & Leass 1994): each mention adds 1 + its role's weight, halved
# for every sentence between it and the pronoun; the entity with the highest sum is chosen.
ROLE_WEIGHT = {"nsubj": 0.8, "nsubjpass": 0.8, "dobj": 0.5, "attr": 0.5, "dative": 0.4, "poss": -0.5}
SPEAKER_WEIGHT = 1.0  # a mention that is the speaker of a quotation
REPORTED_FACTOR = 0.5  # a mention inside reported speech is part of what was said
SENTENCE_DECAY = 0.5
MAX_SENTENCES_BACK = 8
