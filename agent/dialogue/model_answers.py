"""When a model — the speech model (mini-omni) or the language model — may answer the callee in its own words,
and what it may not say.

It answers only a question the script holds no answer for, heard clearly (not guessed), where the script lets it
(`Script.speech_model_answers`), a few times a call. Its words stream ahead of its audio and are checked as they
come: a time, a day, a number or a word about booking, moving or cancelling is the tools' business, never the
model's, and a reply that goes past a length is cut. A reply that fails is stopped and the script's own line is
said instead; either way the script's question follows, so the call goes on where it was."""

from __future__ import annotations

import re

from agent.dialogue.understanding import Understood

ANSWERS_PER_CALL = 3
LONGEST_WORDS = 45
SAID_BY_THE_MODEL = "said by the speech model"  # how its turns are marked on the call page
QUESTION_WORDS = {
    "what", "how", "who", "why", "when", "where", "which", "do", "does", "did", "is", "are", "can", "could",
    "will", "would", "should", "may", "am",
}  # fmt: skip
_NOT_THE_MODELS = re.compile(
    r"\d+|\b(discount|free|guarantee[ds]?|promise[ds]?|refund|price|cost|costs|fee|waive[ds]?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|morning|afternoon|"
    r"evening|noon|midnight|o'?clock|a\.?m\.?|p\.?m\.?|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|week|weekend|book|booked|booking|schedule|scheduled|reschedule|"
    r"cancel|cancelled|canceled|confirm|confirmed|appointment|slot|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|half|quarter|remove|unsubscribe|stop calling)\b",
    re.IGNORECASE,
)


def asks_a_question(meant: Understood | None, guessed: bool) -> bool:
    """Words heard clearly that ask something (a question mark, or a question's first word)."""
    if meant is None or guessed or not meant.text.strip():
        return False
    words = re.findall(r"[a-z']+", meant.text.lower())
    return meant.text.rstrip().endswith("?") or bool(words and words[0] in QUESTION_WORDS)


def model_words_allowed(words: str, facts: tuple[str, ...] = ()) -> bool:
    """The model's words so far may be spoken: nothing about times, days, numbers, prices, promises, booking or
    opting out — unless the office's facts say the same words — and not too long."""
    if len(words.split()) > LONGEST_WORDS:
        return False
    stated = " ".join(facts).lower()
    risky = {found.group(0).lower() for found in _NOT_THE_MODELS.finditer(words)}
    return all(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", stated) for word in risky)
