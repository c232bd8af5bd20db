"""The questions callees ask the agent, as patterns over normalised words (`phrases.normalised`): is this a
robot, what is this about, how did you get my number, who is calling, hold on, what did you say, and may I
speak to a person. Each is answered and the call goes on where it was; the intents that change the call
(opt-outs, wrong numbers, not at home, declines) are in `phrases.py`, how people answer the times in
`answer_phrases.py`, and `understanding.py` sets the order ("Am I talking to a real person?" is a robot
question before it is a request for a person).
"""

from __future__ import annotations

from agent.dialogue.phrases import any_of

ROBOT = any_of(
    r"\b(?:is this|are you|am i (?:talking|speaking) (?:to|with)|is that|this is) (?:a |an |just a )?(?:robot|machine|"
    r"recording|recorded|computer|bot|ai|artificial|automated|automatic|real person|real human|human|person|"
    r"live person|"
    r"real|actual person|chat ?bot|program)\b",
    r"\bare you (?:real|human|a person|alive|a real)\b",
    r"\b(?:is|are) (?:this|you) (?:a )?(?:real|live) (?:person|human|call)\b",
    r"\bwho am i (?:talking|speaking) to\b.*\b(?:robot|machine|computer|person)\b",
    r"\byou are (?:a |an |just a |some )?(?:robot|machine|computer|bot|ai|recording|program)\b",
    r"\b(?:person|human)(?: \w+)? or (?:a |an )?(?:program|robot|machine|computer|recording|bot)\b",
    r"\b(?:program|robot|machine|computer|recording|bot) or (?:a )?(?:real )?(?:person|human)\b",
    r"\bone of those (?:ai|robot|automated|computer|recorded|robo)\b|\b(?:ai|robot|bot) things?\b",
    r"\bis there (?:a |an )?(?:real |actual |live )?(?:human|person) on (?:this|the) (?:line|call|phone)\b",
)

PURPOSE = any_of(
    r"\bwhat is (?:this|it|that|the call) (?:about|regarding|for|in (?:regards?|reference) to|concerning|re)\b",
    r"\bwhy (?:are|were|did|would) (?:you|u) (?:calling|call|ringing)\b",
    r"\bwhat (?:are|were) (?:you|u) calling (?:about|for|me for|me about)\b",
    r"\bwhat do (?:you|u) want\b",
    r"\bwhat is the (?:call|purpose|reason)\b",
    r"\b(?:is|was) (?:this|it|that) (?:about|regarding|for) (?:my|the|our|a)\b",
    r"\bwhat (?:is|was) (?:this|that|it) (?:all )?about\b",
    r"\bwhat can i (?:do|help) (?:for )?you\b",
    r"\bwhat (?:kind|sort|type) of (?:appointment|meeting|call)\b",
    r"^what is this$",
    r"\bwhat (?:is|was) the appointment (?:for|about)\b",
    r"\bwhat do (?:you|u) need(?: from me)?\b|\bwhat is going on\b",
    r"\bin (?:reference|regards?|relation) to what\b|\bregarding what\b",
    r"\b(?:a |the )?review of what\b|\bof what exactly\b|\bwhat (?:kind of )?review\b",
    r"\bwhat is it (?:that )?(?:you|u) (?:want|need)\b",
)

HOW_NUMBER = any_of(
    r"\b(?:how|where) (?:did|do|would|could) (?:you|u|they) (?:get|find|have|obtain) (?:my|this|our) (?:number|info|"
    r"information|details|name|phone)\b",
    r"\bwho gave (?:you|u) (?:my|this|our)\b",
    r"\bhow do (?:you|u) (?:have|know) (?:my|this|our)\b",
    r"\bwhere did (?:you|u) (?:get|find) (?:this|that|it)\b",
    r"\bnever gave (?:you|u|your \w+|you guys|you people) (?:this|my|our|the) (?:number|phone)\b",
    r"\b(?:how|where) did (?:you|u|you guys|they) get (?:it|that)\b",
)

WHO = any_of(
    r"\bwho (?:is|was) (?:this|that|calling|speaking|it|on the (?:line|phone))\b",
    r"\bwho (?:are|r) (?:you|u)\b",
    r"\bwho did you say\b",
    r"\bwho am i (?:talking|speaking) (?:to|with)\b",
    r"\b(?:what|which) (?:company|office|business|agency|firm)\b",
    r"\bwhere (?:are|r) (?:you|u) calling from\b",
    r"\bwho do (?:you|u) (?:work for|represent)\b",
    r"\bwhat (?:is|was) your name\b",
    r"\bwho is calling\b",
    r"\bwho (?:is|was) (?:asking|wanting|wanting to know|this for)\b|^(?:and )?you are$|^and who are you$",
)

