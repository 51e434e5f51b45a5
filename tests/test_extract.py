"""The extractor's general patterns, one test each, on real spaCy parses.

Each sentence is made up for the pattern (not taken from the gold articles), so a pass means the
pattern works, not that one gold sentence is memorised.
"""

from __future__ import annotations

import pytest

from kg.analysis import analyse
from kg.model import Analysis, Article


def run(nlp, text: str) -> Analysis:
    return analyse(Article(id="t", text=text), nlp)


def speaker_name(analysis: Analysis, index: int = 0) -> str | None:
    quote = analysis.quotations[index]
    entity = analysis.entity(quote.speaker)
    return entity.name if entity else None


def test_offsets_slice_back_to_content(nlp):
    text = "“We will rebuild the bridge,” Mayor Ana Lopez said on Friday.\nShe added that work starts in May."
    analysis = run(nlp, text)
    assert analysis.quotations
    for quote in analysis.quotations:
        assert text[quote.start : quote.end] == quote.content


def test_direct_quote_with_trailing_attribution(nlp):
    analysis = run(nlp, "“The bridge is safe,” said Maria Gonzalez, the city engineer.")
    quote = analysis.quotations[0]
    assert (quote.type, quote.content, quote.cue) == ("direct", "The bridge is safe,", "said")
    assert speaker_name(analysis) == "Maria Gonzalez"


def test_direct_quote_with_leading_attribution(nlp):
    analysis = run(nlp, "Peter Novak said: “The results speak for themselves.”")
    assert [q.type for q in analysis.quotations] == ["direct"]
    assert analysis.quotations[0].content == "The results speak for themselves."
    assert speaker_name(analysis) == "Peter Novak"


def test_split_quote_second_half_takes_the_same_speaker(nlp):
    text = "“We tried everything,” Laura Chen told reporters. “Nothing worked.”"
    analysis = run(nlp, text)
    assert [q.content for q in analysis.quotations] == ["We tried everything,", "Nothing worked."]
    assert {speaker_name(analysis, 0), speaker_name(analysis, 1)} == {"Laura Chen"}


def test_unattributed_paragraph_continues_previous_speaker(nlp):
    text = (
        "“The river rose faster than anyone expected,” said Tom Baker, a farmer near the town.\n"
        "“By morning the whole field was under water and the animals were gone.”"
    )
    analysis = run(nlp, text)
    assert len(analysis.quotations) == 2
    assert speaker_name(analysis, 1) == "Tom Baker"


def test_indirect_speech_with_that(nlp):
    analysis = run(nlp, "The ministry said that the new rules would take effect next month.")
    quote = analysis.quotations[0]
    assert quote.type == "indirect"
    assert quote.content == "the new rules would take effect next month"
    assert speaker_name(analysis) == "ministry"


def test_indirect_speech_before_its_attribution_with_addressee(nlp):
    analysis = run(nlp, "The factory will close in June, a company spokeswoman told Reuters.")
    quote = analysis.quotations[0]
    assert quote.content == "The factory will close in June"
    assert quote.cue == "told"
    assert analysis.entity(quote.addressee).name == "Reuters"


def test_according_to(nlp):
    analysis = run(nlp, "Unemployment fell to 4 percent in March, according to the Labor Department.")
    quote = analysis.quotations[0]
    assert quote.cue == "according to"
    assert quote.content == "Unemployment fell to 4 percent in March"
    assert speaker_name(analysis) == "Labor Department"


def test_mixed_quote_keeps_reported_clause(nlp):
    analysis = run(nlp, "The senator said the plan was “dead on arrival” in the House.")
    quote = analysis.quotations[0]
    assert quote.type == "mixed"
    assert "“dead on arrival”" in quote.content


def test_negated_and_hypothetical_speech_is_not_a_quotation(nlp):
    text = (
        "The agency did not say when the report would be released. "
        "A spokesman declined to say whether talks would resume."
    )
    assert run(nlp, text).quotations == []


def test_scare_quotes_and_titles_are_not_quotations(nlp):
    text = "The so-called “reform” passed easily. She starred in “The Long Night” last year."
    assert run(nlp, text).quotations == []


def test_pronoun_speaker_resolves_to_previous_person(nlp):
    text = (
        "“Prices will fall,” said Daniel Okafor, an economist at the bank.\n"
        "He added that wages would rise more slowly."
    )
    analysis = run(nlp, text)
    assert [speaker_name(analysis, i) for i in range(len(analysis.quotations))] == ["Daniel Okafor"] * 2


def test_surname_and_title_resolve_to_full_name(nlp):
    text = (
        "Sarah Lindqvist runs the shelter.\n"
        "“We are full every night,” Ms. Lindqvist said.\n"
        "“We need more beds,” Lindqvist added."
    )
    analysis = run(nlp, text)
    assert {speaker_name(analysis, i) for i in range(len(analysis.quotations))} == {"Sarah Lindqvist"}


def test_role_description_resolves_to_named_person(nlp):
    text = (
        "Exports will double by 2030, a trade ministry spokesman told CNN.\n"
        "Trade ministry spokesman Omar Haddad said the target was realistic."
    )
    analysis = run(nlp, text)
    assert speaker_name(analysis, 0) == "Omar Haddad"


