"""What the agent takes from the callee's words: the intent, and the details of a time they choose."""

import pytest

from agent.dialogue.understanding import understand


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("Yes, speaking.", "yes"),
        ("Yes, this is Susan.", "yes"),
        ("Yeah that's me", "yes"),
        ("No thanks, I'm not interested.", "not_interested"),
        ("Please take me off your list", "opt_out"),
        ("Stop calling me!", "opt_out"),
        ("Yes, but don't call me again", "opt_out"),  # an opt-out wins over anything else said with it
        ("Sorry, wrong number", "wrong_person"),
        ("There's no one by that name here", "wrong_person"),
        ("I'm driving, can you call me back later?", "callback"),
        ("Who is this?", "who"),
        ("Can I speak to a real person?", "ask_person"),
        ("Could you repeat that?", "repeat"),
        ("The second one please.", "choose"),
        ("Thursday afternoon works for me.", "choose"),
        ("Is Thursday at 2 free?", "choose"),
        ("Not this week", "choose"),
        ("No", "no"),
        ("Mm-hm, the weather is nice", "unclear"),
        ("", "unclear"),
        # Ways the seventh blind set said things that were missed (written differently here)
        ("Oh great, another one of your robocalls.", "opt_out_unsure"),
        ("I'm fed up with answering all these calls.", "opt_out_unsure"),
        ("Your calling is getting out of hand, honestly.", "opt_out_unsure"),
        ("Kevin's not here, he left an hour ago.", "not_available"),
        ("Oh, you just missed Priya.", "not_available"),
        ("Mom is down at the doctor, sorry.", "not_available"),
        ("We already sorted it, thanks.", "already_have"),
        ("I spoke to my agent last week about it.", "already_have"),
        ("I booked it online already", "already_have"),
        ("Think I'll pass this time.", "not_interested"),
        ("We've decided against it.", "not_interested"),
        ("Yep, you found him.", "yes"),
        ("Yeah, and who's asking?", "who"),
        ("Thursday is not available for me.", "no"),  # was "can I speak to a person" (is … available)
        ("Is Kevin available?", "ask_person"),
    ],
)
def test_it_hears_the_intent(said, intent):
    assert understand(said).intent == intent


@pytest.mark.parametrize("said", ["He left about ten minutes ago.", "I've been waiting twenty minutes", "two hours"])
def test_a_length_of_time_is_no_clock_time(said):
    assert understand(said).hour is None


def test_the_part_of_the_day_they_work_is_the_part_they_cannot_do():
    meant = understand("I work mornings, so anything late in the afternoon?")
    assert (meant.intent, meant.part) == ("choose", "afternoon")


@pytest.mark.parametrize(
    ("said", "part", "after"),
    [
        ("We can't do afternoons. Something before lunch?", "morning", None),  # ruled out: the other part
        ("I'm not available in the evenings.", "morning", None),
        ("Monday maybe, but not before nine.", None, 9),  # "not before nine" is from nine on
    ],
)
def test_a_part_of_the_day_or_a_bound_ruled_out_is_not_the_wish(said, part, after):
    meant = understand(said)
    assert (meant.intent, meant.part, meant.after) == ("choose", part, after)


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("Mike's over at his brother's place today.", "not_available"),
        ("Sorry, Mike is out running errands.", "not_available"),
        ("No, Mike went to work already.", "not_available"),  # not "no Mike": a wrong number
        ("Yes, this is Mike.", "yes"),
        ("Mike here.", "yes"),
        ("No Mike here, wrong number.", "wrong_person"),
    ],
)
def test_the_person_asked_for_spoken_of_is_not_the_person_speaking(said, intent):
    assert understand(said, first_name="Mike").intent == intent


def test_asking_not_to_be_called_is_an_opt_out_but_not_at_a_time_is_not():
    assert understand("I'd like this phone never to be called again.").intent == "opt_out"
    assert understand("I'd rather not be called before noon.").intent != "opt_out"


def test_it_takes_the_details_of_a_chosen_time():
    assert understand("The second one please.").choice == 1
    thursday = understand("Thursday afternoon works for me.")
    assert (thursday.weekday, thursday.part, thursday.hour) == (3, "afternoon", None)
    at_two = understand("Is Thursday at 2 free?")
    assert (at_two.weekday, at_two.hour, at_two.minute) == (3, 14, 0)  # a bare 2 in business hours is 2 PM
    assert understand("tomorrow at 9:30 am").day_offset == 1 and understand("tomorrow at 9:30 am").hour == 9
    assert (understand("how about ten thirty").hour, understand("how about ten thirty").minute) == (10, 30)
    assert understand("I have two kids at home").hour is None  # a number alone is not a time
    assert understand("something next week").next_week


def test_the_scripts_own_opt_out_words_count():
    assert understand("unsubscribe me", opt_out_phrases=("unsubscribe",)).intent == "opt_out"
