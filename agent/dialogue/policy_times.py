"""The scripted policy's times (a mixin of `policy.ScriptedPolicy`, which owns the states, the tools and
the words): a time chosen, checked, read back when it was not an unambiguous pick heard with confidence,
booked, and said back; refused times and the next offers; times said aloud and the callee's words made
into days and moments."""

from __future__ import annotations

import datetime as dt

from agent.dialogue import answer_phrases as answers
from agent.dialogue import calendar_words
from agent.dialogue.phrases import normalised
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import Understood

LONG_ANSWER = 12  # words: a pick said inside a longer answer is read back (what else was said may undo it)
MATCHING_OFFERS_SEARCH = 12  # times looked at to find those after/before an hour they named


class TimeChoice:
    # ---- a time chosen, checked, read back, booked -------------------------------------------------------
    def _choose(self, meant: Understood, sure: bool = True) -> list:
        sure = sure and self._sure(meant) and len(meant.text.split()) <= LONG_ANSWER and not _hedged(meant)
        if meant.choice is not None and meant.hour is None and not meant.names_a_day:
            picked = self._offered_at(meant.choice)
            if picked is None and (picked := self._counted_in_earlier_list(meant.choice)) is not None:
                sure = False  # "the third one" of three after one was turned down: read back, never booked outright
            return self._unclear() if picked is None else self._accept(picked, sure=sure)
        if meant.hour is not None:
            return self._hour_named(meant, sure)
        self.wanted = meant
        matching = [moment for moment in self.offered if self._fits(moment, meant, offered=True)]
        if len(matching) == 1 and (meant.names_a_day or meant.part) and not meant.next_week:
            return self._accept(matching[0], sure=False)  # "the Friday one", "after lunch": inferred, read back
        found = self._search(meant)
        if not found:
            return self._nearest_instead(meant)
        self.offered = found
        if len(found) == 1:
            return [self._say(f"I have {self._options(found)}. Shall I book that?")]
        return [self._say(f"I have {self._options(found)}. Which one would you like?")]

    def _hour_named(self, meant: Understood, sure: bool) -> list:
        next_week = calendar_words.next_monday(zone=self.tools.zone, now=self.tools.now())
        same_hour = [
            moment for moment in self.offered
            if (local := moment.astimezone(self.tools.zone)).hour == meant.hour and local.minute == meant.minute
            and (not meant.names_a_day or self._on_day(local, meant, offered=True))
            and (not meant.next_week or local.date() >= next_week)
        ]  # fmt: skip
        if len(same_hour) == 1:
            return self._accept(same_hour[0], sure=sure)
        day = None
        if not meant.names_a_day or self._this_weekday(meant):
            sure = False  # the day is the agent's guess (or "Tuesday" said on a Tuesday): read it back
            day = self.offered[0].astimezone(self.tools.zone).date() if self.offered else None
            if meant.next_week and not meant.names_a_day:  # "nine o'clock, next week": its first working day
                day = next_week
        wanted = self._moment(meant, day=day)
        free, nearest = self.tools.check(wanted)
        if free:
            return self._accept(wanted, sure=sure)
        self.offered = nearest
        if not nearest:
            return self._refused(meant)
        return [
            self._say(
                f"I'm sorry, {self._spoken(wanted)} isn't free. The nearest I have is {self._options(nearest)}. "
                "Would one of those work?"
            )
        ]

    def _search(self, meant: Understood) -> list[dt.datetime]:
        """Free times that fit a described day, part of the day or bound ("after three", "next week")."""
        day = self._day(meant) if meant.names_a_day else None
        not_before = (
            calendar_words.next_monday(zone=self.tools.zone, now=self.tools.now())
            if meant.next_week and day is None
            else None
        )
        part = meant.part
        if part is None and meant.after is not None:
            part = "afternoon" if meant.after >= 12 else None
        if part is None and meant.before is not None and meant.before <= 12:
            part = "morning"
        bounded = meant.after is not None or meant.before is not None
        found = self.tools.offer(
            count=MATCHING_OFFERS_SEARCH if bounded else 2, day=day, part=part, not_before=not_before
        )
        found = [moment for moment in found if self._fits(moment, meant)][:2]
        if found or day is None or not _bare_weekday(meant):
            return found
        for weeks in (1, 2):  # "Fridays", "any Tuesday morning": the same weekday in the weeks after
            later = self.tools.offer(count=MATCHING_OFFERS_SEARCH, day=day + dt.timedelta(weeks=weeks), part=part)
            found = [moment for moment in later if self._fits_hours(moment.astimezone(self.tools.zone), meant)][:2]
            if found:
                return found
        return []

    def _nearest_instead(self, meant: Understood) -> list:
        """Nothing fits what they asked for: the nearest times after the day they named, else the first free."""
        nearest = self.tools.offer(count=2, not_before=self._day(meant)) if meant.names_a_day else []
        self.offered = nearest or self.tools.offer(count=3)
        return [
            self._say(
                f"I'm sorry, nothing is free then. The nearest I have is {self._options(self.offered)}. "
                "Would one of those work?"
            )
        ]

    def _fits(self, moment: dt.datetime, meant: Understood, offered: bool = False) -> bool:
        """Whether a time fits what was said; `offered`: one of the times on offer, which a bare weekday
        ("the Friday one") names whatever its date."""
        local = moment.astimezone(self.tools.zone)
        if meant.names_a_day and not self._on_day(local, meant, offered=offered):
            return False
        return self._fits_hours(local, meant)

    def _fits_hours(self, local: dt.datetime, meant: Understood) -> bool:
        if meant.part and _part_of(local) != meant.part:
            return False
        if meant.after is not None and local.hour < meant.after:
            return False
        return not (meant.before is not None and local.hour >= meant.before)

    def _offered_at(self, choice: int) -> dt.datetime | None:
        """The time at `choice` in what is on offer ("the second one" 1, "the last one" -1); None if none."""
        return self.offered[choice] if self.offered and -len(self.offered) <= choice < len(self.offered) else None

    def _counted_in_earlier_list(self, choice: int) -> dt.datetime | None:
        """The time at `choice` in the list offered before the callee turned one down, if still on offer."""
        earlier = self.counted_from
        moment = earlier[choice] if 0 <= choice < len(earlier) else None
        return moment if moment in self.offered else None

    def _accept(self, starts_at: dt.datetime, *, sure: bool) -> list:
        """The callee's pick: booked when it was unambiguous and heard with confidence, else read back."""
        if sure:
            return self._book(starts_at)
        self.state, self.pending = DialogueState.CONFIRM, starts_at
        return [self._say(f"Just to confirm, {self._spoken(starts_at)}. Shall I book it?")]

    def _book(self, starts_at: dt.datetime) -> list:
        self.pending = None
        result = self.tools.book(starts_at)
        if result.booked and not result.confirmed:  # the calendar did not answer in time: the time is held here
            return self._close(
                f"I'm holding {self._spoken(result.starts_at)} for you, and the office will confirm it in the "
                f"calendar shortly. {self.lines.closing}",
                "booked",
            )
        if result.booked and getattr(self.tools, "moving", None) is not None:  # the appointment they had, moved
            return self._close(
                f"Done: your appointment is now {self._spoken(result.starts_at)}. {self.lines.closing}", "rescheduled"
            )
        if result.booked:
            return self._close(f"You're all set for {self._spoken(result.starts_at)}. {self.lines.closing}", "booked")
        if result.unusable:  # never "just taken" when it was not: staff book it with them
            when = self.tools.callback(None)
            return self._close(
                f"I'm sorry, I can't book that in our calendar right now. Someone from the office will call you "
                f"back {self._spoken(when)} to set it up. Goodbye.",
                "callback",
            )
        fitting = self._search(self.wanted) if self.wanted is not None else []  # still what they asked for
        self.state, self.offered = (
            DialogueState.OFFER,
            [moment for moment in fitting if moment != starts_at] or result.alternatives,
        )
        if not self.offered:
            return self._refused(None)
        return [
            self._say(
                f"I'm sorry, that time was just taken. I have {self._options(self.offered)}. Which works for you?"
            )
        ]

    def _refused(self, meant: Understood | None) -> list:
        self.state = DialogueState.OFFER
        self.refusals += 1
        if self.refusals > 2:
            return self._close(
                f"No problem. If another time suits you better, call us at {self.lines.callback_number}. Goodbye.",
                "declined",
            )
        later = max(self.offered).astimezone(self.tools.zone).date() + dt.timedelta(days=1) if self.offered else None
        found = self.tools.offer(count=6, not_before=later)
        if meant is not None and meant.refused:  # not those: "Thursday doesn't work", "not at nine"
            found = [moment for moment in found if not self._fits(moment, meant)]
        self.offered = found[:2]
        if not self.offered:
            return self._refused(None)
        return [self._say(f"How about {self._options(self.offered)}?")]

    def _on_day(self, local: dt.datetime, meant: Understood, *, offered: bool) -> bool:
        if offered and _bare_weekday(meant):
            return local.weekday() == meant.weekday
        return local.date() == self._day(meant)

    def _this_weekday(self, meant: Understood) -> bool:
        today = self.tools.now().astimezone(self.tools.zone).date()
        return meant.weekday == today.weekday() and meant.day_offset is None and not meant.next_week

    # ---- times in words and words in times ----------------------------------------------------------
    def _options(self, moments: list[dt.datetime]) -> str:
        return calendar_words.options(moments, zone=self.tools.zone, now=self.tools.now())

    def _spoken(self, moment: dt.datetime) -> str:
        return calendar_words.spoken(moment, zone=self.tools.zone, now=self.tools.now())

    def _day(self, meant: Understood) -> dt.date:
        return calendar_words.day_meant(meant, today=self.tools.now().astimezone(self.tools.zone).date())

    def _moment(self, meant: Understood, day: dt.date | None = None) -> dt.datetime:
        if day is None and not meant.names_a_day and self.offered:
            day = self.offered[0].astimezone(self.tools.zone).date()
        return calendar_words.moment_meant(meant, zone=self.tools.zone, now=self.tools.now(), day=day)

    def _callback_moment(self, meant: Understood) -> dt.datetime:
        """When to call back: the day they named, else today if the time is still to come, else tomorrow."""
        if meant.names_a_day:
            return calendar_words.moment_meant(meant, zone=self.tools.zone, now=self.tools.now())
        now = self.tools.now()
        today = now.astimezone(self.tools.zone).date()
        moment = calendar_words.moment_meant(meant, zone=self.tools.zone, now=now, day=today)
        return moment if moment > now else moment + dt.timedelta(days=1)


def _hedged(meant: Understood) -> bool:
    """A pick said with other words about times ("or", "but", "instead", "not") or naming two days: read back."""
    days = sum(value is not None for value in (meant.weekday, meant.day_offset, meant.month_day))
    return days > 1 or bool(answers.HEDGED.search(normalised(meant.text)))


def _bare_weekday(meant: Understood) -> bool:
    """A weekday said on its own ("Friday", "Fridays"): not a date, not "next Friday"."""
    return meant.weekday is not None and meant.day_offset is None and meant.month_day is None and not meant.next_week


def _part_of(local: dt.datetime) -> str:
    return "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
