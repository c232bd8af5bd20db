"""Microsoft sign-in that keeps the directory (`tid`) the account belongs to, so an office that pins its
Entra tenant can refuse other organisations. allauth's Microsoft adapter reads the profile from Graph and drops
the token answer; this one also reads the ID token that came with it (the `openid` scope asks for one)."""

from __future__ import annotations

import base64
import json

from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView


def id_token_claims(id_token: str, *, audience: str) -> dict:
    """The claims of an ID token received straight from the token endpoint over TLS — which OpenID Connect
    (Core §3.1.3.7) accepts in place of checking its signature — if it was issued to us; else none."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) and claims.get("aud") == audience else {}


class TenantKeepingMicrosoftAdapter(MicrosoftGraphOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        answer = kwargs.get("response") or {}
        tenant = id_token_claims(answer.get("id_token", ""), audience=app.client_id).get("tid")
        if tenant:
            login.account.extra_data["tid"] = tenant
        return login


microsoft_callback = OAuth2CallbackView.adapter_view(TenantKeepingMicrosoftAdapter)
