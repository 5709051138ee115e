"""Speaker rules and the selective parse, each on a small article, with the real model."""

from __future__ import annotations

from support import enrich_paragraphs as _enrich
from support import quote_starting as _quote

from newsdesk.enrich.nlp import parse


def test_unlisted_verb_right_after_a_quote_is_its_cue() -> None:
    result = _enrich(
        "Sean Hannity interviewed Donald Trump on Tuesday.",
        "“Would it be negotiable about the 11 million?” Hannity pressed.",
    )
    quote = _quote(result, "Would it be negotiable")
    assert quote.speaker is not None and "Hannity" in quote.speaker  # NER: ORG
    assert quote.cue == "pressed"


def test_a_cue_in_the_next_paragraph_is_not_the_quotes() -> None:
    result = _enrich(
        "Ohio Secretary of State Jon Husted applauded the ruling.",
        "“Ohio offers a generous number of days to vote,” Husted said in a statement. "
        "“I hope the Democrats will end their wasteful lawsuits.”",
        "Ohio Democratic Party chairman David Pepper said the fight was not over.",
    )
    assert _quote(result, "I hope the Democrats").speaker == "Jon Husted"


def test_speaker_label_before_a_quote() -> None:
    result = _enrich(
        "Jeb Bush and Hillary Clinton reject the term containment.",
        'Clinton: "Our goal is not to deter or contain ISIS, but to defeat it." '
        'Bush: "The mission is to destroy ISIS, not to contain it."',
    )
    assert _quote(result, "Our goal is not").speaker == "Hillary Clinton"
    assert _quote(result, "The mission is").speaker == "Jeb Bush"


def test_passive_cue_gives_the_agent() -> None:
    result = _enrich(
        "Marco Rubio was asked by Fox Business moderator Gerard Baker, "
        "“Would your plan add another expensive entitlement program?”"
    )
    assert _quote(result, "Would your plan").speaker == "Gerard Baker"


def test_name_the_parser_left_beside_the_cue() -> None:
    result = _enrich(
        "Jorge Ramos has covered the campaign for months.",
        "“We were tremendously wrong to not have confronted him from the beginning,” "
        "Ramos, 58, told AFP in an interview in Mexico City on Monday.",
    )
    assert _quote(result, "We were tremendously wrong").speaker == "Jorge Ramos"


def test_a_date_alone_in_quotation_marks_is_not_a_quote() -> None:
    result = _enrich('The post, stamped "March 7, 2016", was shared by Donald Trump.')
    assert not [q for q in result.quotes if "2016" in q.text]


def test_parse_keeps_the_text_and_parses_only_where_speech_may_be() -> None:
    body = (
        "Vladimir Putin met Kim Jong Un in Vostochny.\n\n"
        "“The talks went well,” Putin said on Wednesday."
    )
    doc = next(parse([body]))
    assert doc.text == body
    assert {e.text for e in doc.ents} >= {"Vladimir Putin", "Kim Jong Un"}
    said = next(t for t in doc if t.text == "said")
    assert said.tag_ == "VBD" and said.dep_ == "ROOT"
    met = next(t for t in doc if t.text == "met")
    assert met.tag_ == ""  # no quotation mark, no reporting word: not parsed
    putin = next(t for t in doc if t.text == "Putin" and t.i > met.i)
    assert putin.pos_ == "PROPN"


def test_a_subject_across_the_quote_is_not_the_speaker() -> None:
    result = _enrich(
        "Voters in the Netherlands turned down the treaty last week.",
        'The vote on the treaty signals "the beginning of the end" for the union, '
        "said Geert Wilders, leader of the Party for Freedom.",
    )
    assert _quote(result, "the beginning of the end").speaker == "Geert Wilders"


def test_the_subject_nearest_the_verb_speaks() -> None:
    result = _enrich(
        "Speaking at a town hall in Salem, New Hampshire, Donald Trump went after "
        "Jeb Bush, calling him “a total stiff.”"
    )
    assert _quote(result, "a total stiff").speaker == "Donald Trump"


def test_a_cue_with_its_own_subject_does_not_climb() -> None:
    result = _enrich(
        "Bill Clinton visited the polling station on Tuesday.",
        "At one point, a woman asked for a photo and Clinton said, "
        "“as long as we are not breaking any election laws.”",
    )
    assert _quote(result, "as long as we are").speaker == "Bill Clinton"


def test_by_saying_and_quoted_as_saying_reach_the_subject() -> None:
    result = _enrich(
        "Ohio Secretary of State Jon Husted lost the case on Friday.",
        "Husted answered by saying, “We will appeal this decision to the Supreme Court.”",
        "“Our method works where others fail,” Matt Braynard is quoted as saying.",
    )
    assert _quote(result, "We will appeal").speaker == "Jon Husted"
    assert _quote(result, "Our method works").speaker == "Matt Braynard"