def test_unnamed_group_keeps_its_noun_phrase(nlp):
    analysis = run(nlp, "Analysts said the merger would face scrutiny from regulators.")
    quote = analysis.quotations[0]
    entity = analysis.entity(quote.speaker)
    assert entity is not None and entity.kind == "Group"
    assert entity.name.lower() == "analysts"


def test_channel_and_time_of_speech(nlp):
    analysis = run(nlp, "On Tuesday, the company said in a statement that it would cut 200 jobs.")
    quote = analysis.quotations[0]
    assert quote.channel == "statement"
    assert quote.time_text == "Tuesday"
    assert quote.content == "it would cut 200 jobs"


def test_tweet_channel_from_cue(nlp):
    analysis = run(nlp, "The governor tweeted that schools would reopen on Monday.")
    assert analysis.quotations[0].channel == "tweet"


@pytest.mark.parametrize("verb", ["warned", "insisted", "admitted", "announced", "claimed", "argued"])
def test_reporting_verbs_beyond_said(nlp, verb):
    analysis = run(nlp, f"The minister {verb} that the budget would be balanced next year.")
    assert len(analysis.quotations) == 1
    assert analysis.quotations[0].cue == verb


def test_straight_quotes_work_like_curly_ones(nlp):
    analysis = run(nlp, '"We are not leaving," said Ruth Adler.')
    assert analysis.quotations[0].content == "We are not leaving,"
    assert speaker_name(analysis) == "Ruth Adler"


def test_passive_attribution_uses_the_agent(nlp):
    analysis = run(nlp, "The decision was described as “a betrayal” by the teachers’ union.")
    assert analysis.quotations
    name = speaker_name(analysis)
    assert name is not None and "union" in name.lower()


def test_interrupting_attribution(nlp):
    analysis = run(nlp, "If the rain continues, she warned, the harvest will be lost.\n")
    # No earlier person to resolve "she" to: the statement is found but stays unattributed.
    assert all(q.speaker is None or analysis.entity(q.speaker) for q in analysis.quotations)


def test_empty_and_quote_free_text(nlp):
    assert run(nlp, "The weather was fine.").quotations == []
    assert run(nlp, "“").quotations == []


def test_single_quotes_in_british_style(nlp):
    analysis = run(nlp, "‘We have been let down by the council,’ said Margaret Hughes, a resident.")
    assert [q.content for q in analysis.quotations] == ["We have been let down by the council,"]
    assert speaker_name(analysis) == "Margaret Hughes"


def test_apostrophes_are_not_single_quotes(nlp):
    analysis = run(nlp, "The Parkers’ house and the twins’ school were closed, officials said.")
    assert [q.type for q in analysis.quotations] == ["indirect"]


def test_a_written_medium_gives_way_to_its_author(nlp):
    analysis = run(nlp, "Rents rose by 9 percent last year, according to a report from the Housing Council.")
    quote = analysis.quotations[0]
    assert speaker_name(analysis) == "Housing Council"
    assert quote.channel == "report"


def test_according_to_reports_only_its_own_clause(nlp):
    text = "The chain is expanding fast — it opened 40 stores last year, according to Retail Watch."
    analysis = run(nlp, text)
    assert analysis.quotations[0].content == "it opened 40 stores last year"


def test_inverted_parenthetical_attribution(nlp):
    analysis = run(nlp, "The recovery, say economists, will take years.")
    assert analysis.quotations
    entity = analysis.entity(analysis.quotations[0].speaker)
    assert entity is not None and entity.name.lower() == "economists"


def test_the_company_refers_back_to_the_named_organisation(nlp):
    text = "Acme Corp cut its forecast on Monday. The company said demand had weakened in Europe."
    analysis = run(nlp, text)
    assert speaker_name(analysis) == "Acme Corp"


def test_separate_clause_with_its_own_speaker_is_split_off(nlp):
    text = (
        "Mr. Grant also claimed the cuts would pay for themselves even as the budget office "
        "estimated that they would add $90 billion to the deficit."
    )
    analysis = run(nlp, text)
    contents = [q.content for q in analysis.quotations]
    assert any(c.startswith("the cuts would pay for themselves") and "estimated" not in c for c in contents)
    assert any(c.startswith("they would add $90 billion") for c in contents)


def test_long_organisation_names_cut_short_by_ner_are_restored(nlp):
    text = "Tourism fell 30 percent, according to the World Travel and Tourism Council, an industry body."
    assert speaker_name(run(nlp, text)) == "World Travel and Tourism Council"


def test_quote_split_around_a_long_attribution(nlp):
    text = "“We’re concerned,” said Dr. Anne Wu, chief of medicine at St. Mary’s Hospital, “but not alarmed.”"
    analysis = run(nlp, text)
    assert [q.content for q in analysis.quotations] == ["We’re concerned,", "but not alarmed."]
    assert {speaker_name(analysis, 0), speaker_name(analysis, 1)} == {"Anne Wu"}


def test_questions_attributed_with_asked(nlp):
    analysis = run(nlp, "Maria Lopez runs the clinic.\n“Why now?” she asked.")
    assert [q.content for q in analysis.quotations] == ["Why now?"]
    assert speaker_name(analysis) == "Maria Lopez"


def test_each_span_is_reported_once(nlp):
    text = "To cut costs, the officials said, the city closed two pools, “so the budget balances,” Mr. Reyes said."
    analysis = run(nlp, text)
    spans = [(q.start, q.end) for q in analysis.quotations]
    assert spans and len(spans) == len(set(spans))
