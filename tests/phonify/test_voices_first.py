"""A bench of many calls at once has its simulated people's words synthesised before the first call
(`simulate --voices-first`): the calls then say exactly what was made, and nothing is synthesised while they run."""

import asyncio

import pytest

from phonify.personas import Persona, Turn
from phonify.voice import speech_made_first, speech_of, synthesize

pytestmark = pytest.mark.database_free


def test_the_words_made_first_are_the_ones_the_call_says():
    persona = Persona(
        name="ann",
        number="+12025550111",
        turns=(Turn(say="Yes, this is Ann."), Turn(say="{day1} works for me."), Turn(say="Hello?")),
        voice={"speed": 1.1},
    )
    assert persona.lines() == ["Hello?", "Yes, this is Ann."]  # words filled from the offers are not known yet
    assert speech_made_first([(line, persona.voice) for line in persona.lines()]) == 2
    made = synthesize.cache_info()
    audio = asyncio.run(speech_of("Yes, this is Ann.", persona.voice))
    after = synthesize.cache_info()
    assert (after.hits, after.misses) == (made.hits + 1, made.misses)  # said from what was made, not made again
    assert len(audio) > 16000 * 0.5
