"""Create the demo office, its supervisor login and a few customers (idempotent); print the login.

Lives in `agent`, the one app allowed to use every other app's services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from calendars.services import local_calendar_ensure
from calls.services import dialing_policy_ensure
from callscripts.services import script_ensure_default
from customers.models import ConsentStatus
from customers.services import customer_ensure
from issetter.models import Membership
from issetter.services import member_ensure, office_ensure

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-appointments"  # noqa: S105  (a published demo login on a local install)

# (first, last, phone, email, time zone): these people are also Phonify's built-in personas.
DEMO_CUSTOMERS = [
    ("Maria", "Lopez", "+12025550143", "maria.lopez@example.com", "America/New_York"),
    ("James", "Carter", "+13125550123", "", "America/Chicago"),
    ("Linda", "Nguyen", "+16175550188", "linda.nguyen@example.com", "America/New_York"),
    ("Robert", "Brown", "+13055550142", "", "America/New_York"),
    ("Susan", "Miller", "+15125550147", "susan.miller@example.com", "America/Chicago"),
]


class Command(BaseCommand):
    help = "Create (or keep) the demo office 'demo', its login and demo customers, and print the login."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        office, created = office_ensure(
            slug="demo",
            name="Demo Insurance",
            caller_id_number="+12025550100",
            callback_number="+12025550143",
            time_zone="America/New_York",
        )
        if created:
            office.legal_name = "Demo Insurance Agency LLC"
            office.save(update_fields=["legal_name"])
        user, _ = member_ensure(
            office=office, email=DEMO_EMAIL, role=Membership.Role.SUPERVISOR, password=DEMO_PASSWORD
        )
        consent_at = timezone.now() - dt.timedelta(days=30)
        new_customers = 0
        for first, last, phone, email, zone in DEMO_CUSTOMERS:
            _, made = customer_ensure(
                office=office,
                phone=phone,
                first_name=first,
                last_name=last,
                email=email,
                time_zone=zone,
                consent_status=ConsentStatus.EXPRESS_WRITTEN,
                consent_source="Signed consent form (demo data)",
                consent_at=consent_at,
            )
            new_customers += made
        script_ensure_default(office=office)
        local_calendar_ensure(office=office, user=user)
        dialing_policy_ensure(office=office)

        state = "created" if created else "ready"
        self.stdout.write(f"Demo office '{office.slug}' {state}; {new_customers} new demo customers.")
        password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else "(the password you set)"
        login_url = f"{settings.SITE_URL}/accounts/login/"
        self.stdout.write(self.style.SUCCESS(f"Sign in at {login_url} with {DEMO_EMAIL} / {password}"))
