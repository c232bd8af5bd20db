"""Which ways in an office allows: email and password, Microsoft, Google (Office.sign_in_with), and the
Entra tenant a Microsoft-only office pins. The sign-in page asks for the address first and shows only the
ways its office allows; the login form and the social-account adapter refuse any other way in."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from issetter.models import Membership, Office, SignInPolicy

PROVIDER_NAMES = {"microsoft": "Microsoft", "google": "Google"}


@dataclass(frozen=True)
class SignInOptions:
    password: bool
    providers: tuple[str, ...]
    office_name: str = ""

    @property
    def none_available(self) -> bool:
        return not self.password and not self.providers


def installed_providers() -> tuple[str, ...]:
    return tuple(settings.SOCIALACCOUNT_PROVIDERS)


def office_of_email(email: str) -> Office | None:
    membership = Membership.objects.filter(user__email__iexact=email.strip()).select_related("office").first()
    return membership.office if membership else None


def sign_in_options(*, email: str) -> SignInOptions:
    """The ways in for this address: its office's policy, or every way installed for an unknown address
    (the page must not tell who has an account)."""
    office = office_of_email(email) if email else None
    policy = office.sign_in_with if office else SignInPolicy.ANY
    installed = installed_providers()
    name = office.name if office else ""
    if policy == SignInPolicy.ANY:
        return SignInOptions(password=True, providers=installed, office_name=name)
    if policy == SignInPolicy.PASSWORD:
        return SignInOptions(password=True, providers=(), office_name=name)
    return SignInOptions(password=False, providers=tuple(p for p in installed if p == policy), office_name=name)


def sign_in_refusal(*, office: Office | None, method: str) -> str:
    """Why `method` ("password", "microsoft", "google") may not sign into `office`; empty when it may."""
    if office is None or office.sign_in_with in (SignInPolicy.ANY, method):
        return ""
    allowed = office.get_sign_in_with_display()
    tried = "a password" if method == "password" else PROVIDER_NAMES.get(method, method)
    return f"{office.name} signs in with {allowed.lower()}: signing in with {tried} is turned off for its staff."


def tenant_refusal(*, office: Office | None, tenant_id: str) -> str:
    """Why a Microsoft account of directory `tenant_id` may not be used for `office`; empty when it may."""
    pinned = (office.entra_tenant_id if office else "").lower()
    if not pinned or pinned == (tenant_id or "").lower():
        return ""
    return (
        f"That Microsoft account belongs to another organisation than {office.name}'s: "
        "use your work account of the office."
    )
