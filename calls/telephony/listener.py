"""The one long-lived Event Socket connection (`manage.py telephony_events`): subscribe, hand every event
to the call-event service, start the agent's audio fork when a call is answered, watch over calls that
run too long or go quiet, and — when the switch goes away — reconnect with backoff and reconcile every
call left unfinished. When the database goes away (a PostgreSQL restart), the switch connection stays up:
each event waits, retried with backoff on a fresh database connection, and is applied once the database is
back (applying an event is idempotent, so one that half-happened before the drop is simply applied again).

Runs under gevent (greenswitch's own greenlets; nothing is monkey-patched). Each piece is a method the
tests call on their own; `run` strings them together until `stop` is set.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable

import gevent
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from calls.call_events import AGENT_LOST, AGENT_LOST_CAUSE, CHANNEL_EVENTS, CUSTOM_EVENTS, call_event_record
from calls.live import LivePublisher
from calls.models import Call
from calls.run_watch import dial_runs_rescue
from calls.telephony.agent_link import agent_prepare
from calls.telephony.esl import ANSWERED, EslTelephony
from calls.telephony.event_lanes import EventLanes
from calls.telephony.event_socket import EventSocket, SwitchUnavailableError, event_socket_open
from calls.telephony.fork_protocol import KEYS, ForkEvent, ForkOpening, ToAgent, to_agent
from calls.watch import call_end_unseen, call_follow_ups_complete, calls_overdue

log = logging.getLogger(__name__)

BACKOFF = (0.5, 1, 2, 5, 10, 30)
DATABASE_BACKOFF = (0.2, 0.5, 1, 2, 5)  # between tries of an event, or of a watch, while the database is away
DATABASE_ERRORS = (InterfaceError, OperationalError)  # the connection dropped or the server is unreachable
HEARTBEAT_SILENCE = 45.0  # FreeSWITCH sends one every 20 s: this much silence means the link is dead
EVENT_LANES = 4  # threads applying events, each call's events on one of them
# An office's live block goes out as soon as the one before it is made, carrying every change since: no spacing.
# Measured (bench/live_sockets.py, in turns): 0.05 s raised event → browser p50 by 30-40 ms and p95 by 50-80 ms.
PUBLISH_SECONDS = 0.0
RUN_WATCH_SECONDS = 30.0  # how often the dial-run watchdog looks for runs nobody drives
QUIET_CALL = dt.timedelta(seconds=20)  # an unfinished call with no event this long is checked on the switch


class EventListener:
    def __init__(
        self,
        *,
        connect: Callable[[], EventSocket] | None = None,
        agent_url: str | None = None,
        fresh_call_grace: float = 5.0,
    ) -> None:
        self._connect = connect or (
            lambda: event_socket_open(
                settings.FREESWITCH_ESL_HOST, settings.FREESWITCH_ESL_PORT, settings.FREESWITCH_ESL_PASSWORD
            )
        )
        self.agent_url = settings.AGENT_URL if agent_url is None else agent_url
        self.socket: EventSocket | None = None
        self.switch: EslTelephony | None = None
        self.fresh_call_grace = dt.timedelta(seconds=fresh_call_grace)  # a bgapi originate may still be in flight
        self.last_heard = time.monotonic()
        self.connections = 0
        self.events_handled = 0
        self.publisher = LivePublisher(PUBLISH_SECONDS)
        self._count_lock = threading.Lock()
        self._transferring: set[str] = set()  # calls the agent handed to a person
        self.lanes: EventLanes | None = None
        self._hub = self._hub_thread = None
        self._stop: Callable[[], bool] = lambda: False
        self._run_watch: threading.Thread | None = None
        self.database_retries = 0  # how many times an event or a watch met the database away
        self.switch_core = ""  # the switch's Core-UUID, read at each (re)connection (new at each switch start)

    # ---- connection ---------------------------------------------------------------------------------
    def connect(self) -> EventSocket:
        socket = self._connect()
        socket.register_handle("*", self._on_event)
        socket.command(f"event plain {CHANNEL_EVENTS} HEARTBEAT CUSTOM {CUSTOM_EVENTS}")
        self.socket, self.last_heard = socket, time.monotonic()
        self.switch = EslTelephony(socket, settings.FREESWITCH_GATEWAY)  # the adapter's commands on this link
        self.connections += 1
        log.info("telephony events: connected (connection %d)", self.connections)
        return socket

    def connected(self) -> bool:
        alive = self.socket is not None and self.socket.connected
        return alive and time.monotonic() - self.last_heard < HEARTBEAT_SILENCE

    def run(self, stop: Callable[[], bool], tick: float = 1.0) -> None:
        switch_attempt = database_attempt = 0
        reconciled = False
        self._stop = stop
        self._hub, self._hub_thread = gevent.get_hub(), threading.current_thread()
        self.lanes = EventLanes(EVENT_LANES, self.handle)
        self.publisher.start()
        while not stop():
            try:
                if not self.connected():
                    self.close()
                    self.connect()
                    reconciled = False
                switch_attempt = 0
                if not reconciled:
                    self.reconcile()
                    reconciled = True
                while not stop() and self.connected():
                    gevent.sleep(tick)
                    self.watch()
                    self.watch_runs()
                    database_attempt = 0
                self.close()  # the switch went away or fell silent
                wait = BACKOFF[0]
            except SwitchUnavailableError as problem:
                log.warning("telephony events: switch unavailable: %s", problem)
                self.close()
                wait = BACKOFF[min(switch_attempt, len(BACKOFF) - 1)]
                switch_attempt += 1
            except DATABASE_ERRORS as problem:  # keep the switch connection; its events wait in the lanes
                wait = DATABASE_BACKOFF[min(database_attempt, len(DATABASE_BACKOFF) - 1)]
                database_attempt += 1
                self._database_lost(problem, wait)
            if stop():
                break
            gevent.sleep(wait)
        self.lanes.stop()
        self.publisher.stop()

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close_quietly()
            self.socket = None

    # ---- events -------------------------------------------------------------------------------------
    def _on_event(self, event) -> None:
        self.last_heard = time.monotonic()
        headers = event.headers
        if "Event-Name" not in headers or headers["Event-Name"] == "HEARTBEAT":
            return
        key = headers.get("variable_app_call_uuid") or headers.get("Unique-ID") or headers.get("Job-UUID", "")
        if self.lanes is not None:
            self.lanes.put(key, headers, getattr(event, "body", ""))
        else:
            self.handle(headers, getattr(event, "body", ""))

    def handle(self, headers: dict[str, str], body: str = "") -> None:
        applied = self._record(headers, body)
        with self._count_lock:
            self.events_handled += 1
        if applied is not None and applied.changed:
            self.publisher.changed(applied.call.office_id, headers.get("Event-Date-Timestamp", ""))
        if applied is None and self.socket is not None and _inbound_not_ours(headers):
            self._on_hub(self._refuse, headers.get("Unique-ID", ""))
        if applied is None or not self.agent_url or self.socket is None:
            return
        subclass = headers.get("Event-Subclass", "")
        if applied.ringing_now:
            agent_prepare(self.agent_url, applied.call)  # the greeting is made while the phone rings
        if applied.answered_now:
            self._on_hub(self._fork_to_agent, applied.call)
        elif subclass == "avmd::beep" and applied.call.status != Call.Status.ENDED:
            self._on_hub(self._tell_agent, applied.call, to_agent(ToAgent.BEEP))
        elif headers.get("Event-Name") == "DTMF" and applied.call.status == Call.Status.ANSWERED:
            if headers.get("DTMF-Digit", "") in KEYS:
                self._on_hub(self._tell_agent, applied.call, to_agent(ToAgent.KEY, digit=headers["DTMF-Digit"]))
        elif subclass == ForkEvent.TRANSFER and applied.call.status != Call.Status.ENDED:
            self._on_hub(self._transfer, applied.call, body)
        elif (
            subclass in AGENT_LOST and applied.call.status != Call.Status.ENDED and not self._transferred(applied.call)
        ):  # the agent said goodbye (its `disconnect`), or it was lost (flagged): nobody talks with the callee now
            if applied.agent_lost:
                log.warning("telephony events: call %s: %s", applied.call.uuid, applied.call.flag_reason)
            cause = AGENT_LOST_CAUSE if applied.agent_lost else "NORMAL_CLEARING"
            self._on_hub(self._hang_up, applied.call, subclass, cause)

    def _record(self, headers: dict[str, str], body: str):
        """Apply the event, however long the database is away: each try on a fresh connection, with backoff.
        Gives up only when the listener is stopping (the event is then lost with the process anyway)."""
        attempt = 0
        while True:
            try:
                return call_event_record(headers=headers, body=body)
            except DATABASE_ERRORS as problem:
                if self._stop():
                    raise
                wait = DATABASE_BACKOFF[min(attempt, len(DATABASE_BACKOFF) - 1)]
                attempt += 1
                self._database_lost(problem, wait)
                if self._on_hub_thread():
                    gevent.sleep(wait)
                else:
                    time.sleep(wait)  # a lane's own thread: nothing else waits on it

    def _database_lost(self, problem: Exception, wait: float) -> None:
        with self._count_lock:
            self.database_retries += 1
        log.warning("telephony events: database unavailable (%s); trying again in %s s", str(problem).strip(), wait)
        try:
            connection.close()  # the next query opens a new connection
        except DATABASE_ERRORS:
            pass

    def _on_hub_thread(self) -> bool:
        return self._hub is None or threading.current_thread() is self._hub_thread

    def _on_hub(self, work, *args) -> None:
        """Switch commands go out from the hub's thread (greenswitch's socket belongs to it)."""
        if self._hub is not None and threading.current_thread() is not self._hub_thread:
            self._hub.loop.run_callback_threadsafe(gevent.spawn, work, *args)
        else:
            work(*args)

    def _tell_agent(self, call: Call, message: str) -> None:
        try:
            self.switch.audio_fork_send_text(str(call.uuid), message)
        except SwitchUnavailableError:
            log.warning("telephony events: could not tell the agent about call %s", call.uuid)

    def _transfer(self, call: Call, body: str) -> None:
        """The agent asked to put the callee through to a person (the script's transfer number)."""
        try:
            number = str(json.loads(body or "{}").get("number", ""))
        except ValueError:
            number = ""
        if not number.startswith("+") or not number[1:].isdigit():
            log.warning("telephony events: call %s: the agent asked for a transfer without a number", call.uuid)
            return
        with self._count_lock:
            self._transferring.add(str(call.uuid))
        try:
            self.switch.transfer(str(call.uuid), number)
        except SwitchUnavailableError:
            log.warning("telephony events: could not transfer call %s", call.uuid)

    def _transferred(self, call: Call) -> bool:
        """A transferred call goes on without the agent: its fork closing must not hang it up."""
        with self._count_lock:
            return str(call.uuid) in self._transferring or call.outcome == Call.Outcome.TRANSFERRED

    def _hang_up(self, call: Call, why: str, cause: str) -> None:
        """The agent said goodbye (its `disconnect` after its last words), or its fork dropped or never
        connected: nobody is left to talk with the callee, so the call ends."""
        try:
            self.switch.hangup(str(call.uuid), cause)
        except SwitchUnavailableError:
            log.warning("telephony events: could not hang up call %s after %s", call.uuid, why)

    def _refuse(self, channel_uuid: str) -> None:
        """A call came in on a number that is no office's: it is hung up, not left parked."""
        log.warning("telephony events: inbound call %s is to no office's number: hung up", channel_uuid)
        try:
            self.switch.hangup(channel_uuid, "UNALLOCATED_NUMBER")
        except SwitchUnavailableError:
            log.warning("telephony events: could not hang up inbound call %s", channel_uuid)

    def _fork_to_agent(self, call: Call) -> None:
        metadata = ForkOpening.for_call(call).encode()  # the agent takes the fork only with the call's secret
        try:
            self.switch.audio_fork_start(str(call.uuid), self.agent_url, metadata)
        except SwitchUnavailableError:
            log.warning("telephony events: could not fork call %s to the agent", call.uuid)

    # ---- watching over calls ------------------------------------------------------------------------
    def reconcile(self) -> int:
        """After (re)connecting: every unfinished call the switch no longer has is ended, flagged with why (it
        ended while we were away, or was lost when the switch restarted), every one it answered unheard is
        answered and forked to the agent, and every end whose follow-up a killed listener never committed is
        followed up; returns how many calls it ended."""
        self.switch_core = self.switch.core_uuid()
        ended = self._end_vanished(Call.objects.exclude(status=Call.Status.ENDED), after_absence=True)
        followed = call_follow_ups_complete()
        if ended or followed:
            log.warning(
                "telephony events: reconciled: ended %d calls the switch no longer had (flagged); followed up %d ends",
                ended,
                followed,
            )
        return ended

    def watch(self, now: dt.datetime | None = None) -> None:
        """Hang up calls past the office's maximum length (flagged); check calls that went quiet."""
        now = now or timezone.now()
        close_old_connections()
        for call in calls_overdue(now=now):
            Call.objects.filter(pk=call.pk).update(flagged=True, flag_reason=f"Longer than {call.limit} s: hung up.")
            self.switch.hangup(str(call.uuid), "ALLOTTED_TIMEOUT")
        quiet = Call.objects.exclude(status=Call.Status.ENDED).filter(last_event_at__lt=now - QUIET_CALL)
        self._end_vanished(quiet)

    def watch_runs(self) -> None:
        """Every RUN_WATCH_SECONDS, the dial-run watchdog on a thread of its own (it may talk to the task
        queue's broker, which must never stall the thread reading the switch)."""
        if self._run_watch is not None and self._run_watch.is_alive():
            return
        self._run_watch = threading.Thread(target=self._rescue_runs, name="run-watch", daemon=True)
        self._run_watch.start()

    def _rescue_runs(self) -> None:
        try:
            dial_runs_rescue()
        except Exception:  # noqa: BLE001  (the database away: the next round tries again)
            log.exception("telephony events: the dial-run watchdog failed")
        finally:
            connection.close()
        time.sleep(RUN_WATCH_SECONDS)  # the thread stays alive until the next round is due

    def _answer_unheard(self, call: Call) -> None:
        """A call still dialing or ringing here that the switch says was answered (its CHANNEL_ANSWER came while
        nobody listened): the answer is applied as that event would have been — status, publishing, the agent's
        fork — from the channel's own headers, so the person who picked up is not left in silence."""
        if call.status not in (Call.Status.DIALING, Call.Status.RINGING):
            return
        channel = self.switch.channel_dump(str(call.uuid))
        if channel.get("Answer-State") == ANSWERED:
            log.warning("telephony events: call %s was answered while unheard: answering it now", call.uuid)
            self.handle({**channel, "Event-Name": "CHANNEL_ANSWER"})

    def _end_vanished(self, calls, after_absence: bool = False) -> int:
        ended = 0
        for call in calls:
            if call.originated_at and timezone.now() - call.originated_at < self.fresh_call_grace:
                continue  # just originated: the switch may not have created the channel yet
            if self.switch.exists(str(call.uuid)):
                Call.objects.filter(pk=call.pk).update(last_event_at=timezone.now())
                self._answer_unheard(call)
                continue
            ended += call_end_unseen(call=call, switch_now=self.switch_core, after_absence=after_absence)
        return ended


def _inbound_not_ours(headers: dict[str, str]) -> bool:
    """The answer of a call someone made to a number of no office (ours became Calls when first heard)."""
    return headers.get("Event-Name") == "CHANNEL_ANSWER" and headers.get("Call-Direction") == "inbound"
