"""OAuth 2.0 pieces both identity fakes share: authorization codes with PKCE, unsigned JWTs, client
authentication, and delivering the authorization response (302 redirect or form_post page)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import requests

from tests.calendars.fakes.server import RecordedRequest, Reply

CODE_LIFETIME_SECONDS = 600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def pkce_s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """header.payload.signature with a random signature: neither msal nor allauth (code exchange) check it."""
    header = {"typ": "JWT", "alg": "RS256", "kid": "fake-signing-key"}
    return f"{b64url_json(header)}.{b64url_json(claims)}.{b64url(secrets.token_bytes(32))}"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    user: Any
    issued_at: float
    nonce: str | None = None
    code_challenge: str | None = None
    extras: dict[str, str] = field(default_factory=dict)  # access_type, prompt, ... as sent to authorize
    used: bool = False

    def verifier_problem(self, verifier: str | None) -> str | None:
        """Why `verifier` does not prove possession of this code's PKCE challenge (None when it does)."""
        if self.code_challenge is None:
            return None
        if not verifier:
            return "Missing code verifier."
        if pkce_s256(verifier) != self.code_challenge:
            return "Invalid code verifier."
        return None


def client_credentials(request: RecordedRequest) -> tuple[str | None, str | None]:
    """client_id/client_secret from HTTP Basic (RFC 6749 §2.3.1: form-encoded, then base64) or the form body."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
        except ValueError:
            return None, None
        return unquote_plus(client_id), unquote_plus(secret)
    return request.form_value("client_id"), request.form_value("client_secret")


def split_scope(value: str | None) -> list[str]:
    scopes: list[str] = []
    for scope in (value or "").split():
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def authorization_reply(redirect_uri: str, params: dict[str, str], response_mode: str) -> Reply:
    """How the identity provider hands the browser back to the app."""
    if response_mode == "form_post":
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in params.items()
        )
        page = (
            "<html><head><title>Working...</title></head><body>"
            f'<form method="POST" name="hiddenform" action="{html.escape(redirect_uri)}">{inputs}'
            '<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit">'
            "</noscript></form><script>document.forms[0].submit()</script></body></html>"
        )
        return Reply(200, page)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return Reply(302, None, {"Location": f"{redirect_uri}{separator}{urlencode(params)}"})


def follow_authorization(session: requests.Session, auth_uri: str) -> dict[str, str]:
    """Open `auth_uri` as the user's browser would and return the parameters it would deliver to the
    app's redirect_uri (the 302's query, or the fields of a form_post page)."""
    response = session.get(auth_uri, allow_redirects=False, timeout=10)
    if response.status_code == 302:
        return dict(parse_qsl(urlsplit(response.headers["Location"]).query, keep_blank_values=True))
    if response.status_code == 200 and 'name="hiddenform"' in response.text:
        fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', response.text)
        return {html.unescape(name): html.unescape(value) for name, value in fields}
    raise AssertionError(f"authorization answered {response.status_code}: {response.text[:500]}")
