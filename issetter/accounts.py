"""django-allauth adapters and the login form: sign-up is closed unless SIGNUP_OPEN=true (offices invite
their staff), and each office decides how its staff sign in (issetter/sign_in.py)."""

from __future__ import annotations

import functools
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from issetter.sign_in import office_of_email, sign_in_refusal, tenant_refusal

log = logging.getLogger(__name__)


class OfficeAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.SIGNUP_OPEN


class OfficeLoginForm(LoginForm):
    """Email and password — refused, with the reason, for staff of an office that signs in another way."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None:
            refusal = sign_in_refusal(office=office_of_email(user.email), method="password")
            if refusal:
                self.user = None
                raise ValidationError(refusal)
        return cleaned


class OfficeSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft or Google sign-in reaches existing (invited) accounts; new accounts only when open. An office
    that signs in another way refuses the provider; one that pins its Entra tenant refuses other directories."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return settings.SIGNUP_OPEN

    def get_requests_session(self):
        session = super().get_requests_session()
        if settings.CALENDAR_CA_BUNDLE:  # the same trust as the calendar integrations (a private CA in tests)
            # per request: REQUESTS_CA_BUNDLE in the environment would win over the session's own `verify`
            session.request = functools.partial(session.request, verify=settings.CALENDAR_CA_BUNDLE)
        return session

    def pre_social_login(self, request, sociallogin) -> None:
        email = sociallogin.user.email if sociallogin.user else ""
        office = office_of_email(email) if email else None
        provider = sociallogin.account.provider
        refusal = sign_in_refusal(office=office, method=provider)
        if not refusal and provider == "microsoft" and office is not None and office.entra_tenant_id:
            # the ID token's `tid` (issetter/microsoft_sign_in.py); none said is refused like another directory
            refusal = tenant_refusal(office=office, tenant_id=sociallogin.account.extra_data.get("tid", ""))
        if refusal:
            log.info("sign-in through %s refused for office %s", provider, office.slug if office else "-")
            messages.error(request, refusal)
            raise ImmediateHttpResponse(redirect("account_login"))
