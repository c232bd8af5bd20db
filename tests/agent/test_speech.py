"""The agent's ears and voice on real audio: Piper speaks, pocketsphinx hears it through the grammar of
the dialogue's state, the phone loop tells words it expects from words it does not, the endpointer cuts
turns, the beep detector hears a machine's tone and not a voice, and the first words tell a person from
an answering machine."""

import datetime as dt

import numpy as np
import pytest

from agent.dialogue.policy import SURE
from agent.dialogue.understanding import understand
from agent.pipeline.machine import PHRASES, answer_may_be_a_machine, machine_verdict
from agent.speech.audio import FRAME_SAMPLES, RATE, Rechunker, resample
from agent.speech.endpointing import Endpointer
from agent.speech.grammars import Listening, grammar_for
from agent.speech.recognizer import OPEN_CONFIDENCE, SphinxRecognizer
from agent.speech.tones import ToneDetector
from agent.speech.tts import VoiceError, sentences_of, voice_named, wav_of

pytestmark = pytest.mark.database_free  # speech only

OFFERED = (dt.datetime(2026, 11, 26, 12, 30), dt.datetime(2026, 11, 26, 15, 0), dt.datetime(2026, 11, 27, 10, 0))


@pytest.fixture(scope="module")
def recognizer():
    return SphinxRecognizer()


@pytest.fixture(scope="module")
def voice():
    return voice_named()


def heard(recognizer, voice, text: str, state: str = "offer", phone_line: bool = False):
    audio = voice.say(text)
    if phone_line:  # through an 8 kHz telephone leg and back
        audio = resample(resample(audio, RATE, 8000), 8000, RATE)
    grammar = grammar_for(Listening(state=state, first_name="Maria", offered=OFFERED), known=recognizer.knows)
    return recognizer.recognize(audio, grammar)


@pytest.mark.parametrize(
    ("said", "state", "intent"),
    [
        ("Yes, speaking.", "identify", "yes"),
        ("The second one please.", "offer", "choose"),
        ("Is Wednesday at 10 free?", "offer", "choose"),
        ("Something in the morning please.", "offer", "choose"),
        ("Stop calling me and take me off your list.", "identify", "opt_out"),
        ("Can I speak to a real person?", "identify", "ask_person"),
        ("Sorry, wrong number.", "identify", "wrong_person"),
        ("No thanks, I'm not interested.", "identify", "not_interested"),
    ],
)
def test_it_understands_what_the_grammar_expects(recognizer, voice, said, state, intent):
    recognition = heard(recognizer, voice, said, state)
    assert recognition.understood, recognition
    assert understand(recognition.understood).intent == intent, recognition


def test_it_hears_a_time_through_a_phone_line(recognizer, voice):
    recognition = heard(recognizer, voice, "Thursday at twelve thirty.", phone_line=True)
    meant = understand(recognition.understood)
    assert (meant.weekday, meant.hour, meant.minute) == (3, 12, 30), recognition


def test_words_outside_the_grammar_are_mostly_not_acted_on(recognizer, voice):
    """Piper's voice varies from one synthesis to the next, and a grammar alone finds a confident path through
    some stray sentences ("the weather is lovely" → "well, third one please", which would book): the
    out-of-grammar path must turn nearly all of them into nothing the grammar vouches for. What the open
    search then makes of them is only ever a guess (OPEN_CONFIDENCE, under the policy's SURE): the policy
    reads a guessed time back and asks about a guessed opt-out (test_dialogue_safety.py)."""
    said = ["Bananas.", "Purple.", "Mm-hm.", "The weather is lovely.", "Cough.", "My dog ate my homework yesterday.",
            "Ha ha ha.", "Whatever, man.", "The cat is sleeping.", "I had pasta for lunch."]  # fmt: skip
    heard_as = [(words, heard(recognizer, voice, words, state)) for words in said for state in ("identify", "offer")]
    vouched = [(words, r) for words, r in heard_as if not r.open and understand(r.understood).intent != "unclear"]
    assert len(vouched) <= 1, vouched
    assert all(r.confidence == OPEN_CONFIDENCE < SURE for _, r in heard_as if r.open)


