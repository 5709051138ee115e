"""More speaker rules (issue 7, round 3), each on a small hand-written article, real model."""

from __future__ import annotations

from support import enrich_paragraphs as _enrich
from support import quote_starting as _quote

from newsdesk.enrich.nlp import parse
from newsdesk.enrich.signatures import signed_inside


def test_the_agent_of_a_joined_verb_is_not_the_speaker() -> None:
    result = _enrich(
        "The comedian Sarah Silverman spoke on the first night of the convention.",
        "As the crowd began to chant, Silverman was joined on stage by Senator Al Franken "
        "and joked, “You people are being ridiculous tonight,” drawing loud jeers.",
    )
    assert _quote(result, "You people are being").speaker == "Sarah Silverman"


def test_a_capitalised_modal_before_a_past_form_is_a_name() -> None:
    result = _enrich(
        "The columnist George Will has long opposed the candidate.",
        "Citing last week’s attack as a wake-up call for voters and their “reveries about "
        "treating the presidency as an entry-level job,” Will urged the Republican electorate "
        "to abandon Donald Trump.",
    )
    assert _quote(result, "reveries about treating").speaker == "George Will"


def test_no_cue_inside_a_hyphenated_word() -> None:
    result = _enrich(
        "Donald Trump spoke to reporters on Thursday.",
        "Donald Trump referred to President Barack Obama as “the most valuable player” "
        "for the self-described Islamic State.",
    )
    assert _quote(result, "the most valuable player").cue != "described"


def test_whoever_sent_the_release_speaks_not_the_name_after_the_cue() -> None:
    result = _enrich(
        "Patrick Murphy held a conference call on Monday.",
        "Shortly after the call ended, Rubio’s campaign sent out a press release saying "
        "Murphy owes “Florida an explanation for his votes.”",
    )
    assert _quote(result, "Florida an explanation").speaker == "Rubio’s campaign"


def test_a_name_signed_on_the_last_line_inside_the_quote() -> None:
    body = (
        '"I worry that we may see a resurgence of old habits this year.\n'
        'Dean Baker, Center for Research."'
    )
    assert signed_inside(body, 1, len(body) - 1) == "Dean Baker"
    # a closing line of speech is not a signature
    speech = '"I worry that we may see a resurgence of old habits this year.\nThank you."'
    assert signed_inside(speech, 1, len(speech) - 1) is None


def test_a_cue_right_after_a_partial_quote() -> None:
    result = _enrich(
        "Senator Marco Rubio appeared on Fox News right after the speech.",
        'Nothing the president said "will assuage the fears of the people," the Florida '
        "senator said.",
    )
    assert _quote(result, "will assuage the fears").speaker == "Florida senator"


def test_a_restrictive_clause_stays_with_a_described_speaker() -> None:
    result = _enrich(
        "Hillary Clinton campaigned in Iowa on Thursday.",
        "The groups who wrote to her on Thursday say they are “concerned your campaign is "
        "sending mixed messages.”",
    )
    speaker = _quote(result, "concerned your campaign").speaker
    assert speaker is not None and "Thursday" in speaker


def test_a_cue_in_its_own_while_clause_keeps_its_subject() -> None:
    result = _enrich(
        "The candidates met in Houston for the debate.",
        "Marco Rubio suggested that someone who does not answer questions cannot be "
        "president, while Ted Cruz said that the “stakes in this election are too high” for "
        "Trump to be the nominee.",
    )
    assert _quote(result, "stakes in this election").speaker == "Ted Cruz"


def test_a_passive_cue_without_agent_is_not_its_subjects_words() -> None:
    result = _enrich(
        "Donald Trump held a rally in Janesville on Tuesday.",
        "Donald Trump defended his campaign manager as a “very decent man” on Tuesday, hours "
        "after the staffer was charged with battery in Florida.",
    )
    assert _quote(result, "very decent man").speaker == "Donald Trump"


