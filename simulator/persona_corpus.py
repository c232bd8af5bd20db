"""The realistic persona corpus: Phonify people built from a table of phrasings (how callees say each
thing, by what they mean), one person per phrasing, each turn labelled with its true intent and each person
with the times it accepts — so `simulate` can count wrong bookings (a time the person did not accept),
missed opt-outs and an intent confusion table.

The tables: `agent/speech/phrasings.yaml` (the tuning half: the phrase rules and grammars were written from
it, and the agent builds its grammars from it) and `simulator/personas/phrasings_held_out*.yaml` (written
apart, only ever measured). `manage.py persona_corpus` writes `realistic.yaml`, `realistic_held_out*.yaml`
and `realistic_audio.yaml` into simulator/personas/.

Each person is asked for by a first name from its file (`first_name`), answers the phone in one of a few
ways, and says its phrasing where that phrasing belongs in a call: an answer to "Am I speaking with …?",
or to the times on offer. Once its own turns are said it answers the agent's questions about times from
what it accepts (phonify/offers_heard.py).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from agent.speech.tuning_table import TUNING_TABLE

HERE = Path(__file__).resolve().parent / "personas"
TABLES = {
    "realistic.yaml": (TUNING_TABLE, "tune", 3000),
    "realistic_held_out.yaml": ("phrasings_held_out.yaml", "held_out", 5000),
    "realistic_held_out_2.yaml": ("phrasings_held_out_2.yaml", "held_out_2", 7000),
    "realistic_held_out_3.yaml": ("phrasings_held_out_3.yaml", "held_out_3", 8000),
    "realistic_held_out_4.yaml": ("phrasings_held_out_4.yaml", "held_out_4", 9000),
    "realistic_held_out_5.yaml": ("phrasings_held_out_5.yaml", "held_out_5", 9500),
    "realistic_held_out_6.yaml": ("phrasings_held_out_6.yaml", "held_out_6", 1000),
    "realistic_held_out_7.yaml": ("phrasings_held_out_7.yaml", "held_out_7", 2000),
    "realistic_held_out_8.yaml": ("phrasings_held_out_8.yaml", "held_out_8", 6000),
}
NAMES = (("Taylor", "Brooks"), ("Dana", "Whitfield"), ("Jordan", "Reyes"), ("Maria", "Lopez"), ("James", "O'Brien"),
         ("Priya", "Raman"), ("Luis", "Ortega"), ("Grace", "Kim"), ("Walter", "Hughes"), ("Ana", "Silva"),
         ("Derek", "Mason"), ("Fatima", "Khan"), ("Robert", "Nguyen"), ("Linda", "Carter"))  # fmt: skip
HELLOS = ("Hello?", "Hello.", "Yeah, hello?", "Hi.", "Hello, this is {first_name}.", "Yes?")
TIMES = ["time", "work"]  # the agent's words that mean times are on offer
AGREE = ("Yes, speaking.", "Yeah, that's me.", "Speaking.", "Yes.")
# The agent's intent for each row of the table (the rest are the same word)
STOP_QUESTION = "stop calling"  # what a person who hinted waits to hear before its yes ("Would you like us to stop
# calling you?"): that yes is its opt-out
UNDERSTOOD_AS = {"yes_identity": "yes", "vague_accept": "yes", "accept_offered": "choose", "offer_picks": "choose",
                 "counter_proposal": "choose", "reject_offered": "no", "unrelated": "unclear"}  # fmt: skip
OUTCOMES = {
    "opt_out": "do_not_call", "opt_out_unsure": "do_not_call", "wrong_person": "wrong_person",
    "not_available": "callback", "someone_else": "callback", "callback": "callback", "already_have": "declined",
    "not_interested": "declined", "ask_person": "callback", "reject_offered": "declined",
}  # fmt: skip
# Voices for audio: the tuning half speaks with the first four, the held-out half with the last only (a voice
# nothing was tuned on)
VOICES = (
    {"engine": "piper"},
    {"engine": "piper", "speed": 1.2, "noise": 0.8},
    {"engine": "piper", "speed": 0.85, "noise": 0.5},
    {"engine": "espeak", "variant": "en-us+m3"},
    {"engine": "espeak", "variant": "en-us+f3", "speed": 1.1},
)
AUDIO_FILE = "realistic_audio.yaml"
AUDIO_SETS = (("realistic.yaml", VOICES[:4]), ("realistic_held_out_2.yaml", VOICES[4:]))
QUESTIONS = ("robot", "purpose", "how_number", "who", "repeat", "hold")


def corpus_build(table: dict, *, kind: str, first_number: int) -> list[dict]:
    """Personas for every phrasing in `table` (a phrasing table's parsed YAML)."""
    people: list[dict] = []
    rows = [
        (intent, phrasing)
        for intent, phrasings in table.get("intents", {}).items()
        if intent != "accept_offered"  # written against three fixed times; offer_picks say the same of ours
        for phrasing in phrasings
    ]
    rows += [("offer_picks", pick) for pick in table.get("offer_picks", [])]
    if first_number + len(rows) > 10_000:  # past +12025559999 the numbers are no longer phone numbers
        raise ValueError(f"{kind}: {len(rows)} people from {first_number} do not fit in four digits")
    for index, (intent, phrasing) in enumerate(rows):
        first, last = NAMES[index % len(NAMES)]
        person = {
            "name": f"{kind}-{intent.replace('_', '-')}-{index + 1}",
            "number": f"+1202555{first_number + index:04d}",
            "first_name": first,
            "last_name": last,
            "rings": 1,
            "greeting": HELLOS[index % len(HELLOS)].format(first_name=first),
            **_person(intent, phrasing, index, first),
        }
        person["expect"] = {**person.get("expect", {}), "set": kind}
        people.append(person)
    return people


def _person(intent: str, phrasing, index: int, first: str) -> dict:
    said = phrasing["say"] if isinstance(phrasing, dict) else str(phrasing)
    said = said.replace("{first_name}", first)
    agree = {"say": AGREE[index % len(AGREE)], "intent": "yes_identity"}
    turn = {"say": said, "intent": intent}
    at_offers = {**turn, "after_hearing": TIMES}
    early = index % 2 == 0  # questions and refusals come as the answer to "Am I …?" or to the times
    if intent == "yes_identity":
        return _booking(
            [turn, {"say": "The first one, please.", "intent": "offer_picks", "pick": 1, "after_hearing": TIMES}]
        )
    if intent == "offer_picks":
        return _booking([agree, {**at_offers, "pick": phrasing["pick"]}])
    if intent == "counter_proposal":
        return {"turns": [agree, at_offers], "accepts": [phrasing["wants"]], "expect": {"outcome": "booked"}}
    if intent == "vague_accept":  # agrees to none in particular: must be asked which, and wants the second
        return {"turns": [agree, at_offers], "accepts": [{"offer": 2}], "expect": {"outcome": "booked"}}
    if intent == "unrelated":  # says something else, then picks when asked again
        return {"turns": [agree, at_offers], "accepts": [{"offer": 2}], "expect": {"outcome": "booked"}}
    if intent in QUESTIONS:
        asked = turn if early else at_offers
        then = (
            [{"say": "Okay, I'm back.", "intent": "unrelated", "after_hearing": ["take your time"]}]
            if intent == "hold"
            else []
        )
        first_turns = [asked, *then] if early else [agree, asked, *then]
        if early:
            first_turns.append({**agree, "after_hearing": ["speaking with"]})
        return {"turns": first_turns, "accepts": [{"offer": 2}], "expect": {"outcome": "booked"}}
    outcome = OUTCOMES[intent]
    if intent == "opt_out":
        shape = index % 3  # at once, after the times, or over the agent's words
        turns = [turn] if shape == 0 else [agree, at_offers if shape == 1 else turn]
        person = {"turns": turns, "expect": {"outcome": outcome}}
        return person | ({"barge_in_at": 1} if shape == 2 else {})
    if intent == "opt_out_unsure":
        return {"turns": [agree, at_offers, {"say": "Yes.", "intent": "yes", "after_hearing": [STOP_QUESTION]}],
                "expect": {"outcome": outcome}}  # fmt: skip
    if intent in ("wrong_person", "someone_else", "not_available"):
        turns = [turn]
        if intent == "not_available":
            turns.append({"say": "Tomorrow afternoon.", "intent": "callback", "after_hearing": ["better time"]})
        return {"turns": turns, "expect": {"outcome": outcome}}
    if intent == "reject_offered":
        return {"turns": [agree, at_offers], "accepts": [{"weekday": "sunday"}], "expect": {"outcome": outcome}}
    return {
        "turns": [agree, at_offers] if not early or intent == "ask_person" else [turn],
        "expect": {"outcome": outcome},
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def _booking(turns: list[dict]) -> dict:
    return {"turns": turns, "expect": {"outcome": "booked"}}


def corpus_write(directory: Path = HERE) -> dict[str, int]:
    """Write every corpus file from its table; returns how many personas each has."""
    written = {}
    for target, (source, kind, first_number) in TABLES.items():
        table = yaml.safe_load((directory / source).read_text())  # an absolute path (the tuning table) stays so
        people = corpus_build(table, kind=kind, first_number=first_number)
        header = (
            f"# Generated by `manage.py persona_corpus` from {Path(source).name} ({kind}): do not edit by hand.\n"
            "# Simulate with --now 2027-01-05T08:30:00-05:00 (a Tuesday morning; the 12th is a Tuesday).\n"
        )
        text = yaml.dump({"personas": people}, Dumper=_NoAliases, sort_keys=False, width=200, allow_unicode=True)
        (directory / target).write_text(header + text)
        written[target] = len(people)
    audio = audio_sample(directory)
    header = (
        "# Generated by `manage.py persona_corpus`: one person per intent from the tuning corpus (four voices)\n"
        "# and one from the second held-out corpus (a fifth voice, kept out of all tuning). Do not edit by hand.\n"
        "# Simulate with audio: --now 2027-01-05T08:30:00-05:00 (through the telephone leg by default).\n"
    )
    text = yaml.dump({"personas": audio}, Dumper=_NoAliases, sort_keys=False, width=200, allow_unicode=True)
    (directory / AUDIO_FILE).write_text(header + text)
    written[AUDIO_FILE] = len(audio)
    return written


def audio_sample(directory: Path = HERE) -> list[dict]:
    """The first person of each intent in the tuning and the second held-out corpus, with voices."""
    people = []
    for source, voices in AUDIO_SETS:
        seen: set[str] = set()
        for person in yaml.safe_load((directory / source).read_text())["personas"]:
            intent = person["name"].split("-", 1)[1].rsplit("-", 1)[0]
            if intent in seen:
                continue
            seen.add(intent)
            voice = voices[len(seen) % len(voices)]
            people.append({**person, "number": "+1202556" + person["number"][-4:], "voice": dict(voice)})
    return people
