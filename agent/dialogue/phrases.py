"""How people say each thing on a call, as patterns over normalised words (`normalised`: lower case,
contractions spelt out — "don't" is "do not", "she's" is "she is" — punctuation gone).

The patterns were written from the tuning half of the phrasing table (`agent/speech/phrasings.yaml`);
the held-out half is only ever measured against (`simulate` on `simulator/personas/realistic_held_out.yaml`).
The questions callees ask the agent (robot? what about? who? hold on, what?, a person) are in
`question_phrases.py`, how they answer the times in `answer_phrases.py`. Order matters and lives in
`understanding.py`: an opt-out is looked for first.
"""

from __future__ import annotations

import re

CONTRACTIONS = (
    (r"\bwon't\b", "will not"), (r"\bcan't\b", "can not"), (r"\bcannot\b", "can not"), (r"\bain't\b", "is not"),
    (r"\bshan't\b", "shall not"),
    (r"\b(where|how|what|who|why|when)'d\b", r"\1 did"),
    (r"n't\b", " not"), (r"\bi'm\b", "i am"), (r"'re\b", " are"), (r"'ve\b", " have"),
    (r"'ll\b", " will"), (r"'d\b", " would"), (r"\blet's\b", "let us"),
    (r"\b(she|he|it|that|there|what|who|where|this|here|everybody|everyone|nobody|someone)'s\b", r"\1 is"),
    (r"\bdont\b", "do not"), (r"\bdoesnt\b", "does not"), (r"\bim\b", "i am"), (r"\bisnt\b", "is not"),
    (r"\bgonna\b", "going to"), (r"\bwanna\b", "want to"), (r"\bgotta\b", "got to"), (r"\bya\b", "you"),
)  # fmt: skip


def normalised(text: str) -> str:
    said = text.lower().replace("’", "'").replace("‘", "'")
    said = re.sub(r"(\d)\s*:\s*(\d)", r"\1:\2", said)
    said = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", said)
    said = re.sub(r"[^a-z0-9:' ]+", " ", said)
    for pattern, replacement in CONTRACTIONS:
        said = re.sub(pattern, replacement, said)
    said = re.sub(r"'s\b", "", said)  # a possessive: "Taylor's number"
    said = said.replace("'", "")
    return re.sub(r"\s+", " ", said).strip()


