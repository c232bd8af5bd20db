"""Google's OAuth 2.0 endpoints (accounts.google.com / oauth2.googleapis.com) as google-auth, google-auth-oauthlib
and allauth meet them. A mixin of FakeGoogle; notes/calendars.md §3.1–3.2 is the behaviour it copies."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from tests.calendars.fakes.oauth import (
    CODE_LIFETIME_SECONDS,
    AuthorizationCode,
    authorization_reply,
    client_credentials,
    follow_authorization,
    new_secret,
    split_scope,
    unsigned_jwt,
)
from tests.calendars.fakes.server import RecordedRequest, Refusal, Reply, Route

SCOPE_ALIASES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}
IDENTITY_SCOPES = {"openid", *SCOPE_ALIASES.values()}


@dataclass
class GoogleUser:
    sub: str = "110248495921238986420"
    email: str = "sam.staff@example.com"
    name: str = "Sam Staff"
    email_verified: bool = True


@dataclass
class GoogleGrant:
    client_id: str
    user: GoogleUser
    scopes: list[str]
    refresh_token: str | None
    revoked: bool = False


@dataclass
class GoogleAccessToken:
    token: str
    grant: GoogleGrant
    expires_at: float
    revoked: bool = False


@dataclass
class GoogleOAuthState:
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    grants: list[GoogleGrant] = field(default_factory=list)
    refresh_tokens: dict[str, GoogleGrant] = field(default_factory=dict)
    access_tokens: dict[str, GoogleAccessToken] = field(default_factory=dict)
    granted: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (client_id, sub) → scopes consented
    denial: str | None = None


def expand_scopes(scopes: list[str]) -> list[str]:
    expanded: list[str] = []
    for scope in scopes:
        full = SCOPE_ALIASES.get(scope, scope)
        if full not in expanded:
            expanded.append(full)
    return expanded


class GoogleOAuth:
    """Expects from the class it is mixed into: base, lock, now(), session(), client_id, client_secret,
    redirect_uris (None: any), user, access_token_lifetime, id_token_issuer."""

    oauth: GoogleOAuthState

    def oauth_routes(self) -> list[Route]:
        return [
            Route("GET", r"/o/oauth2(?:/v2)?/auth", self._authorize),
            Route("POST", r"/token|/o/oauth2/token", self._token),
            Route("POST", r"/revoke|/o/oauth2/revoke", self._revoke_endpoint),
            Route("GET", r"/oauth2/v3/userinfo", self._userinfo),
            Route("GET", r"/oauth2/v3/certs", lambda request: Reply(200, {"keys": []})),
            Route("GET", r"/\.well-known/openid-configuration", self._openid_configuration),
        ]

    # -- test controls -----------------------------------------------------------------------------------------
    def deny_next_authorization(self, error: str = "access_denied") -> None:
        """The next authorize request sends the browser back with ?error=access_denied (the user clicked Cancel)."""
        with self.lock:
            self.oauth.denial = error

    def revoke(self) -> None:
        """Every refresh and access token issued so far stops working (user removed the app's access)."""
        with self.lock:
            for grant in self.oauth.grants:
                grant.revoked = True
            for token in self.oauth.access_tokens.values():
                token.revoked = True
            self.oauth.granted.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token in self.oauth.access_tokens.values():
                token.expires_at = min(token.expires_at, self.now() - 1)

    def issue_tokens(
        self,
        scopes: tuple[str, ...] = (
            "openid",
            "email",
            "https://www.googleapis.com/auth/calendar.events",
            "https://www.googleapis.com/auth/calendar.freebusy",
        ),
    ) -> dict[str, Any]:
        """A token response (with refresh_token) as if the configured user had just consented."""
        with self.lock:
            expanded = expand_scopes(list(scopes))
            grant = self._new_grant(self.client_id, replace(self.user), expanded, offline=True)
            return self._token_body(grant, nonce=None, include_refresh_token=True)

    def sign_in(self, auth_uri: str) -> dict[str, str]:
        """Open the authorize URL as the browser would; what the browser delivers to the redirect_uri."""
        with self.session() as session:
            return follow_authorization(session, auth_uri)

    # -- endpoints ---------------------------------------------------------------------------------------------
    def _openid_configuration(self, request: RecordedRequest) -> Reply:
        return Reply(
            200,
            {
                "issuer": self.id_token_issuer,
                "authorization_endpoint": f"{self.base}/o/oauth2/v2/auth",
                "token_endpoint": f"{self.base}/token",
                "userinfo_endpoint": f"{self.base}/oauth2/v3/userinfo",
                "revocation_endpoint": f"{self.base}/revoke",
                "jwks_uri": f"{self.base}/oauth2/v3/certs",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["plain", "S256"],
            },
        )

    def _authorize(self, request: RecordedRequest) -> Reply:
        client_id, redirect_uri = request.param("client_id"), request.param("redirect_uri")
        if client_id != self.client_id:
            return Reply(401, "Error 401: invalid_client. The OAuth client was not found.")
        if not redirect_uri or (self.redirect_uris is not None and redirect_uri not in self.redirect_uris):
            return Reply(400, f"Error 400: redirect_uri_mismatch. redirect_uri={redirect_uri}")
        if request.param("response_type") != "code":
            return Reply(400, f"Error 400: invalid_request. Invalid response_type: {request.param('response_type')}")
        scopes = split_scope(request.param("scope"))
        if not scopes:
            return Reply(400, "Error 400: invalid_request. Missing required parameter: scope")
        access_type = request.param("access_type") or "online"
        if access_type not in ("online", "offline"):
            return Reply(400, f"Error 400: invalid_request. Invalid access_type: {access_type}")
        prompt = set((request.param("prompt") or "").split())
        if prompt - {"none", "consent", "select_account"}:
            return Reply(400, f"Error 400: invalid_request. Invalid prompt: {request.param('prompt')}")
        challenge = request.param("code_challenge")
        if challenge is not None and request.param("code_challenge_method") != "S256":
            return Reply(400, "fake: only code_challenge_method=S256 is implemented")
        state = request.param("state")
        extra = {"state": state} if state is not None else {}
        if self.oauth.denial is not None:
            error, self.oauth.denial = self.oauth.denial, None
            return authorization_reply(redirect_uri, {"error": error, **extra}, "query")
        granted = expand_scopes(scopes)
        previous = self.oauth.granted.get((client_id, self.user.sub), [])
        if "none" in prompt and not set(granted) <= set(previous):
            return authorization_reply(redirect_uri, {"error": "consent_required", **extra}, "query")
        if request.param("include_granted_scopes") == "true":
            granted += [scope for scope in previous if scope not in granted]
        code = "4/0A" + secrets.token_urlsafe(40)
        self.oauth.codes[code] = AuthorizationCode(
            code=code,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=granted,
            user=replace(self.user),
            issued_at=self.now(),
            nonce=request.param("nonce"),
            code_challenge=challenge,
            extras={"access_type": access_type, "prompt": " ".join(sorted(prompt))},
        )
        params = {**extra, "code": code, "scope": " ".join(granted), "authuser": "0"}
        if "consent" in prompt:
            params["prompt"] = "consent"
        return authorization_reply(redirect_uri, params, "query")

    def _token(self, request: RecordedRequest) -> Reply:
        if request.form is None:
            raise _oauth_error(400, "invalid_request", "Required parameter is missing: grant_type")
        client_id, secret = client_credentials(request)
        if client_id != self.client_id:
            raise _oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if secret != self.client_secret:
            raise _oauth_error(401, "invalid_client", "Unauthorized")
        grant_type = request.form_value("grant_type")
        if grant_type == "authorization_code":
            return Reply(200, self._redeem_code(request, client_id), {"Cache-Control": "no-store"})
        if grant_type == "refresh_token":
            return Reply(200, self._redeem_refresh_token(request, client_id), {"Cache-Control": "no-store"})
        raise _oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _redeem_code(self, request: RecordedRequest, client_id: str) -> dict[str, Any]:
        value = request.form_value("code")
        if not value:
            raise _oauth_error(400, "invalid_request", "Missing required parameter: code")
        code = self.oauth.codes.get(value)
        if code is None or code.used or code.client_id != client_id:
            raise _oauth_error(400, "invalid_grant", "Malformed auth code." if code is None else "Bad Request")
        if self.now() - code.issued_at > CODE_LIFETIME_SECONDS:
            raise _oauth_error(400, "invalid_grant", "Bad Request")
        if request.form_value("redirect_uri") != code.redirect_uri:
            raise _oauth_error(400, "redirect_uri_mismatch", "Bad Request")
        problem = code.verifier_problem(request.form_value("code_verifier"))
        if problem:
            raise _oauth_error(400, "invalid_grant", problem)
        code.used = True
        key = (client_id, code.user.sub)
        first_consent = key not in self.oauth.granted
        self.oauth.granted[key] = list(dict.fromkeys(self.oauth.granted.get(key, []) + code.scopes))
        offline = code.extras["access_type"] == "offline"
        include_refresh_token = offline and ("consent" in code.extras["prompt"].split() or first_consent)
        grant = self._new_grant(client_id, code.user, code.scopes, offline=include_refresh_token)
        return self._token_body(grant, nonce=code.nonce, include_refresh_token=include_refresh_token)

    def _redeem_refresh_token(self, request: RecordedRequest, client_id: str) -> dict[str, Any]:
        presented = request.form_value("refresh_token")
        if not presented:
            raise _oauth_error(400, "invalid_request", "Missing required parameter: refresh_token")
        grant = self.oauth.refresh_tokens.get(presented)
        if grant is None or grant.revoked:
            raise _oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        if grant.client_id != client_id:
            raise _oauth_error(401, "unauthorized_client", "Unauthorized")
        narrowed = split_scope(request.form_value("scope"))
        if narrowed and not set(expand_scopes(narrowed)) <= set(grant.scopes):
            raise _oauth_error(400, "invalid_scope", "Bad Request")
        return self._token_body(grant, nonce=None, include_refresh_token=False)  # Google does not rotate

    def _revoke_endpoint(self, request: RecordedRequest) -> Reply:
        token = request.form_value("token") or request.param("token")
        grant = self.oauth.refresh_tokens.get(token or "")
        if grant is None and token in self.oauth.access_tokens:
            grant = self.oauth.access_tokens[token].grant
        if grant is None or grant.revoked:
            raise _oauth_error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True
        for access in self.oauth.access_tokens.values():
            if access.grant is grant:
                access.revoked = True
        self.oauth.granted.pop((grant.client_id, grant.user.sub), None)
        return Reply(200, {})

    def _userinfo(self, request: RecordedRequest) -> Reply:
        access = self.oauth.access_tokens.get(request.bearer_token() or "")
        if access is None or access.revoked or access.grant.revoked or access.expires_at <= self.now():
            return Reply(401, {"error": "invalid_request", "error_description": "Invalid Credentials"})
        user = access.grant.user
        return Reply(
            200, {"sub": user.sub, "name": user.name, "email": user.email, "email_verified": user.email_verified}
        )

    # -- token material ----------------------------------------------------------------------------------------
    def _new_grant(self, client_id: str, user: GoogleUser, scopes: list[str], *, offline: bool) -> GoogleGrant:
        grant = GoogleGrant(client_id, user, scopes, "1//0g" + secrets.token_urlsafe(60) if offline else None)
        self.oauth.grants.append(grant)
        if grant.refresh_token:
            self.oauth.refresh_tokens[grant.refresh_token] = grant
        return grant

    def _token_body(self, grant: GoogleGrant, *, nonce: str | None, include_refresh_token: bool) -> dict[str, Any]:
        now = self.now()
        token = new_secret("ya29.fake-")
        self.oauth.access_tokens[token] = GoogleAccessToken(token, grant, now + self.access_token_lifetime)
        body: dict[str, Any] = {
            "access_token": token,
            "expires_in": self.access_token_lifetime,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }
        if include_refresh_token and grant.refresh_token:
            body["refresh_token"] = grant.refresh_token
        if IDENTITY_SCOPES & set(grant.scopes):
            body["id_token"] = self._id_token(grant, nonce, now)
        return body

    def _id_token(self, grant: GoogleGrant, nonce: str | None, now: float) -> str:
        user = grant.user
        first, _, last = user.name.partition(" ")
        claims = {
            "iss": self.id_token_issuer,
            "azp": grant.client_id,
            "aud": grant.client_id,
            "sub": user.sub,
            "email": user.email,
            "email_verified": user.email_verified,
            "name": user.name,
            "given_name": first,
            "family_name": last,
            "iat": int(now),
            "exp": int(now) + 3600,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        return unsigned_jwt(claims)


def _oauth_error(status: int, error: str, description: str) -> Refusal:
    return Refusal(Reply(status, {"error": error, "error_description": description}, {"Cache-Control": "no-store"}))
