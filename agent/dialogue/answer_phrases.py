"""How people answer the times on offer and the agent's questions, as patterns over normalised words
(`phrases.normalised`): yes and no, a refusal of every time or of one ("Thursday doesn't work"), another
time wanted instead ("how about Friday?"), the words that make a pick something other than a plain pick
(read back, never booked outright), a hello, and talk to someone else in the room. The intents of a call
(opt-outs, wrong numbers) are in `phrases.py`, the questions callees ask in `question_phrases.py`;
`understanding.py` sets the order.
"""

from __future__ import annotations

import re

from agent.dialogue.phrases import any_of

YES = any_of(
    r"\b(?:yes|yeah|yep|yup|yah|yea|ya|aye|sure|speaking|correct|"
    r"right(?! now| away| here| there| after| before)|okay|ok|alright|all right|absolutely|definitely|"
    r"certainly|indeed|exactly)\b",
    r"^(?:(?:that is|that|sounds|oh|very|that would be|that will be|it is) )?(?:perfect|fine|great|good|lovely|"
    r"excellent)"
    r"(?: thanks?| thank you| with me| for me| by me)?$",
    r"\b(?:that|it|this|which) (?:is|sounds|would be|will be) (?:perfect|fine|great|good|lovely|excellent)\b",
    r"\b(?:that|this) is (?:me|she|he|her|him|right|correct|fine|good|perfect|great)\b",
    r"\b(?:it is|you got|you have|you have got|you found) (?:me|her|him|she|he|it)\b",
    r"\bsounds (?:good|great|fine|perfect|lovely)\b|\b(?:that|it|this|which) works\b|\bworks for (?:me|us)\b",
    r"\bplease do\b|\bgo ahead\b|\bof course\b|\byou bet\b|\bbook it\b|\blet us do (?:it|that)\b|\bdo it\b",
    r"^(?:uh huh|mm hmm|mhm|mm hm|um hum|uh hum)(?: it is| that is me| i am| that is right| speaking)?$",
    r"^(?:i am|it is|this is \w+|that one|i sure am|it sure is)$",
    r"^(?:yes |yeah |ok |okay |sure )?(?:that|this) one"
    r"(?: please| thanks| thank you| is good| is fine| works| is great| sounds good)*$",
    r"\bi am (?:she|he|her|him)\b",
    r"\b(?:any|all|either|both|each) (?:of )?(?:those|them|these|one|the times|three)? ?(?:works?|is fine|are fine|"
    r"is good|are good|would work|would be fine|is ok|are ok|is okay|are okay)\b",
    r"\b(?:you|you have|you have got)(?: got| found| reached) "
    r"(?:em|them|him|her|me|the right (?:person|one|guy|lady|number))\b",
    r"\bthe one and only\b|\bin the flesh\b|\bthat would be me\b|\bguilty as charged\b",
)
NO = any_of(
    r"\b(?:no|nope|nah|neither|negative)\b",
    r"\bnot really\b|\bnone of (?:those|them|these|that)\b",
    r"\b(?:does|do|will|would) not (?:work|suit|do)\b|\bcan not make\b|\bnot (?:good|possible|great|ideal)\b",
    r"\b(?:i am|we are) (?:busy|not free|not available|away|out|working) (?:then|that)\b",
    r"\b(?:that|it|this) is (?:not|no) good\b|\bno good\b|^(?:no |nah |um |uh )?i do not think so\b",
    r"\bi can not\b|\bi will not be able\b|\bnot going to work\b",
)
# Every time on offer refused ("I'm busy all those days"): a "no" (other times are offered), not a callback
NONE_OFFERED = any_of(
    r"\b(?:busy|working|at work|away|out of town|not free|booked|tied up|can not (?:do|make)|no good|not good|bad)\b"
    r"(?: \w+){0,3} (?:all|any|each|both|every one|every) (?:of )?(?:those|these|them|three|the days|the times|week)\b",
    r"\b(?:all|both) (?:of )?(?:those|these|them|three)(?: \w+){0,3} (?:bad|no good|busy|taken|booked|do not|will not|"
    r"can not|are out)\b",
)
# A time named and refused: "Thursday doesn't work", "not at nine"; what follows one of ALTERNATIVE is
# the time they want instead ("Thursday is no good, how about Friday?")
REFUSING = any_of(
    r"\b(?:does|do|will|would) not (?:work|suit|do)\b",
    r"\bcan not (?:make|do)\b|\b(?:i am|we are) (?:busy|not free|not available|away|out|working)\b",
    r"\bno good\b|\bnot (?:good|possible|great|ideal|free|available|open)\b|\bnot going to work\b|\bimpossible\b|"
    r"\bout of the question\b",
    r"\bnot (?:on |at )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|that|\d|one|two|"
    r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)\b",
    r"^no\b",
)
ALTERNATIVE = re.compile(
    r"\b(?:how about|what about|instead|rather|but|can we do|could we do|can you do|could you do|maybe|is there|"
    r"do you have|would|better|prefer|i would like|i would rather|except|only|so|give me|i will take|let us do|"
    r"let us go with|i will go with|put me down for|say)\b"
)
# A time proposed instead of what was offered ("How about Thursday instead?"); and the words that make a pick
# something other than a plain pick ("Ten-thirty today? … How about Thursday?", a question "can you do
# Friday at noon?"), read back rather than booked
PROPOSING = re.compile(
    r"\b(?:how about|what about|can we do|could we do|can you do|could you do|is there|do you have)\b"
)
HEDGED = re.compile(
    r"\b(?:instead|how about|what about|rather|but|maybe|except|prefer|or|not|no|nope|nah|never|can you do|"
    r"could you do|can we do|could we do|is there|do you have)\b"
)
HELLO = re.compile(r"^(?:(?:hello|hi|hey|hiya|good (?:morning|afternoon|evening)|howdy)\s?)+$")

# Talk to someone else in the room ("No, not you, I was talking to my son"): nothing for the agent
SIDE_TALK = re.compile(
    r"\b(?:talking|speaking) to (?:my|the|her|him|someone|somebody)\b|\bnot you\b|\bhear myself think\b"
)
# "Not mornings": the other part of the day is wanted (spoken_times reads it so), not a refusal of all
NOT_PART = re.compile(r"\bnot (?:in the )?(?:mornings?|afternoons?|evenings?)\b")
