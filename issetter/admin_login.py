"""The admin's sign-in, throttled like the product's: failed attempts count against django-allauth's
`login_failed` rate limit (ACCOUNT_RATE_LIMITS: per address and per login name), through the account
adapter's own `authenticate`, so both doors share one limit and one cache."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from issetter.sign_in import office_of_email, sign_in_refusal


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # raises "Too many failed login attempts" once the limit is reached, even for the right password
            self.user_cache = get_adapter(self.request).authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            refusal = sign_in_refusal(office=office_of_email(self.user_cache.email), method="password")
            if refusal:  # the admin is no back door round the office's sign-in policy
                raise ValidationError(refusal, code="sign_in_policy")
        return self.cleaned_data
