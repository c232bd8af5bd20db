"""Invite a person into an office from a shell: creates the account if needed, prints a one-time password."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError

from issetter.models import Membership, Office
from issetter.services import member_ensure


class Command(BaseCommand):
    help = "Add (or update) a member of an office; new accounts get a temporary password, printed once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--office", required=True, help="office slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", choices=[role.value for role in Membership.Role], default="staff")

    def handle(self, *args, office: str, email: str, role: str, **options) -> None:
        try:
            target = Office.objects.get(slug=office)
        except Office.DoesNotExist:
            raise CommandError(f"no office with slug {office!r}") from None
        password = secrets.token_urlsafe(12)
        try:
            user, created = member_ensure(office=target, email=email, role=role, password=password)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if created:
            self.stdout.write(f"Added {user.email} to {target.name} as {role}.")
            self.stdout.write(f"Temporary password: {password}")
            self.stdout.write("Ask them to change it after signing in (Account → Change password).")
        else:
            self.stdout.write(f"{user.email} is a {role} of {target.name}; their password is unchanged.")
