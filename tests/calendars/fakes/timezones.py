"""Time-zone names and date-time formats as the two calendar services write them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Windows zone names Graph (mailboxSettings, dateTimeTimeZone) uses, for the zones tests are likely to meet.
WINDOWS_TO_IANA = {
    "UTC": "UTC",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Pacific Standard Time": "America/Los_Angeles",
    "Alaskan Standard Time": "America/Anchorage",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Atlantic Standard Time": "America/Halifax",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "India Standard Time": "Asia/Kolkata",
    "Tokyo Standard Time": "Asia/Tokyo",
    "AUS Eastern Standard Time": "Australia/Sydney",
}


def iana_zone(name: str | None) -> ZoneInfo | None:
    """The zone an IANA name denotes; None for anything else (Windows names included)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def graph_zone(name: str | None) -> ZoneInfo | None:
    """The zone a Graph `timeZone` value denotes: "UTC", a known Windows name or an IANA name."""
    if name in WINDOWS_TO_IANA:
        return ZoneInfo(WINDOWS_TO_IANA[name])
    return iana_zone(name)


def parse_instant(value: str | None, *, naive_zone: ZoneInfo | None = None) -> datetime | None:
    """An aware UTC datetime from ISO/RFC3339 text; a value without offset takes `naive_zone` (None: invalid)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        if naive_zone is None:
            return None
        parsed = parsed.replace(tzinfo=naive_zone)
    return parsed.astimezone(UTC)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def graph_wall_time(moment: datetime) -> str:
    """Graph's dateTime: wall time, 7 fractional digits, no offset ("2017-04-15T11:00:00.0000000")."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}0"


def graph_utc_stamp(moment: datetime) -> str:
    """Graph's createdDateTime/lastModifiedDateTime: "2017-04-15T03:00:50.7579581Z"."""
    return graph_wall_time(moment.astimezone(UTC)) + "Z"


def rfc3339(moment: datetime, zone: ZoneInfo) -> str:
    """Google's dateTime: local time with its offset, "Z" for UTC ("2025-03-10T10:00:00-04:00")."""
    local = moment.astimezone(zone)
    if local.utcoffset() == timedelta(0) and zone.key in ("UTC", "Etc/UTC"):
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.isoformat(timespec="seconds")


def rfc3339_millis_utc(moment: datetime) -> str:
    """Google's created/updated: "2025-03-10T15:00:00.000Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
