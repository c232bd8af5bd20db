"""FakeMicrosoft: Entra ID login and Microsoft Graph on one HTTPS server on 127.0.0.1.

    with FakeMicrosoft() as fake:
        app = msal.ConfidentialClientApplication(fake.client_id, client_credential=fake.client_secret,
                  authority=f"{fake.base}/contoso-tenant", instance_discovery=False,
                  http_client=fake.session(), http_cache={})
        graph_base = fake.graph_base            # https://127.0.0.1:PORT/v1.0

Login lives at `{base}/{tenant}/...` (any tenant name), Graph at `{base}/v1.0`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.calendars.fakes.entra import EntraIdLogin, EntraState, MicrosoftUser
from tests.calendars.fakes.microsoft_events import GraphCalendar, GraphView
from tests.calendars.fakes.microsoft_graph import DeltaState, GraphApi
from tests.calendars.fakes.server import FakeServer, RecordedRequest, Reply, Route

__all__ = ["FakeMicrosoft", "MicrosoftUser"]

GRAPH_FAILURES = {
    429: ("TooManyRequests", "Application is over its MailboxConcurrency limit."),
    500: ("InternalServerError", "An internal server error occurred."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. Please retry later."),
    504: ("GatewayTimeout", "The gateway did not receive a timely response from the upstream server."),
}


class FakeMicrosoft(EntraIdLogin, GraphApi, FakeServer):
    def __init__(
        self,
        *,
        client_id: str = "6731de76-14a6-49ae-97bc-6eba6914391e",
        client_secret: str = "fake-entra-client-secret",
        user: MicrosoftUser | None = None,
        redirect_uris: list[str] | None = None,
        access_token_lifetime: int = 3600,
        mailbox_time_zone: str = "Eastern Standard Time",
        enforce_scopes: bool = True,
        tls: bool = True,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = user or MicrosoftUser()
        self.redirect_uris = redirect_uris  # None: any redirect_uri is registered
        self.access_token_lifetime = access_token_lifetime  # below 300 s msal refreshes on every silent call
        self.mailbox_time_zone = mailbox_time_zone
        self.working_hours: dict[str, Any] = {
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "startTime": "08:00:00.0000000",
            "endTime": "17:00:00.0000000",
            "timeZone": {"name": mailbox_time_zone},
        }
        self.enforce_scopes = enforce_scopes  # Graph answers 403 when the token lacks the endpoint's scope
        self.empty_first_delta_page = False  # Graph may open a delta round with "value": [] plus a nextLink
        self.entra = EntraState()
        self.calendar = GraphCalendar()
        self._delta_states: dict[str, DeltaState] = {}
        super().__init__(tls=tls)

    @property
    def graph_base(self) -> str:
        return f"{self.base}/v1.0"

    def routes(self) -> list[Route]:
        return self.login_routes() + self.graph_routes()

    def failure_body(self, status: int, request: RecordedRequest) -> Any:
        if request.path.lower().startswith("/v1.0"):
            code, message = GRAPH_FAILURES.get(status, ("UnknownError", "fake: injected failure"))
            return self.graph_error_body(code, message, request)
        return {
            "error": "temporarily_unavailable",
            "error_description": "AADSTS90033: A transient error has occurred. Please try again.",
            "error_codes": [90033],
        }

    def no_route(self, request: RecordedRequest) -> Reply:
        if request.path.lower().startswith("/v1.0"):
            message = f"fake: no Graph route for {request.method} {request.path}"
            return Reply(400, self.graph_error_body("BadRequest", message, request))
        return super().no_route(request)

    # -- the calendar, for tests -------------------------------------------------------------------------------
    def add_event(
        self,
        subject: str,
        start: datetime | date,
        end: datetime | date,
        *,
        is_all_day: bool = False,
        show_as: str = "busy",
        is_organizer: bool = True,
        **properties: Any,
    ) -> dict[str, Any]:
        """An event as if a person had created it in Outlook (aware datetimes; dates, end exclusive, for all-day
        events, which are placed in the mailbox time zone). Extra Graph properties go in **properties.
        Returns the event as Graph would send it (UTC)."""
        with self.lock:
            event = self.calendar.add(
                subject,
                start,
                end,
                is_all_day=is_all_day,
                show_as=show_as,
                mailbox_zone=self.mailbox_time_zone,
                now=self._utc_now(),
                is_organizer=is_organizer,
                properties=properties,
            )
            return self.calendar.render(event, self._utc_view())

    def update_event(self, event_id: str, **properties: Any) -> dict[str, Any]:
        """Change an event as a person in Outlook would (Graph property names)."""
        with self.lock:
            return self.calendar.render(
                self.calendar.update(event_id, properties, now=self._utc_now()), self._utc_view()
            )

    def delete_event(self, event_id: str) -> None:
        with self.lock:
            self.calendar.delete(event_id, now=self._utc_now())

    @property
    def events(self) -> dict[str, dict[str, Any]]:
        """Current (not deleted or cancelled) events by id, as Graph would send them (UTC)."""
        with self.lock:
            view = self._utc_view()
            return {event.id: self.calendar.render(event, view) for event in self.calendar.live()}

    @property
    def removed_events(self) -> dict[str, dict[str, Any]]:
        """Deleted and cancelled events by id: {"how": "deleted"|"cancelled", "comment", "event"}."""
        with self.lock:
            view = self._utc_view()
            return {
                event.id: {
                    "how": event.removed,
                    "comment": event.cancel_comment,
                    "event": self.calendar.render(event, view),
                }
                for event in self.calendar.events.values()
                if event.removed
            }

    @property
    def sent_mail(self) -> list[dict[str, Any]]:
        """Invitations, updates and cancellations Exchange would have mailed: {"kind", "event_id", "subject", "to",
        "comment" (cancellations)}."""
        with self.lock:
            return list(self.calendar.sent_mail)

    def _utc_view(self) -> GraphView:
        return GraphView(base=self.base, organizer={"name": self.user.name, "address": self.user.mail})
