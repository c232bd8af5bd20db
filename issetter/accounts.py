"""django-allauth adapters: sign-up is closed unless SIGNUP_OPEN=true (offices invite their staff)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class OfficeAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.SIGNUP_OPEN


class OfficeSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft or Google sign-in reaches existing (invited) accounts; new accounts only when open."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return settings.SIGNUP_OPEN