def test_a_quoted_paragraph_signed_at_the_end_of_the_next() -> None:
    result = _enrich(
        "Richard Viguerie is upbeat about the chances of Ted Cruz in November.",
        "“Not only can he win in November, he is the one with the best chance of winning.”",
        "“He may be the only one, because the others do not unite the party,” Viguerie notes.",
    )
    speaker = _quote(result, "Not only can he win").speaker
    assert speaker is not None and "Viguerie" in speaker


def test_the_noun_right_before_a_verb_left_without_subject() -> None:
    result = _enrich(
        "Hillary Clinton gave several interviews on Friday.",
        "In an interview with Morning Joe hosts Joe Scarborough and Mika Brzezinski, the "
        "Democratic presidential candidate stated that Trump’s “divisive” comments do not "
        "“fit with what I thought I knew about him.”",
    )
    speaker = _quote(result, "fit with what I thought").speaker
    assert speaker is not None and "candidate" in speaker


def test_the_name_before_a_clause_between_commas_is_the_subject() -> None:
    result = _enrich(
        "Not everyone was claiming success for Donald Trump.",
        "“We’ve had more successful conventions than this one,” Texas delegate Bill "
        "Eastland, wearing a cowboy hat and “Ted Cruz” campaign pins, said matter-of-factly "
        "as confetti fluttered down around him.",
    )
    speaker = _quote(result, "We’ve had more successful").speaker
    assert speaker is not None and "Eastland" in speaker


def test_a_long_described_speaker_keeps_its_first_phrases() -> None:
    result = _enrich(
        "The gunman posted several messages on Facebook during the attack.",
        "One message said: “You kill innocent women and children by doing air strikes,” "
        "according to a letter to Facebook from the chairman of the U.S. Senate Committee "
        "on Homeland Security.",
    )
    assert _quote(result, "You kill innocent").speaker == "letter to Facebook from the chairman"


def test_a_described_subject_after_a_quote_that_goes_on() -> None:
    result = _enrich(
        "Thomas Perez, the labor secretary, visited the convention floor on Monday.",
        '"Will he be the next attorney general?" a Democratic staffer in the room wondered.',
    )
    assert _quote(result, "Will he be the next").speaker == "Democratic staffer in the room"


def test_a_participle_after_a_comma_is_not_part_of_a_described_speaker() -> None:
    result = _enrich(
        "A Canadian diplomat, speaking on the condition of anonymity to discuss the minister’s "
        "travel plans, said Monday that Trudeau “will sit down with anyone who comes to Ottawa "
        "and asks for a meeting.”"
    )
    assert _quote(result, "will sit down with anyone").speaker == "Canadian diplomat"


def test_a_speaker_never_ends_on_a_dangling_word() -> None:
    result = _enrich(
        'In a downtown park, a crowd held photos of the victims. Juan "Chico" Manriquez of '
        'Oakland carried one of the photos. "I pretty much cried the whole way there," he said.'
    )
    assert _quote(result, "I pretty much cried").speaker == 'Juan "Chico" Manriquez'


def test_a_definite_description_an_apposition_gave_a_person_is_that_person() -> None:
    result = _enrich(
        "Maria Ortega, the police chief, told reporters on Monday that crime fell last year.",
        "At a meeting with shop owners, the police chief said: “We will put more officers on "
        "these streets by the summer.”",
    )
    quote = _quote(result, "We will put more officers")
    assert (quote.speaker, quote.role) == ("Maria Ortega", "police chief")


def test_whoever_leads_in_a_quote_with_a_colon_speaks_it() -> None:
    result = _enrich(
        "When Senator Tom Baker suggested that the city would sue the state over the new law, "
        "Mayor Ana Ruiz fired back forcefully: “If they sue us in a court in this county, they "
        "are going to lose.”"
    )
    assert _quote(result, "If they sue us").speaker == "Ana Ruiz"


def test_a_colon_lead_in_skips_a_what_clause() -> None:
    result = _enrich(
        "Ana Ruiz has since apologized for what happened: “I should have called the families "
        "first. Not doing so was a mistake, and I take full responsibility.”"
    )
    assert _quote(result, "I should have called").speaker == "Ana Ruiz"


