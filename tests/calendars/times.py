"""Times for calendar tests: a weekday ahead at an hour in New York (the test office's zone)."""

import datetime as dt
import zoneinfo

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def soon(days: int, hour: int) -> dt.datetime:
    """A weekday `days` or more ahead at `hour` New York time, in UTC."""
    day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK).astimezone(dt.UTC)
