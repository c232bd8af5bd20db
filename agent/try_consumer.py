""" "Try it" on a script's page: staff talk with the agent in text, as a callee would, over a websocket
(`ws/scripts/<pk>/try/`), and see what it says, how it understood each line, what it did with its tools and
where the call ended. The script's own dialogue policy answers (the language model's too, when one is
configured); its tools find real free times in the person's own calendar and write nothing (`try_tools.py`).

Only a signed-in member of the script's office may open one (4403 otherwise). Messages in: `{"say": words}`,
`{"silence": true}`, `{"restart": true}`. Messages out, each `{"kind": …}`: `ready` (the policy, the customer's
stand-in name), `agent` (words, `by` "script" or "model"; the model's sentence by sentence as they stream),
`understood`, `model` (what the language model did with the turn), `tool` (name and what it did), `waiting`
(the agent holds quietly), `ended` (the outcome).
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from agent.dialogue.actions import ModelReply
from agent.dialogue.choice import policy_for
from agent.dialogue.policy import Hangup, Say, ScriptedPolicy, Transfer, Wait
from agent.script_lines import lines_for
from agent.try_tools import TryTools
from callscripts.models import Script
from customers.models import Customer
from issetter.tenancy import office_of

STAND_IN = "Alex"  # the callee's first name on a try
LONGEST_LINE = 500


class ScriptTryConsumer(AsyncJsonWebsocketConsumer):
    policy = None
    tools: TryTools | None = None

    async def connect(self) -> None:
        found = await database_sync_to_async(self._script)()
        if found is None:
            await self.close(code=4403)
            return
        self.script, self.office, self.user = found
        await self.accept()
        await self._start()

    def _script(self):
        user = self.scope.get("user")
        office = office_of(user)
        if office is None:
            return None
        script = Script.objects.filter(office=office, pk=self.scope["url_route"]["kwargs"]["pk"]).first()
        return None if script is None else (script, office, user)

    async def _start(self) -> None:
        self.policy = await database_sync_to_async(self._policy)()
        label = self.script.get_dialogue_policy_display()
        if isinstance(self.policy, ScriptedPolicy) and self.script.dialogue_policy != "scripted":
            label += " (no language model is configured: the scripted policy answers)"
        await self.send_json({"kind": "ready", "policy": label, "callee": STAND_IN})

    def _policy(self):
        self.tools = TryTools(office=self.office, user=self.user, script=self.script)
        customer = Customer(office=self.office, first_name=STAND_IN, last_name="Example", phone="+12025550100")
        lines = lines_for(script=self.script, customer=customer, office=self.office)
        return policy_for(script=self.script, lines=lines, tools=self.tools)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            return
        if content.get("restart"):
            await self._start()
            return
        if self.policy.state == "closed":
            await self.send_json({"kind": "ended", "outcome": self.policy.outcome or "ended"})
            return
        if content.get("silence"):
            await self._carry_out(await database_sync_to_async(self.policy.silence)())
            return
        words = str(content.get("say") or "").strip()[:LONGEST_LINE]
        if words:
            actions = await database_sync_to_async(self.policy.heard, thread_sensitive=False)(words)
            meant = self.policy.last_understood
            if meant is not None:
                await self.send_json({"kind": "understood", "label": meant.label})
            await self._carry_out(actions)

    async def _carry_out(self, actions: list) -> None:
        for action in actions:
            await self._tools_used()
            if isinstance(action, Say):
                await self.send_json({"kind": "agent", "text": action.text, "by": "script"})
            elif isinstance(action, ModelReply):
                next_part = database_sync_to_async(action.turn.next_part, thread_sensitive=False)
                while isinstance(part := await next_part(), str):  # each sentence as the model streams it
                    await self.send_json({"kind": "agent", "text": part, "by": "model"})
                if getattr(self.policy, "turn_note", ""):
                    await self.send_json({"kind": "model", "note": self.policy.turn_note})
                await self._carry_out(part)
            elif isinstance(action, Wait):
                await self.send_json({"kind": "waiting"})
            elif isinstance(action, Transfer):  # the agent's part ends: the call would go on with the office
                detail = f"would put them through to {action.number}"
                await self.send_json({"kind": "tool", "name": "transfer", "detail": detail})
                await self.send_json({"kind": "ended", "outcome": "transferred"})
            elif isinstance(action, Hangup):
                await self.send_json({"kind": "ended", "outcome": action.outcome or self.policy.outcome})
        await self._tools_used()

    async def _tools_used(self) -> None:
        used, self.tools.used = self.tools.used, []
        for name, detail in used:
            await self.send_json({"kind": "tool", "name": name, "detail": detail})