def test_a_sentence_inside_an_open_quoted_paragraph_is_no_speaker() -> None:
    result = _enrich(
        "Councilwoman Rita Gomez called for a new vote on the district maps on Tuesday.",
        "Gomez stated:",
        '"The state board isn’t about “fair maps for every town” anymore. It’s about the '
        "governor’s plan to keep power at any cost.",
        '"The latest example of this overreach is Governor Dan Hill signing the “Map Bill,” '
        "which splits our town in three pieces.",
        '"We will fight this in court, and we will win this fight for our neighbors."',
    )
    for start in ("fair maps for every town", "Map Bill", "We will fight this"):
        assert "Gomez" in (_quote(result, start).speaker or ""), start


def test_the_noun_a_relative_clause_before_a_subjectless_cue_describes() -> None:
    result = _enrich(
        "Although there is no such overlap with Mayor Ana Ruiz's team, a White House official "
        'who spoke anonymously to discuss internal strategy said Wednesday, "Certainly there '
        'are discussions between the White House and the Ruiz campaign."'
    )
    speaker = _quote(result, "Certainly there are discussions").speaker or ""
    assert speaker.startswith("White House official")


def test_a_noun_before_a_who_clause_between_commas_is_the_subject() -> None:
    result = _enrich(
        "One donor, who like others spoke on the condition of anonymity to discuss the private "
        'dinner, said the message was that "this race is not going to be over in March as '
        'much as we would all like it to be."'
    )
    assert _quote(result, "this race is not going").speaker == "One donor"


def test_words_woven_into_a_relative_clause_are_its_subjects() -> None:
    result = _enrich(
        "The mayor herself took to the airwaves on Wednesday night during an interview with a "
        "local station, in which Ruiz expressed confidence that the budget fight would not be "
        "an issue “that is going to hurt either the city or my campaign.”"
    )
    assert _quote(result, "that is going to hurt").speaker == "Ruiz"


def test_a_who_clause_naming_where_a_described_speaker_works_stays_with_it() -> None:
    result = _enrich(
        '"It is hard enough to come back to work after a long illness," said the engineer, '
        'who works for another team at Acme Systems. "But the new rules make it harder."'
    )
    assert _quote(result, "It is hard enough").speaker == (
        "engineer, who works for another team at Acme Systems"
    )
    result = _enrich(
        '"It is hard enough to come back to work after a long illness," said the engineer, '
        'who asked not to be named. "But the new rules make it harder."'
    )
    assert _quote(result, "It is hard enough").speaker == "engineer"


def test_a_preposition_the_parser_made_a_subject_is_no_speaker() -> None:
    result = _enrich(
        "The lawyer Sam Levin and the donor Jo Patel and the banker Ann Sloane met donors on "
        "Friday.",
        "Of Baker, Sloane, who has donated to Mark Reyes, said, “He’s flat-out wrong. I think "
        "he’s a kind man, but he’s totally lost.”",
    )
    assert _quote(result, "He’s flat-out wrong").speaker == "Ann Sloane"


def test_a_verb_the_parser_hung_on_a_root_subject_gives_that_subject() -> None:
    result = _enrich(
        "Two defense analysts, Laura Finch and Omar Reyes, found in 2019 that the Royal Air "
        "Force is “the finest in the world“ and British ground forces are “the finest in "
        "Western Europe.”"
    )
    assert _quote(result, "the finest in Western").speaker in {"Laura Finch", "Omar Reyes"}


def test_a_closing_mark_glued_to_the_speakers_name_is_split_off() -> None:
    # '...,”Clinton said': no space after the closing mark; the name must be a token
    # of its own so the parse gives the cue a subject
    doc = next(parse(["“We are going to win this state,”Clinton said on Monday."]))
    assert "Clinton" in [t.text for t in doc]
    result = _enrich(
        "Hillary Clinton and Donald Trump both held rallies in Ohio.",
        "“We are going to win this state by a lot,”Trump said. “Ohio is ours,”Clinton said.",
    )
    assert _quote(result, "We are going to win").speaker == "Donald Trump"
