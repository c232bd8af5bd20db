"""Today's figures on the dashboard home, contributed by each app without issetter importing them.

Apps register a provider in their AppConfig.ready(); a provider takes the office and the office-local
day's bounds (UTC datetimes) and returns Figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from issetter.models import Office


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    order: int = 100
    url_name: str = ""
    lead: bool = False  # one of the few the dashboard opens with
    note: str = ""  # a trend or a word of context under the number


@dataclass(frozen=True)
class Day:
    start: dt.datetime
    end: dt.datetime
    date: dt.date


FigureProvider = Callable[[Office, Day], Iterable[Figure]]
_providers: list[FigureProvider] = []


def figure_provider(provider: FigureProvider) -> FigureProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def office_day(office: Office, now: dt.datetime | None = None) -> Day:
    """Midnight to midnight of the office's local day containing `now` (DST-correct), as UTC datetimes."""
    local_now = (now or timezone.now()).astimezone(office.zone)
    start = dt.datetime.combine(local_now.date(), dt.time(0), tzinfo=office.zone)
    end = dt.datetime.combine(local_now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=office.zone)
    return Day(start=start.astimezone(dt.UTC), end=end.astimezone(dt.UTC), date=local_now.date())


def figures_today(office: Office, now: dt.datetime | None = None) -> list[Figure]:
    day = office_day(office, now)
    figures = [figure for provider in _providers for figure in provider(office, day)]
    return sorted(figures, key=lambda figure: figure.order)