def test_the_described_speaker_after_an_inverted_cue() -> None:
    result = _enrich(
        "Jeb Bush and Donald Trump held rallies in Manchester.",
        "“It is Jeb’s to lose at this point,” added another New Hampshire Democrat.",
        "“I am not going to say it was a mistake,” said retired neurosurgeon Ben Carson, "
        "asked about his claims.",
    )
    assert _quote(result, "It is Jeb’s").speaker == "another New Hampshire Democrat"
    assert _quote(result, "I am not going").speaker == "Ben Carson"


def test_what_a_verb_acts_on_is_not_its_speaker() -> None:
    result = _enrich(
        'Hillary Clinton opposes "arbitrary pay freezes" and recalled the freeze on '
        'federal pay rates: "I saw how hard it was for the employees."'
    )
    assert _quote(result, "I saw how hard").speaker == "Hillary Clinton"


def test_the_cue_against_the_quote_wins_over_one_further_off() -> None:
    result = _enrich(
        "Donald Trump and Becky Quick clashed at the debate.",
        '"I never said that. I never said that," Trump said, after CNBC\'s Becky Quick said '
        "the front-runner had called Marco Rubio a puppet.",
    )
    assert _quote(result, "I never said that").speaker == "Donald Trump"


def test_a_described_speaker_keeps_its_phrase_but_not_its_clause() -> None:
    result = _enrich(
        "Paul Manafort ran the convention for Donald Trump.",
        "“Paul’s knowledge is about 20 years old,” said a longtime adviser to Trump, "
        "who declined to be identified.",
        "“If we want minority voters to support us, we have to engage them,” wrote the "
        "authors of the “Growth and Opportunity Project,” giving an example.",
    )
    assert _quote(result, "Paul’s knowledge").speaker == "longtime adviser to Trump"
    speaker = _quote(result, "If we want minority").speaker
    assert speaker is not None and "Growth and Opportunity Project" in speaker


def test_a_lead_in_ending_the_paragraph_before_with_a_colon() -> None:
    result = _enrich(
        "The New York Times made the same charge in February, and Breitbart News responded:",
        "“If there are people in this country who are that dangerous, the answer is not "
        "to punish the law-abiding.”",
    )
    assert _quote(result, "If there are people").speaker == "Breitbart News"


def test_a_speaker_label_after_a_dash() -> None:
    result = _enrich(
        "Polls were off in Iowa, and Donald Trump noticed.",
        "Pollsters agree - Carl Bialik: “Keep on contacting voters as late as possible.” "
        "Voters were surveyed twice - Frank Newport and Jim Harter: “We found that inspiring "
        "candidates do best.”",
    )
    assert _quote(result, "Keep on contacting").speaker == "Carl Bialik"
    speaker = _quote(result, "We found that").speaker
    assert speaker is not None and "Jim Harter" in speaker


def test_no_cue_the_main_clause_subject_speaks() -> None:
    result = _enrich(
        "Barack Obama announced new gun rules on Tuesday; Donald Trump objected.",
        "Moore thanked him for “stepping up and taking action when Congress won’t.”",
        "On Saturday, Trump issued a statement saying that Scalia was “a remarkable person "
        "and a brilliant justice.”",
        "A 2014 House Intelligence Committee report found “no evidence that there was a "
        "stand down order.”",
    )
    assert _quote(result, "stepping up").speaker == "Moore"
    assert _quote(result, "a remarkable person").speaker == "Donald Trump"
    speaker = _quote(result, "no evidence").speaker
    assert speaker is not None and "House Intelligence Committee report" in speaker


def test_no_cue_a_subject_holding_the_quote_is_not_the_speaker() -> None:
    result = _enrich(
        "Jared Sexton attended the rally in Greensboro.",
        "The cries of “Lock her up now!” rattled Sexton.",
    )
    assert _quote(result, "Lock her up").speaker != "cries"


def test_a_name_signed_after_the_quote_with_a_dash() -> None:
    result = _enrich(
        "Readers wrote in about Hillary Clinton's speech.",
        "“I watched the whole speech and I still do not know what she wants to do.” ― Ann Lee",
        "“The plan is simply wearing thin with voters.” — and more of the same followed.",
    )
    assert _quote(result, "I watched the whole speech").speaker == "Ann Lee"
    assert _quote(result, "The plan is simply").speaker != "and"


def test_a_signature_with_no_space_before_the_dash_or_a_trailing_nbsp() -> None:
    # quote boxes pasted from the web: '”―' with no space, a no-break space after
    # the name, one quote per line under one blank-line paragraph
    result = _enrich(
        "Readers wrote in about the debate.",
        "“The debate showed me nothing new about either of them.” ― Ann Lee\n"
        "“During the debate he never answered a single question.”― Bo Diaz\u00a0\n"
        "“Nobody on that stage spoke to people like my parents.”\u00a0―\u00a0Cy Ruiz",
    )
    assert _quote(result, "The debate showed me").speaker == "Ann Lee"
    assert _quote(result, "During the debate he").speaker == "Bo Diaz"
    assert _quote(result, "Nobody on that stage").speaker == "Cy Ruiz"


def test_a_cue_sentences_later_does_not_take_the_quote_from_its_speaker() -> None:
    result = _enrich(
        "“We are going to win this election,” Hillary Clinton told reporters as she left "
        "the meeting. “We are going to take back the House and the Senate.” Clinton did "
        "not stop to answer questions, but at least a dozen members of Congress told "
        "reporters she thinks the House is within reach."
    )
    assert _quote(result, "We are going to take back").speaker == "Hillary Clinton"


