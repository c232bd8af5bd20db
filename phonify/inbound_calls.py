"""Calls a persona makes to the office (the Switch's part for them): the public dialplan answers and parks an
inbound call, as FreeSWITCH's does (`deploy/freeswitch/dialplan/public.xml`); whoever listens on the Event
Socket takes it from there. The persona waits for the agent's greeting, then says its turns."""

from __future__ import annotations

import uuid as uuidlib

from phonify.channel import Channel, now_us
from phonify.conversation import SpokenConversation


class InboundCalls:
    async def call_in(self, number: str, to: str) -> str:
        """The persona at `number` calls `to` (the office): the public dialplan answers and parks the call, as
        FreeSWITCH's does, and whoever listens on the Event Socket takes it from there. Returns its uuid."""
        persona = self.personas.get(number)
        if persona is None:
            raise ValueError(f"no persona has the number {number}")
        call_uuid = str(uuidlib.uuid4())
        channel = Channel(
            uuid=call_uuid,
            number=number,
            persona=persona,
            variables={"uuid": call_uuid, "direction": "inbound", "destination_number": to},
            caller_id_name=persona.first_name or persona.name,
            caller_id_number=number,
            direction="inbound",
            destination=to,
        )
        self.channels[call_uuid] = channel
        self.spawn(self._inbound(channel))
        return call_uuid

    async def _inbound(self, channel: Channel) -> None:
        self.publish("CHANNEL_CREATE", channel=channel)
        await self.wait(0.1)
        channel.answered_us, channel.state, channel.call_state = now_us(), "CS_EXECUTE", "ACTIVE"
        channel.answer_state = "answered"
        self.publish("CHANNEL_ANSWER", channel=channel)
        self._park(channel)
        if not self.text_mode:
            self.spawn(SpokenConversation(self, channel).run())
        if not await self._sleep_or_hangup(channel, channel.persona.hangup_after):
            await self.hangup(channel, "NORMAL_CLEARING")