def test_machine_phrases_are_spotted_in_free_speech_and_a_person_is_not_taken_for_a_machine(recognizer, voice):
    def verdict(text):
        audio = voice.say(text)
        return machine_verdict(voiced_seconds=len(audio) / RATE * 0.8, spotted=recognizer.spot(audio, PHRASES))

    assert verdict("Hi, you've reached James Carter. I can't take your call right now, please leave a message.")
    assert verdict("The person you are calling is not available. Please leave a message after the beep.")
    assert not verdict("Hi, this is Maria, who's calling?")
    assert not verdict("Hello? Hello? Can you hear me?")
    assert not verdict("He's not available at the moment, can I take a message?")
    assert not verdict("Hi, I'm not available right now, who is this?")


def test_a_persons_answer_after_the_greeting_is_not_waited_on_as_a_machines_greeting(recognizer, voice):
    """The agent listens a second longer before asking again only when the words after its "Is this …?"
    may be a machine's greeting going on; a person's hello before them does not count towards that."""

    def may_be_a_machine(text):
        audio = voice.say(text)
        return answer_may_be_a_machine(spotted=recognizer.spot(audio, PHRASES), voiced_seconds=len(audio) / RATE * 0.8)

    assert not may_be_a_machine("Oh, um, no, I think you have the wrong number.")
    assert not may_be_a_machine("Sorry, what is this about?")
    assert may_be_a_machine("You have reached the voicemail of James Carter. Please leave your message after the tone.")


def test_the_endpointer_cuts_turns_at_silence_and_ignores_a_click(voice):
    words = voice.say("Yes, speaking.")
    click = np.zeros(FRAME_SAMPLES, np.int16)
    click[:40] = 20000
    silence = np.zeros(RATE // 2, np.int16)
    stream = np.concatenate([silence, click, silence, words, silence, words, silence])
    endpointer = Endpointer(end_silence=0.35)
    events = []
    for index, frame in enumerate(Rechunker().frames(stream.tobytes())):
        state, utterance = endpointer.push(frame, index * 0.02)
        if state in ("started", "ended"):
            events.append((state, utterance))
    assert [state for state, _ in events] == ["started", "ended", "started", "ended"]
    first = events[1][1]
    assert abs(first.started - (1.0 + FRAME_SAMPLES / RATE)) < 0.25  # after the click and half a second
    assert abs(first.seconds - len(words) / RATE) < 0.3


def test_the_beep_detector_hears_a_tone_not_a_voice(voice):
    moments = np.arange(int(0.5 * RATE)) / RATE
    beep = (np.sin(2 * np.pi * 1000 * moments) * 0.3 * 32767).astype(np.int16)
    speech = voice.say("Please leave a message after the tone. Mmmmmm. Ooooh, hello.")

    def beeps(audio):
        detector = ToneDetector()
        return [
            i for i in range(len(audio) // FRAME_SAMPLES) if detector.push(audio[i * FRAME_SAMPLES :][:FRAME_SAMPLES])
        ]

    assert len(beeps(beep)) == 1 and beeps(beep)[0] * 0.02 <= 0.25
    assert beeps(speech) == []


def test_synthesis_is_per_sentence_cached_and_a_bad_voice_is_explained(voice):
    assert sentences_of("Hi there. Is this Maria? Great!") == ["Hi there.", "Is this Maria?", "Great!"]
    voice.audio("A sentence made once.")
    assert voice.cached("A sentence made once.") is not None
    wav = wav_of("Hello from the office.")
    assert wav[:4] == b"RIFF" and len(wav) > RATE  # more than half a second of 16 kHz speech
    with pytest.raises(VoiceError, match="no-such-voice.onnx"):
        voice_named("/tmp/no-such-voice.onnx")


def test_a_turn_can_be_ended_at_its_pause_with_the_words_up_to_there(voice):
    from agent.pipeline.hearing import HeardKind, Hearing

    hearing = Hearing(end_silence=0.35)
    words = voice.say("Thursday works for me.")
    words = words[: np.nonzero(np.abs(words) > 300)[0][-1]]  # without the voice's trailing silence
    events = hearing.push(words.tobytes()) + hearing.push(np.zeros(int(16000 * 0.16), np.int16).tobytes())
    pause = [event for event in events if event.kind == HeardKind.PAUSE]
    assert pause and not any(event.kind == HeardKind.ENDED for event in events)  # 0.16 s: no end of turn yet
    ended = hearing.end_now()
    assert ended.kind == HeardKind.ENDED and ended.utterance.ended == pause[-1].utterance.ended
    assert not hearing.endpointer.speaking and hearing.end_now() is None