def any_of(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


CALLS = r"(?:calls?|phone calls?|calling|robo ?calls?|messages)"
WHEN_WORDS = (
    r"(?:before|after|until|till|in the|on|at|during|tomorrow|today|tonight|this|next|between|around|later|"
    r"so early|so late)"
)
PEOPLE = (r"(?:wife|husband|son|daughter|mother|mom|mum|father|dad|partner|sister|brother|roommate|room mate|"
          r"girlfriend|"
          r"boyfriend|assistant|caregiver|carer|nurse|friend|grandson|granddaughter|grandmother|grandfather|aunt|uncle|"
          r"niece|nephew|fiance|fiancee|spouse|neighbou?r|kid|child|secretary|housekeeper|babysitter|nanny|"
          r"landlord|landlady|tenant|stepson|stepdaughter|stepmother|stepfather)")  # fmt: skip

OPT_OUT = any_of(
    r"\b(?:take|get|put|scratch|cross|strike) (?:me|us|my \w+|this number|our number|this phone|my name and number)"
    r"(?: right)? off\b",
    r"\b(?:remove|delete|erase|drop) (?:me|us|my (?:number|name|info|information|details|phone)|this number|"
    r"our number)\b",
    r"\b(?:stop|quit|cease|no more|enough with the|enough of these|end these) (?:calling|ringing|phoning|telephoning|"
    r"dialing|dialling|texting|bothering|pestering|hassling|contacting|harass\w*|these calls|the calls|with the calls|"
    r"your calls|those calls|calls)\b",
    r"\blast (?:call|time) (?:i|we) (?:ever )?(?:get|got|receive|received|hear|heard) (?:from|of) (?:you|your)\b",
    r"\b(?:this|that) (?:is|was|be|will be) the (?:very )?last (?:call|time you call)\b",
    r"\bdo not use (?:it|this number|my number|this|the number|this phone) (?:again|anymore|any more|ever)\b",
    r"\bnot for (?:these|your|such|sales|those) (?:calls|phone calls)\b",
    rf"\bdo not (?:ever |you dare |evergreen )?(?:call|phone|ring|contact|bother) (?:me|us|here|this number|this phone|"
    rf"this house|again|anymore|any more|back)\b(?! {WHEN_WORDS}\b)",
    rf"\bnever (?:ever )?(?:call|phone|ring|contact)(?:s|es|d|ed|ing)? (?:me|us|here|this number|again)"
    rf"\b(?! {WHEN_WORDS}\b)",
    r"\b(?:take|get) (?:out|away|down) (?:my|this|our) (?:number|name|phone)\b|\bno call (?:me|us|here)\b",
    r"\b(?:knock|cut|lay|back) (?:it )?off (?:with )?(?:the |these |those |your )?(?:calls|calling|phone calls)\b",
    r"\b(?:done|finished) with (?:the |these |your )?(?:calls|calling)\b",
    rf"\b(?:do not|no longer) want (?:to (?:be|get) (?:called|contacted|phoned|rung)|(?:you|anyone|anybody|your \w+) "
    rf"(?:to )?(?:call|calling|ringing|phoning|phone|contacting|contact|texting|bothering)|"
    rf"(?:these|your|any|any more|more|the|those|such|this kind of|sales) {CALLS}|(?:to )?(?:any )?more {CALLS}|"
    rf"to (?:get|receive) (?:these|your|any|any more|more) {CALLS}|to hear from you)\b",
    r"\bdo not call (?:list|registry|register)\b",
    rf"\b(?:not|never) (?:to )?be (?:called|contacted|phoned|rung)\b(?! {WHEN_WORDS}\b)",
    r"\b(?:lose|forget|delete|shred) (?:my|this|our) (?:number|phone number)\b",
    r"\bforget (?:you ever had|you have|you had|you got|about) (?:my|this|our|the) (?:number|phone number)\b",
    r"\bunsubscribe\b",
    r"\bcancel (?:the|these|my|all|your|all the|all these|any) (?:phone )?calls\b",
    r"\b(?:taken|removed|deleted|scratched|crossed|struck) (?:off|from)\b",
    r"\boff (?:of )?(?:your|the|this|that|whatever|any|all) (?:\w+ )?(?:list|lists|database|system)\b",
    r"\b(?:nobody|no one|noone) (?:\w+ ){0,4}(?:ever )?(?:calls?|phones?|rings?|contacts?) "
    r"(?:me|here|this number|us|this house)? ?(?:again|anymore|any more)\b",
    rf"\bno more (?:phone |sales |robo ?)?{CALLS}\b",
    r"\bas (?:a )?do not (?:call|contact)\b|\bmark (?:me|this number|my number) as\b",
    r"\bopt (?:me )?out\b",
    r"\b(?:no|not any) (?:more|further) (?:calls|calling|contact)\b",
    r"\b(?:you can|please|can you) stop (?:calling|ringing|phoning|telephoning|contacting)\b",
    r"\b(?:should|must|will) (?:not|never) call (?:me|here|this number) again\b",
)
# Might be an opt-out, might be a bad moment: the agent asks ("Would you like us to stop calling you?")
OPT_OUT_UNSURE = any_of(
    r"\bleave (?:me|us) alone\b",
    r"\bwhy (?:do|does) (?:you|your \w+) keep (?:calling|ringing|phoning)\b",
    r"\b(?:sick|tired) of (?:these|your|the|all these) (?:calls|phone calls|calling)\b",
    r"\bhow many times\b",
    r"\b(?:you|they|you guys|you people|you all|yall|your people) (?:keep|always|are always) (?:calling|ringing)\b",
    r"^(?:stop|please stop|just stop|stop it|stop please|enough)$",
    r"\bplease do not\b$",
    r"\bi told you (?:people |guys )?(?:not|before|already)\b",
    r"\bnot (?:you|this|them|these people) (?:guys |people |all )?again\b",
    r"\b(?:second|third|fourth|fifth|sixth|tenth|hundredth|\d+(?:st|nd|rd|th)) (?:time|call)s? (?:this|today|in|you)\b",
    r"\benough (?:already|is enough|of this|of these)\b|^(?:\w+ )?enough$",
    r"\b(?:keep|kept) (?:telling|saying|asking|explaining)\b",
    r"\bwhy (?:will|do|can) not (?:you|they|you people|you guys) (?:stop|leave|quit)\b",
    r"^(?:can|could|would) you (?:not|stop)$|^please no$",
    r"\bdo not want (?:this|any of this)\b",
    r"^(?:ugh |oh |oh no |oh god |not |great )?(?:this|you|you people|you guys|you lot) again\b",
    r"\b(?:ugh|oh no|not|seriously) (?:this|you|you people|you guys) again\b",
    r"\b(?:called|rang|phoned) (?:me |us |here )?(?:yesterday|last week|this morning|earlier|before|already|twice|"
    r"three times|every day|all week)(?: too| as well| also| again)\b",
    r"^(?:\w+ )?every (?:single )?(?:day|week)(?: with (?:this|these|you|the calls|your calls))?$",
    r"\b(?:call|called|calling|ring|ringing) (?:me |us |here )?(?:so many|so much|too many|this many) times\b",
    r"\bso many (?:calls|phone calls)\b|\bkeep happening\b|\bi am (?:so |just )?over (?:it|this|these calls)\b",
    r"\b(?:call|calling|ring|ringing) (?:me |us |here )?(?:a lot|so much|so often|constantly|all the time|nonstop)\b",
    r"\b(?:calls?|calling|ringing|call me|call here) every (?:single )?(?:day|week|month)\b",
    r"^(?:seriously |really |what )?every (?:single )?(?:day|week|month)$",
    r"\b(?:sick|tired|fed up) (?:of|with) (?:these|your|the|all these|all the|this|you)(?: \w+)? (?:calls|phone calls|"
    r"calling|robocalls|people|messages)\b",
    r"\bfor crying out loud\b|\bgive me a break\b|\blast thing i need\b",
    r"\bcall (?:way |far |much )?too (?:much|often|many times)\b|\btoo many (?:calls|phone calls)\b",
    r"\bkeep (?:getting|receiving) (?:these |your |the |all these )?(?:phone )?calls\b",
    r"\blet (?:me|us) be\b|\bin peace\b|\bgive it a rest\b|\banything better to do\b|\bridiculous\b",
    r"\bpatience for (?:this|these|you|it|your)\b|\b(?:tired|sick) of (?:this|it|you|being called)\b",
    r"^(?:(?:ugh|oh|oh my gosh|oh my god|man|god|jeez|geez|come on) )+(?:again|seriously|really)\b",
    r"\b(?:again|seriously) (?:again|seriously)\b",
    r"\bevery (?:single )?(?:day|week|month)\b.*\bcalls\b|\bcalls\b.*\bevery (?:single )?(?:day|week|month)\b",
    r"\b(?:i )?(?:do not|did not) (?:even )?(?:ask|sign up) for (?:this|any of this|these|it|your)\b",
    r"\banother (?:one of )?(?:these|those|your) (?:\w+ )?(?:calls|things|robocalls|messages)\b",
    r"\b(?:sick|tired|fed up) (?:of|with) (?:getting|receiving|answering|taking) (?:\w+ ){0,3}"
    r"(?:calls|robocalls|messages)\b",
    r"\bevery time (?:i|we) (?:pick up|answer|get the phone)\b|"
    r"\b(?:one of )?(?:these|those) (?:automated|recorded|robot) "
    r"(?:things|calls|messages|voices)\b",
    r"\b(?:calls?|calling|ringing)\b.{0,40}\b(?:nuisance|harassment|annoying|out of hand|getting old|a pain)\b",
)
SOMEONE_ELSE = any_of(
    rf"\b(?:this is|i am|it is|you are speaking (?:to|with)|you are talking (?:to|with)|you have|you have got|you got|"
    rf"you reached|you have reached) "
    rf"(?:his|her|their|\w+) {PEOPLE}\b",
    rf"\b(?:his|her|their) {PEOPLE} (?:speaking|here)\b",
    r"\b(?:can|could|may|shall|should) i take a message\b",
    r"\b(?:i can|want me to|i will|i could) (?:take|give (?:her|him|them)) (?:a|the) message\b",
    r"\btake a message\b",
    r"\bi (?:will|can) (?:tell|let) (?:her|him|them) (?:know|you called)\b",
    r"\bi will tell (?:her|him|them)\b|\bwhat should i tell (?:her|him|them)\b",
    r"\b(?:i|we) (?:handle|manage|take care of|look after|do|book|make|schedule|keep) (?:all )?(?:of )?"
    r"(?:his|her|their) (?:appointments|calendar|schedule|affairs|calls|bookings|paperwork|diary)\b",
    rf"^\w+(?: is)? my {PEOPLE}\b",
    r"\b(?:leave|give) (?:a |the |your )?message with me\b",
    r"\bmake sure (?:she|he|they) (?:gets|get) (?:it|the message)\b",
    rf"\b(?:handle|manage|take care of|look after|book|schedule|do) (?:all )?(?:of )?my {PEOPLE}(?: \w+)?\b",
    r"\b(?:give|tell) me the message\b|\bleave it with me\b|\byou can give (?:it|the message) to me\b",
    r"\banswering for (?:my|his|her|their)\b|\b(?:i can )?relay (?:it|the message|whatever|that|this|a message)\b",
    r"\bmake sure (?:\w+) gets (?:it|the message)\b|\byou can tell me\b",
    r"\bleave (?:her|him|them) a (?:note|message)\b|\bwrite (?:down )?(?:a |the )?message\b|\btake down a message\b",
    r"\bwrite it down for (?:her|him|them)\b|\b(?:pass|relay) (?:it|the message|that|this) (?:on|along)\b",
)
NOT_AVAILABLE = any_of(
    r"\b(?:she|he|they) (?:is|are|was) (?:not (?:home|here|in|available|around|back|at home|free)|out|away|at (?:work|"
    r"school|the|his|her|church|college)|asleep|sleeping|napping|busy|in the (?:shower|hospital|office|bath|"
    r"garden|yard)|"
    r"on (?:vacation|holiday|a trip|the other line|another call)|working|unavailable|travell?ing|resting|gone)\b",
    r"\b(?:she|he|they) (?:is|are) (?:still )?at work\b",
    r"\b(?:she|he|they) (?:just )?(?:stepped|went|popped|ran) out\b",
    r"\b(?:she|he|they) (?:will|would|should|will not|would not|is not going to) be "
    r"(?:back|home|in|free|around|available)\b",
    r"\b(?:she|he|they) (?:is|are) still (?:at|out|away|working|asleep|sleeping|in)\b",
    r"\b(?:she|he|they) (?:gets|get|comes|come) (?:back|home|in)\b",
    r"\b(?:just )?missed (?:her|him|them)\b",
    r"\b(?:she|he|they|(?!i\b|we\b|you\b|it\b|that\b|this\b|am\b|are\b|is\b|was\b|were\b|just\b)\w+) (?:just )?"
    r"(?:stepped|popped|ran|went|headed) out\b",
    r"\b(?:she|he|they) (?:is|are) (?:taking a (?:nap|shower|bath)|having (?:a nap|dinner|lunch|a rest))\b",
    r"\bcan not (?:get|come) to the phone\b",
    r"\b(?:she|he|they) (?:just |already )?(?:left|went out|headed out|took off)\b",
    r"\b(?:no one|nobody) (?:is )?(?:home|in) (?:right now|now|at the moment)\b",
    r"\bnot (?:home|here|in|available|around) (?:right now|now|at the moment|today|just now)\b",
    r"\bcan not come to the phone\b",
    r"\b(?!i\b|we\b|you\b|it\b|that\b|this\b|am\b|are\b|is\b|was\b|were\b)\w+ (?:is )?"
    r"(?:not at home|not home|away on|away this|away for|away until|away till|out of town|out on|at work|at school|"
    r"out um|out uh|out right now|out at the moment|asleep|sleeping|napping|in the shower|in the hospital)\b",
    r"^(?:she is |he is |they are )?not (?:home|here|in|available|around)(?: right now| now| at the moment| today)?$",
    r"\bcan not reach (?:her|him|them) (?:here|now|today|at this number)\b",
    r"\b(?:will not|would not|is not going to) be (?:back|home|in) (?:until|till|til|before|for|today|tonight)\b",
    r"\b(?!i\b|we\b|you\b|it\b|that\b|this\b|there\b|which\b|what\b)\w+ (?:is|are) not "
    r"(?:here|home|in|around)\b",
    r"\bjust missed (?!the\b|it\b|that\b|this\b|a\b|my\b|your\b)\w+\b|\bnot here(?: right now| now| today)?$",
    r"\b(?!i\b|we\b|you\b|it\b|that\b|this\b)\w+ (?:is|are) (?:over |down |out |up )?(?:at|in) the "
    r"(?:hospital|doctor|doctors|store|gym|bank|office|shop|mall|school)\b",
)
WRONG_PERSON = any_of(
    r"\bwrong (?:number|person|guy|lady|man|woman|house|household|family|name|people|phone)\b",
    r"\b(?:no|nobody|no one|noone) (?:here |living here |that lives here )?(?:by|with|named|called|of) (?:that|"
    r"the|this) name\b",
    r"\b(?:no|nobody|no one) (?:here |living here )?(?:named|called|by the name)\b",
    r"\bthere is no (?!one\b|body\b|way\b|time\b|need\b|point\b)\w+ (?:here|at this number|living here|"
    r"in this house|that lives here)\b",
    r"\b(?:does not|do not|no longer|doesnt|never) (?:live|lived|work|stay|stays) (?:here|at this|at that)\b",
    r"\b(?:moved|moved out|moved away) (?:years|months|a while|long)\b",
    r"\b(?:she|he|they) moved(?: out| away)?\b(?: \w+){0,3} (?:ago|years|months)\b",
    r"\bthis is not (?:\w+ )?(?:phone|number)\b|\bget calls for (?:them|her|him|\w+) all the time\b",
    r"\bdo not know (?:this|that|the) (?:person|lady|man|guy|name|woman)\b",
    r"\b(?:have|had|got) (?:had )?this number (?:only|for|since|just)\b",
    r"\b(?:only|just) (?:had|got|have had) this number\b|\bwhoever had (?:it|this number|the number) before\b",
    r"\b(?:no one|nobody) (?:here )?goes by\b",
    r"\bno (?!one\b|body\b)\w+ (?:living|lives|that lives|who lives) here\b|\bgoes by that name\b",
    r"\b(?:incorrect|mistaken) (?:number|person)\b|\bused to have (?:this|the|my) number\b|\bmine now\b",
    r"\bnever heard of (?:her|him|them|that|anyone|anybody|\w+)\b",
    r"\bdo not know (?:any|a|anyone|anybody|who|no)\b",
    r"\b(?:that is|it is) not (?:my|our) (?:name|number)\b",
    r"\b(?:that|this|it) is not me\b|\b(?:an )?old number\b|\boutdated number\b",
    r"\bnot (?:his|her|their) (?:number|phone)\b",
    r"\b(?:you|u) (?:have|got|have got) (?:the )?wrong\b",
    r"\b(?:dialed|dialled|called) (?:the )?wrong\b|\bmisdialed\b",
    r"\b(?:no|not) (?:one|body|anyone|anybody) (?:named|called) (?:that|\w+) (?:here|lives here)\b",
    r"\bthis (?:number|phone) (?:is not|belongs to) \b",
    r"\b(?:i|we) (?:just |only |recently )?got this (?:number|phone)\b|\b(?:was|is) (?:theirs|his|hers) before\b",
    r"\bprevious owner\b|\bused to (?:be|belong to) (?:someone|somebody|\w+) else\b",
    r"\bthis is a (?:restaurant|business|shop|store|company|church|school|hospital|clinic|bakery|salon|garage|hotel|"
    r"bar|pharmacy|law firm|dental office|doctor office)\b",
    r"\b(?:this|the|that) number is mine\b|\byou (?:have|got|made) (?:a |the )?mistake\b",
)
CALLBACK = any_of(
    r"\bcall (?:me |us |her |him |them )?(?:back|later|another time|some other time|tomorrow|tonight|this evening|"
    r"after|in (?:a|an|the|half|about)|next|on|around|at|some ?time|when|once)\b",
    r"\bbad time\b|\bnot (?:a )?(?:good|great|convenient) time\b|\bnot the best time\b|\bnot a good moment\b",
    r"\b(?:reach|catch|get) me (?:after|later|tomorrow|tonight|in|at|around|on|back)\b",
    r"\btry (?:me|us|her|him) (?:this|tonight|tomorrow|around|at|later|after|in|on|next)\b",
    r"\bnow is not (?:great|good|a good time|ideal|the best time)\b",
    r"\bgive (?:me|us) a (?:ring|call|buzz|shout)\b|\bbad timing\b|\b(?:just )?sitting down (?:to|for)\b",
    r"\b(?:i am|we are) (?:just |actually |really )?"
    r"(?:busy|driving|at work|in a meeting|working|in the middle|out|about to|on my way|at the "
    r"doctor|heading|just heading|on the road|in the car|at the store|with a customer|with a client|eating|cooking|"
    r"on another call|on the other line)\b",
    r"\b(?:i|we) (?:can not|am not able to|are not able to|do not have time to) (?:talk|speak|chat)\b",
    r"\b(?:try|ring) (?:me |us |again |back )?(?:again|back|later|tomorrow|another|next|in|after|on)\b",
    r"\b(?:need|have|want|got) to (?:check|look at|see|consult) (?:my|the|our) (?:calendar|schedule|diary|planner|"
    r"work schedule|shifts?)\b",
    r"\bcheck (?:with|my) (?:my )?(?:wife|husband|partner|spouse|calendar|schedule|diary|boss)\b",
    r"\blet me (?:check|look at) (?:my|the) (?:calendar|schedule|diary)\b.*\b(?:get back|call)\b",
    r"\bget back to (?:you|u)\b",
    r"\b(?:i|we) will call (?:you|u|back)\b",
    r"\bin a (?:meeting|hurry|rush)\b",
    r"\bdriving\b",
    r"\bnot (?:right )?now\b",
    r"\bnow is not\b",
    r"\bsome other time\b|\banother time\b|\banother day\b",
)
ALREADY_HAVE = any_of(
    r"\balready (?:have|got|booked|made|scheduled|set|did|had|done|on the calendar|on the books|taken care)\b",
    r"\b(?:i|we) (?:have|got) (?:one|an appointment|a meeting|something) (?:already|booked|scheduled|set up|"
    r"coming up)\b",
    r"\b(?:i am|we are) already (?:booked|scheduled|set)\b",
    r"\b(?:just|recently) (?:had|did|went to) (?:one|my|our|an|the)\b",
    r"\b(?:have|got|have got) (?:one|it|that|an appointment|something) (?:\w+ ){0,6}already\b",
    r"\b(?:took|taken) care of (?:that|it|this)\b|\balready (?:do|go|went|come|came|been)\b",
    r"\b(?:i|we) (?:just |already |only )?(?:came|went) in "
    r"(?:a|last|two|three|recently|just|for (?:that|it|this|one))\b",
    r"\b(?:did|had|done) (?:my|our|the|that|this|it)(?: \w+)? (?:last|already|earlier|recently|a few|a couple|"
    r"back in)\b",
    r"\b(?:made|booked|scheduled) (?:the|an|my|our) appointment\b|\b(?:that|it) is handled\b",
    r"\b(?:have|got|have got) (?:a time|a slot|a spot)(?: \w+){0,4} already\b",
    r"\b(?:have|got|made|make|booked) (?:an? |the )?(?:appointment|one)(?: \w+){0,3} already\b",
    r"^(?:\w+ )?(?:done|did it) already\b|\b(?:it is|that is) (?:all )?done already\b",
    r"\b(?:i|we) (?:went|came) in back\b|\b(?:went|came) in (?:back )?(?:in )?(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december)\b",
    r"\balready (?:called|coming|going|seeing|meeting|set up)\b|\b(?:we|i) (?:already )?(?:booked|scheduled|set up) "
    r"(?:it|one|that|an appointment)\b|\b(?:taken|took) care of\b",
    r"\bjust (?:do|did|done|had|went through) (?:this|that|it|one)\b",
    r"\balready (?:handled|sorted|dealt with|covered|rescheduled|arranged|fixed)\b",
    r"\b(?:and|myself|just|already) (?:booked|scheduled|rescheduled|set up|arranged) (?:it|one|that|an appointment|my "
    r"appointment)\b",
    r"\b(?:booked|scheduled|rescheduled|arranged|handled|sorted)\b(?: \w+){0,5} already$",
    r"\b(?:saw|seen|visited|met with|went to see|talked to|spoke (?:to|with)) (?:the|my|our|him|her|them|you|your)\b"
    r".{0,30}\b(?:ago|last (?:week|month)|recently|already)\b",
)
NOT_INTERESTED = any_of(
    r"\bnot (?:really |that |very |at all |too |so )?interested\b|\bno interest\b",
    r"^(?:no )?(?:i am|we are) (?:fine|good|happy|all set|ok|okay|set) with\b|\b(?:no|nope|nah)(?: thanks?)? bye\b",
    r"^(?:thanks|thank you)(?: but)? no(?: thanks| thank you)?$|"
    r"\bno appointment for (?:me|us)\b|^(?:no )?(?:i am|we are) all set\b",
    r"\b(?:i|we) would rather not\b|\bnot (?:bothering|going to bother) with\b",
    r"\b(?:i am|we are) not going to (?:do|book|bother|schedule|make|need|come)\b",
    r"\b(?:have to|will|must|going to|gonna|i) decline\b|\bbut (?:i am|we are) (?:all set|good|fine|okay|ok)\b",
    r"\bno thanks?\b|\bno thank (?:you|u)\b|\bnope thanks?\b|\bnah thanks?\b",
    r"\bnot for (?:me|us)\b",
    r"\b(?:do|does) not need (?:it|that|one|an appointment|anything|to|a|any)\b",
    r"\b(?:i|we) will pass\b|\bpass on (?:it|that|this)\b",
    r"^(?:(?:no|nah|nope|oh|um|uh|well|yeah|yeah no|thanks|no thanks) )*(?:i am|we are|i think i am|i think we are) "
    r"(?:good|fine|all set|ok|okay|set)(?: thanks?| thank you| for now| really| though)*$",
    r"\bdo not (?:think|believe) (?:i|we) (?:need|want)\b",
    r"\b(?:i|we) do not want (?:it|one|that|an appointment|to (?:book|schedule|make|meet|come|do (?:that|it|this)))\b",
    r"\bforget (?:it|about it)\b|\bdo not bother\b",
    r"\b(?:switched|went|moved) to (?:another|a different)\b",
    r"\bno need\b|\bnot necessary\b",
    r"\bnot looking (?:to|for)\b|\b(?:skip|sit out) (?:it|this|that)\b",
    r"\b(?:i|we)(?: am| are)?(?: going to| will| think i will| think we will| have to| must| would rather| better)? "
    r"pass(?: thanks?| thank you| for now| this time| on (?:it|that|this))?$",
    r"\bdecided (?:not to|against)\b|\bnot (?:going to )?go(?:ing)? ahead with\b",
)
# Words about calls or the list with a "no" in them that nothing else explained: perhaps an opt-out, so asked
MAYBE_OPT_OUT = re.compile(r"\b(?:call|(?:tele)?phon|ring|list|contact|bother(?!\w* with)|number|text)\w*\b")
NEGATED = re.compile(r"\b(?:no|not|never|nobody|no one|stop|off|quit|enough|anymore|any more)\b")
DECEASED = re.compile(
    r"\b(?:passed away|passed on|died|deceased|is no longer with us|passed last|lost (?:her|him) last)\b"
)
