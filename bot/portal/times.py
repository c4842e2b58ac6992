"""Times as the service reads them: stored as naive UTC, shown in SERVICE_TIME_ZONE with its abbreviation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo


@dataclass(frozen=True)
class ServiceClock:
    zone: tzinfo

    def local(self, value: datetime) -> datetime:
        """A stored (naive UTC) time in the service's zone."""
        return value.replace(tzinfo=timezone.utc).astimezone(self.zone)

    def when(self, value: datetime | None) -> str:
        """"05 Dec 2026, 14:30 CET": the zone is always named, so nobody misreads a time."""
        if value is None:
            return ""
        local = self.local(value)
        return f"{local:%d %b %Y, %H:%M} {local.tzname()}"

    def day(self, value: date | datetime | None) -> str:
        """The day in the service's zone; a date (a step's due date) is shown as it is."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.local(value)
        return f"{value:%d %b %Y}"

    def iso(self, value: datetime | None) -> str:
        """For the caseload export: "2026-12-05 14:30" in the service's zone (the file names the zone)."""
        return "" if value is None else f"{self.local(value):%Y-%m-%d %H:%M}"

    def today(self) -> date:
        """The service's today: what "due" is measured against."""
        return datetime.now(self.zone).date()
