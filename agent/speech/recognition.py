"""What any recogniser gives for an utterance (the CPU stack's pocketsphinx, the GPU stack's Whisper): the words,
a confidence and whether they are only the open search's guess. Its own module, free of any engine, so the GPU
stack and its bench import it without pocketsphinx."""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENT = 0.15  # acted on from here: a wrong re-ask costs less than a wrong action. With the out-of-grammar
# path, on 312 syntheses (bench/recognition_cost.py) 194 of 222 answers pass it and 1 of 90 stray sentences;
# in a trial on the same sentences, 0.3 cost twice as many lost answers for one stray sentence fewer


@dataclass(frozen=True)
class Recognition:
    text: str  # "" when nothing in the grammar was heard
    confidence: float  # 0–1 (0.5 where grammar and phone loop score alike); under CONFIDENT: not in the grammar
    open: bool = False  # the words come from the open search (the domain language model), not the grammar

    @property
    def understood(self) -> str:
        return self.text if self.confidence >= CONFIDENT or self.open else ""