def test_an_unlisted_verb_before_its_subject_right_after_the_quote() -> None:
    result = _enrich(
        "Barack Obama praised Muslim athletes in his speech; Donald Trump disagreed.",
        "“What sport is he talking about, and who? Is he profiling?” reacted Trump.",
        "“A person and a personal senator are not the same thing,” Mitt Romney said.",
    )
    assert _quote(result, "What sport is he").speaker == "Donald Trump"
    assert _quote(result, "A person and a personal").speaker == "Mitt Romney"


def test_a_person_further_before_the_cue_beats_a_nearer_organisation() -> None:
    result = _enrich(
        "“Very good reporter, very good reporter this guy,” Donald Trump, the 2016 GOP "
        "presidential frontrunner nationally and current polling leader in South Carolina by "
        "a wide margin after winning the New Hampshire primaries, said when Boyle asked him "
        "a question."
    )
    assert _quote(result, "Very good reporter").speaker == "Donald Trump"


def test_a_colon_lead_in_speaks_even_when_parsed_into_the_quote() -> None:
    result = _enrich(
        "Donald Trump kept attacking his former rivals this week.",
        "Senate Majority Leader Mitch McConnell, R-Ky., delivered a blunt message to Trump: "
        '"It is time to quit attacking various people that you competed with and get on '
        'message."',
    )
    assert _quote(result, "It is time to quit").speaker == "Mitch McConnell"


def test_as_someone_put_it() -> None:
    result = _enrich(
        "Justin Bieber has finally dethroned Adele, and Ted Cruz noticed.",
        "As Vulture put it, “Hello, it is the Biebs.”",
        '"The bullying," Chris Wallace said, as the crowd cheered. "The greed and the '
        'showing off."',
    )
    assert _quote(result, "Hello, it is the Biebs").speaker == "Vulture"
    assert _quote(result, "The greed and the").speaker == "Chris Wallace"


def test_a_cue_inside_what_another_cue_reports_gives_way() -> None:
    result = _enrich(
        "Donald Trump spoke to Fox on Friday.",
        "At one point, Trump said Fox executives were calling “every 15 minutes.”",
        "Law enforcement sources have said the suspect said “no more baby parts” to officers.",
    )
    assert _quote(result, "every 15 minutes").speaker == "Donald Trump"
    speaker = _quote(result, "no more baby parts").speaker
    assert speaker is not None and "Law enforcement sources" in speaker


def test_words_woven_into_a_sentence_are_its_subjects_not_the_last_speakers() -> None:
    result = _enrich(
        "“We will cut taxes for every family in the state,” Governor Maria Lopez said on Monday. "
        "Senator Tom Becker worried that the plan was “a gift to the wealthiest donors.”",
    )
    assert _quote(result, "We will cut taxes").speaker == "Maria Lopez"
    assert _quote(result, "a gift to the wealthiest").speaker == "Tom Becker"


def test_a_name_signed_on_the_line_under_a_quote() -> None:
    result = _enrich(
        "Quotable.",
        '"I will look into it, but I do not know the status of those records yet."',
        "- Senator Ann Whitfield.",
        "Whitfield has promised that for months, and Governor Ray Dunn disagrees.",
    )
    speaker = _quote(result, "I will look into it").speaker
    assert speaker is not None and "Whitfield" in speaker


def test_a_long_description_keeps_its_words_up_to_the_first_comma() -> None:
    result = _enrich(
        "A coalition of 40 Midwestern farmers, truckers, nurses and teachers wrote to the "
        "governor on Friday and said that “the new toll will ruin small towns across the state.”",
    )
    speaker = _quote(result, "the new toll will ruin").speaker
    assert speaker is not None and "Midwestern farmers" in speaker


def test_transcript_lines_quoted_with_speaker_labels() -> None:
    result = _enrich(
        "Anchor Dana Reyes questioned Governor Paul Hart on Sunday. A transcript follows:",
        '"REYES: Governor, will you sign the budget that the legislature passed last week?',
        '"HART: I will sign it on Monday, because the schools cannot wait any longer for it."',
        "Rubio spokesman Alex Conant tweeted about it. "
        "\"Hart: 'I will sign it on Monday.' Reyes: 'The schools can wait.'\"",
    )
    assert "Reyes" in (_quote(result, "REYES: Governor").speaker or "")
    assert "Hart" in (_quote(result, "HART: I will sign").speaker or "")
    # a label inside a quote its cue reports is not a transcript line
    assert _quote(result, "Hart: 'I will sign").speaker == "Alex Conant"


def test_went_on_to_say_is_a_cue() -> None:
    result = _enrich(
        "“The budget is a disaster for working families,” Governor Paul Hart said on Monday. "
        "Mayor Lena Ortiz went on to say, “The budget keeps every "
        "library in the city open and hires forty new teachers.”",
    )
    assert _quote(result, "The budget keeps every").speaker == "Lena Ortiz"