HOLD = any_of(
    r"\b(?:hold|hang) on\b",
    r"\b(?:one|1|just a|give me a|wait a|half a|just one|gimme a|hold on a) (?:sec|second|moment|minute|min|mo|tick)\b",
    r"\bhold the line\b",
    r"\bbear with me\b",
    r"\blet me (?:grab|get|find|go|turn|pull over|step|put|move|close|switch)\b",
    r"^(?:wait|just wait|wait wait|one second|hang on|hold on)$",
    r"\b(?:can|could|would) you (?:please )?hold\b|"
    r"^(?:please )?hold(?: please| up)?$|\bplease hold\b|\bhang tight\b|\bhold that thought\b",
)

REPEAT = any_of(
    r"^(?:what|sorry|pardon|huh|excuse me|come again|say again|what was that|sorry what|what now|eh|hm|hmm|say what|"
    r"what what|i am sorry|beg your pardon|pardon me|sorry say that again|what is that|wait what)$",
    r"\b(?:say|repeat) (?:that|it|this|what you said) (?:again|one more time|once more)\b",
    r"\brepeat (?:that|yourself|the|it|what you said)\b",
    r"\bcome again\b",
    r"\bdid not (?:catch|hear|get|understand) (?:that|you|what|it|the|a word|any)\b",
    r"\b(?:you are|your) (?:breaking up|cutting out)\b",
    r"\bspeak up\b|\bslow down\b",
    r"\bcan not hear (?:you|that)\b",
    r"\bwhat did (?:you|u) (?:just )?say\b",
    r"\bi (?:missed|lost) (?:that|you|what you said)\b",
    r"\bpardon\b|\bbeg your pardon\b",
    r"\bsay that (?:again|one more time)\b",
    r"\bone more time\b",
)

ASK_PERSON = any_of(
    r"\b(?:speak|talk|chat) (?:to|with) (?:a |an |some )?(?:real |live |actual )?(?:person|human|someone|somebody|"
    r"representative|rep|agent|operator|manager|staff|people|one of your people|a member of staff)\b",
    r"\b(?:want|need|like|get|give me) (?:a |an )?(?:real|live|actual) (?:person|human|one)\b",
    r"\btransfer me\b|\bput me through\b|\bconnect me\b",
    r"\b(?:is there|can i get|can i have|get me|give me|put me on with|i need|i want|i would like) (?:a |an |some )?"
    r"(?:real |live |actual )?(?:person|human|somebody|someone|representative|manager)\b",
    r"\b(?:have|ask|get) (?!me\b)\w+(?: \w+){0,3} (?:to )?call me\b",
    r"\bget (?:my |an |a |the )?(?:agent|person|human|someone|somebody|manager|representative|rep|advisor)\b"
    r"(?: \w+)? on the (?:line|phone)\b",
    r"\b(?:want|need|like|would like|prefer|rather) to (?:speak|talk) (?:to|with) (?!you\b)\w+\b",
    r"\b(?:usually|normally|always) (?:deal|talk|speak|work) with (?:her|him|them|\w+)\b",
    r"^(?:\w+ )?is (?!this\b|that\b|it\b|there\b|not\b|no\b)\w+ (?:there|around|in|available)\b",
    r"\b(?:rather|prefer|prefer to) (?:speak|talk) (?:to|with) (?!you\b)\w+\b",
    r"\b(?:an? )?(?:actual|real) (?:employee|staff member|agent)\b",
    r"\b(?:speak|talk) (?:to|with) my (?:agent|advisor|adviser|broker|rep|representative|account manager)\b",
    r"\b(?:a |an )?(?:representative|operator)\b",
    r"\bagent please\b",
    r"\b(?:whoever(?: is)?|the person|someone|somebody) in charge\b",
    r"\b(?:talk|speak) to your (?:boss|supervisor|manager)\b",
    r"\bput (?:a|some|an) (?:real |live |actual )?(?:person|human|body|someone|somebody|manager|representative|"
    r"supervisor) on\b|\bput (?:someone|somebody) (?:real )?on\b",
    r"\b(?:can|could|may) i (?:please )?(?:speak|talk) (?:to|with) (?!you\b)\w+\b",
    r"\b(?:handles|does|takes care of|looks after) my (?:account|policy|file|appointments|insurance)\b",
    r"\b(?:someone|somebody|anyone|anybody) (?:else|from the office|at the office|in the office|real)\b",
)
