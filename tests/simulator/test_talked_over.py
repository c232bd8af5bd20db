"""simulate's count of the times the agent began to speak while the person was still speaking."""

import numpy as np

from phonify.channel import Channel
from phonify.voice import RATE, tone
from simulator.simulation import talked_over

FRAME = bytes(640)


def _channel_where_the_person_speaks(seconds: float) -> Channel:
    """A person whose voice sounds from 1.0 s for `seconds`, then 0.5 s of a synthesiser's trailing silence."""
    channel = Channel(uuid="u", number="+12025550101", persona=None, variables={})
    channel.callee_audio.schedule(np.concatenate([tone(seconds, 300.0), np.zeros(RATE // 2, np.int16)]), 1.0)
    return channel


def _agent_speaks(channel: Channel, start: float, seconds: float) -> None:
    for step in range(int(seconds / 0.02)):
        channel.agent_frames.append((start + step * 0.02, FRAME, RATE))


def test_the_agent_beginning_while_the_person_speaks_is_counted_once_per_time_it_began():
    channel = _channel_where_the_person_speaks(2.0)  # voiced 1.0–3.0 s
    _agent_speaks(channel, 1.5, 1.0)  # began over them, went on for a second: once
    _agent_speaks(channel, 2.8, 0.5)  # began again (0.3 s later) while they were still speaking
    assert talked_over(channel) == 2


def test_the_agent_answering_after_the_voice_ends_is_not_talking_over_even_inside_the_trailing_silence():
    channel = _channel_where_the_person_speaks(2.0)
    _agent_speaks(channel, 3.1, 1.0)  # within the segment's trailing silence, after the voice
    _agent_speaks(channel, 0.2, 0.5)  # before they spoke (the greeting)
    assert talked_over(channel) == 0
