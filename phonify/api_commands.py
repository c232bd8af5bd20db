"""The api commands Phonify answers besides originate (uuid_*, avmd, show channels, status, hupall), with
FreeSWITCH's reply texts. Mixed into Switch; each `_api_<name>` takes the argument text."""

from __future__ import annotations

import asyncio
import time

from phonify import wire
from phonify.audio_fork import FRAME_SECONDS, RATES, AudioFork
from phonify.channel import Channel
from phonify.originate import split_blank
from phonify.voice import RATE, wav_samples


class ApiCommands:
    async def _api_uuid_kill(self, args: str) -> str:
        target, _, cause = args.partition(" ")
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return "-ERR No such channel!\n"
        await self.hangup(channel, cause.strip() or "NORMAL_CLEARING")
        return "+OK\n"

    async def _api_uuid_exists(self, args: str) -> str:
        channel = self.channels.get(args.strip())
        return "true" if channel is not None and channel.alive else "false"

    async def _api_uuid_dump(self, args: str) -> str:
        """uuid_dump <uuid>: a CHANNEL_DATA event's headers (the channel's basic data, then its variables) in the
        default `txt` format, as an event is serialised (values percent-encoded); not fired, so no Event-Sequence."""
        words = args.split()
        if not words:
            return "-USAGE: <uuid> [format]\n"
        channel = self.channels.get(words[0])
        if channel is None or not channel.alive:
            return "-ERR No Such Channel!\n"
        headers = [*self.event_headers("CHANNEL_DATA", time.time()), *channel.headers(), *channel.variable_headers()]
        return wire.serialize_event(headers).decode("ascii")

    async def _api_uuid_getvar(self, args: str) -> str:
        target, _, name = args.partition(" ")
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return "-ERR No such channel!\n"
        return channel.variables.get(name.strip(), "_undef_")

    async def _api_uuid_setvar(self, args: str) -> str:
        target, _, rest = args.partition(" ")
        name, _, value = rest.partition(" ")
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return "-ERR No such channel!\n"
        if not name:
            return "-USAGE: <uuid> <var> [value]\n"
        if value:
            channel.variables[name] = value
        else:
            channel.variables.pop(name, None)
        return "+OK\n"

    async def _api_avmd(self, args: str) -> str:
        target, _, action = args.partition(" ")
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return "-ERR No such channel!\n"
        channel.avmd_on = action.strip().lower() != "stop"
        return "+OK\n"

    async def _api_uuid_broadcast(self, args: str) -> str:
        """Play a file to the callee: recorded on the channel (what the person "heard")."""
        target, _, rest = args.partition(" ")
        channel = self.channels.get(target)
        path = rest.split()[0] if rest.split() else ""
        if channel is None or not channel.alive or not path:
            return "-ERR invalid uuid\n"
        channel.played.append(path)
        self.publish("PLAYBACK_START", [("Playback-File-Path", path)], channel=channel)
        self.spawn(self._play_file(channel, path))
        return "+OK Message sent\n"

    async def _play_file(self, channel: Channel, path: str) -> None:
        """Play a WAV file into the call in real time: the persona hears it (a voicemail drop, say)."""
        samples = wav_samples(path)
        frame = int(RATE * FRAME_SECONDS)
        start = asyncio.get_running_loop().time()
        for index, offset in enumerate(range(0, len(samples), frame)):
            if not channel.alive:
                return
            await asyncio.sleep(max(0.0, start + index * FRAME_SECONDS - asyncio.get_running_loop().time()))
            channel.agent_frame_played(
                channel.clock(), samples[offset : offset + frame].tobytes().ljust(frame * 2, b"\0"), RATE
            )
        for _ in range(40):  # trailing silence lets the ear notice the end of what it heard
            if channel.ear is not None and channel.alive:
                channel.ear.hear(bytes(frame * 2), RATE, channel.clock(), silent=True)
        self.publish("PLAYBACK_STOP", [("Playback-File-Path", path)], channel=channel)

    async def _api_uuid_transfer(self, args: str) -> str:
        words = args.split()
        channel = self.channels.get(words[0]) if words else None
        destination = [word for word in words[1:] if not word.startswith("-")]
        if channel is None or not channel.alive:
            return "-ERR No such channel!\n"
        if not destination:
            return "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n"
        channel.variables["transfer_destination"] = destination[0]
        self.publish(
            "CHANNEL_EXECUTE", [("Application", "transfer"), ("Application-Data", destination[0])], channel=channel
        )
        return "+OK\n"

    async def _api_uuid_audio_fork(self, args: str) -> str:
        """uuid_audio_fork <uuid> start <url> <mono|mixed|stereo> <rate> [bugname] [metadata] | send_text | stop."""
        words = split_blank(args)
        usage = "-USAGE: <uuid> start <wss-url> <mono|mixed|stereo> <8k|16k> [bugname] [metadata] | stop | send_text\n"
        if len(words) < 2:
            return usage
        channel = self.channels.get(words[0])
        if channel is None or not channel.alive:
            return "-ERR Operation Failed\n"
        action = words[1]
        if action == "start":
            if len(words) < 5 or words[4] not in RATES or words[3] not in ("mono", "mixed", "stereo"):
                return usage
            bug = words[5] if len(words) > 5 else "audio_fork"
            if bug in channel.forks:
                return "-ERR Operation Failed\n"
            streaming = len(words) > 9 and words[7] == "true" and words[8] == "true"  # bidirectional stream
            fork = AudioFork(
                self,
                channel,
                url=words[2],
                rate=RATES[words[4]],
                metadata=words[6] if len(words) > 6 else "",
                stream_rate=int(words[9]) if streaming and words[9].isdigit() else None,
            )
            channel.forks[bug] = fork
            fork.start()
            return "+OK Success\n"
        fork = next(iter(channel.forks.values()), None)
        if fork is None:
            return "-ERR Operation Failed\n"
        if action == "send_text":
            await fork.send_text(" ".join(words[2:]))
        elif action == "stop":
            channel.forks.clear()
            await fork.stop(" ".join(words[2:]))
        else:
            return usage
        return "+OK Success\n"

    async def _api_hupall(self, args: str) -> str:
        cause = args.split()[0] if args.split() else "MANAGER_REQUEST"
        for channel in [c for c in self.channels.values() if c.alive]:
            await self.hangup(channel, cause)
        return f"+OK hangup all channels with cause {cause}\n"

    async def _api_show(self, args: str) -> str:
        if args.split()[:1] != ["channels"]:
            return "-USAGE: show channels\n"
        live = [c for c in self.channels.values() if c.alive]
        lines = ["uuid,direction,created,created_epoch,name,state,cid_name,cid_num,dest,callstate"]
        for c in live:
            created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(c.created_us / 1e6))
            lines.append(
                f"{c.uuid},outbound,{created},{c.created_us // 1_000_000},{c.name},{c.state},"
                f"{c.caller_id_name},{c.caller_id_number},{c.number},{c.call_state}"
            )
        return "\n".join(lines) + f"\n\n{len(live)} total.\n"

    async def _api_global_getvar(self, args: str) -> str:
        """A global variable's value ('' when unset), or every one as name=value lines; `core_uuid` is new at each
        start, as FreeSWITCH's."""
        known = {"core_uuid": self.core_uuid, "hostname": self.hostname, "switchname": self.hostname}
        name = args.strip()
        if name:
            return known.get(name, "")
        return "".join(f"{key}={value}\n" for key, value in known.items())

    async def _api_status(self, args: str) -> str:
        uptime = int(time.monotonic() - self.started)
        live = sum(c.alive for c in self.channels.values())
        return (
            f"UP 0 years, 0 days, 0 hours, 0 minutes, {uptime} seconds, 0 milliseconds, 0 microseconds\n"
            f"FreeSWITCH (Version 1.10.12-phonify) is ready\n{len(self.channels)} session(s) since startup\n"
            f"{live} session(s) - peak {live}, last 5min {live}\n0 session(s) per Sec out of max 30, peak 1\n"
            "1000 session(s) max\n"
        )
