"""A person's answer to the agent's "Did you say …?": when the agent only guessed what the person said
(words that would end the call: a wrong number, not at home, call back, a person, not interested), it asks
about them, and the person answers yes if that is what they meant — what their turns' intents say — and
no if not. The words are spotted in what the persona heard (keyword spotting with audio, the text in text
mode), like `after_hearing`. So is "Would you like us to stop calling you?" (`stop_reply`): yes from a
person who meant to opt out, no from anyone else. Where the agent also offered keys ("Press 1 for yes, or 2
for no."), a persona that `presses_keys` answers with the key instead."""

from __future__ import annotations

from phonify.hearing import Heard

ASKING = "did you say"
# The words of each question the agent may ask, and the intents a person who said so meant
CHECKED = {
    "wrong number": {"wrong_person"},
    "come to the phone": {"not_available", "someone_else"},
    "call back": {"callback"},
    "speak with someone": {"ask_person"},
    "not interested": {"not_interested"},
    "already have": {"already_have"},
}
STOP_ASKED = "stop calling"  # "Would you like us to stop calling you?" / "Sorry, should we stop calling this number?"
MEANT_STOP = {"opt_out", "opt_out_unsure"}  # the intents of a person who would answer it yes
KEYS_SPOKEN = "press one"  # "… Press 1 for yes, or 2 for no." as the ear spots it
KEYS_OFFERED = ("press 1", KEYS_SPOKEN)  # as written (text mode) and as spotted
LISTEN_FOR = (ASKING, *CHECKED)  # what a spoken persona's ear spots (and KEYS_SPOKEN if it presses keys: each
# phrase more in the list changes what keyword spotting finds, so only a persona that needs it listens for it)


def check_reply(heard: Heard, intents: set[str]) -> str | None:
    """Yes or no to a "Did you say …?" the agent just asked, or None when it asked no such thing."""
    if not heard.contains(ASKING):
        return None
    for words, meant in CHECKED.items():
        if heard.contains(words):
            return "Yes, that's right." if intents & meant else "No."
    return None


def stop_reply(heard: Heard, intents: set[str]) -> str | None:
    """Yes or no to "Would you like us to stop calling you?" as the person's turns meant it, or None when the
    agent did not ask it (a person who only wanted another day, or no appointment, says no)."""
    if not heard.contains(STOP_ASKED):
        return None
    return "Yes." if intents & MEANT_STOP else "No."


def key_for(heard: Heard, reply: str) -> str | None:
    """The key that gives `reply` (a yes or a no) where the agent offered keys for yes and no, else None."""
    if not any(heard.contains(words) for words in KEYS_OFFERED):
        return None
    return "2" if reply.lower().startswith("no") else "1"
