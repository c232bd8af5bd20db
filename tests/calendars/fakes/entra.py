"""Microsoft Entra ID (v2.0 endpoints) as msal and allauth meet it: discovery, authorize, token.
A mixin of FakeMicrosoft; see notes/calendars.md §1 for the behaviour it copies."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from tests.calendars.fakes.oauth import (
    CODE_LIFETIME_SECONDS,
    AuthorizationCode,
    authorization_reply,
    b64url,
    b64url_json,
    client_credentials,
    follow_authorization,
    new_secret,
    split_scope,
    unsigned_jwt,
)
from tests.calendars.fakes.server import RecordedRequest, Refusal, Reply, Route

RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
TENANT = r"/(?P<tenant>[^/]+)"


@dataclass
class MicrosoftUser:
    """The person who signs in (a work account)."""

    oid: str = "5f8d5c1e-7a3b-4c2d-9e1f-0a1b2c3d4e5f"
    tid: str = "9188040d-6c67-4c5b-b112-36a304b66dad"
    preferred_username: str = "sam.staff@contoso.example"
    name: str = "Sam Staff"
    email: str | None = None  # Graph `mail`; defaults to preferred_username

    @property
    def mail(self) -> str:
        return self.email or self.preferred_username


@dataclass
class EntraGrant:
    """One sign-in's consent: the chain of rotating refresh tokens that follows it."""

    client_id: str
    user: MicrosoftUser
    scopes: list[str]
    refresh_token: str | None  # the only one currently valid
    revoked: bool = False


@dataclass
class EntraAccessToken:
    token: str
    grant: EntraGrant
    scopes: list[str]
    expires_at: float
    revoked: bool = False

    def scope_set(self) -> set[str]:
        return {scope.lower().removeprefix("https://graph.microsoft.com/") for scope in self.scopes}


@dataclass
class _Denial:
    error: str
    description: str


@dataclass
class EntraState:
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    grants: list[EntraGrant] = field(default_factory=list)
    refresh_tokens: dict[str, EntraGrant] = field(default_factory=dict)
    access_tokens: dict[str, EntraAccessToken] = field(default_factory=dict)
    denial: _Denial | None = None


class EntraIdLogin:
    """Expects from the class it is mixed into: base, lock, now(), session(), client_id, client_secret,
    redirect_uris (None: any), user, access_token_lifetime."""

    entra: EntraState

    def login_routes(self) -> list[Route]:
        return [
            Route("GET", TENANT + r"/v2\.0/\.well-known/openid-configuration", self._openid_configuration),
            Route("GET", TENANT + r"/discovery/v2\.0/keys", self._keys),
            Route("GET", TENANT + r"/oauth2/v2\.0/authorize", self._authorize),
            Route("POST", TENANT + r"/oauth2/v2\.0/token", self._token),
        ]

    # -- test controls -----------------------------------------------------------------------------------------
    def deny_next_authorization(
        self,
        error: str = "access_denied",
        description: str = "AADSTS65004: User declined to consent to access the app.",
    ) -> None:
        """The next authorize request sends the browser back with ?error=...&error_description=..."""
        with self.lock:
            self.entra.denial = _Denial(error, description)

    def revoke(self) -> None:
        """Every refresh and access token issued so far stops working (password reset, admin revocation)."""
        with self.lock:
            for grant in self.entra.grants:
                grant.revoked = True
            for token in self.entra.access_tokens.values():
                token.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is past its lifetime; refresh tokens still work."""
        with self.lock:
            for token in self.entra.access_tokens.values():
                token.expires_at = min(token.expires_at, self.now() - 1)

    def issue_tokens(
        self, scopes: tuple[str, ...] = ("Calendars.ReadWrite", "User.Read", "offline_access", "openid", "profile")
    ) -> dict[str, Any]:
        """A token response as if the configured user had just signed in, without the browser round trip."""
        with self.lock:
            grant = self._new_grant(self.client_id, replace(self.user), list(scopes))
            return self._token_body(grant, list(scopes), nonce=None, client_info=True)

    def sign_in(self, auth_uri: str) -> dict[str, str]:
        """Open the authorize URL as the browser would; what the browser delivers to the redirect_uri."""
        with self.session() as session:
            return follow_authorization(session, auth_uri)

    def current_refresh_tokens(self) -> list[str]:
        with self.lock:
            return [g.refresh_token for g in self.entra.grants if g.refresh_token and not g.revoked]

    # -- endpoints ---------------------------------------------------------------------------------------------
    def _openid_configuration(self, request: RecordedRequest, tenant: str) -> Reply:
        root = f"{self.base}/{tenant}"
        return Reply(
            200,
            {
                "token_endpoint": f"{root}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{root}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{root}/v2.0",
                "request_uri_parameter_supported": False,
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "tid"],
                "kerberos_endpoint": f"{root}/kerberos",
                "tenant_region_scope": "NA",
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            },
        )

    def _keys(self, request: RecordedRequest, tenant: str) -> Reply:
        return Reply(200, {"keys": []})

    def _authorize(self, request: RecordedRequest, tenant: str) -> Reply:
        client_id, redirect_uri = request.param("client_id"), request.param("redirect_uri")
        if client_id != self.client_id:
            return Reply(
                400, f"AADSTS700016: Application with identifier '{client_id}' was not found in the directory."
            )
        if not redirect_uri or (self.redirect_uris is not None and redirect_uri not in self.redirect_uris):
            return Reply(
                400,
                f"AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect "
                "URIs configured for the application.",
            )
        response_mode = request.param("response_mode") or "query"
        if response_mode not in ("query", "form_post"):
            return Reply(400, f"fake: response_mode={response_mode} is not implemented (query, form_post)")
        state = request.param("state")

        def deliver(params: dict[str, str]) -> Reply:
            return authorization_reply(
                redirect_uri, params | ({"state": state} if state is not None else {}), response_mode
            )

        if request.param("response_type") != "code":
            return deliver(
                {
                    "error": "unsupported_response_type",
                    "error_description": f"AADSTS700054: response_type '{request.param('response_type')}' is not "
                    "enabled for the application.",
                }
            )
        scopes = split_scope(request.param("scope"))
        if not scopes:
            return deliver(
                {
                    "error": "invalid_request",
                    "error_description": "AADSTS900144: The request body must contain the following parameter: 'scope'.",
                }
            )
        challenge = request.param("code_challenge")
        if challenge is not None and request.param("code_challenge_method") != "S256":
            return deliver(
                {
                    "error": "invalid_request",
                    "error_description": "fake: only code_challenge_method=S256 is implemented",
                }
            )
        if self.entra.denial is not None:
            denial, self.entra.denial = self.entra.denial, None
            return deliver({"error": denial.error, "error_description": denial.description})
        code = new_secret("1.AXEA-fake-code.")
        self.entra.codes[code] = AuthorizationCode(
            code=code,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            user=replace(self.user),
            issued_at=self.now(),
            nonce=request.param("nonce"),
            code_challenge=challenge,
            extras={k: request.param(k) for k in ("prompt", "login_hint", "domain_hint") if request.param(k)},
        )
        return deliver({"code": code, "session_state": str(uuid.uuid4())})

    def _token(self, request: RecordedRequest, tenant: str) -> Reply:
        if request.form is None:
            raise self._token_error(
                400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."
            )
        client_id, secret = client_credentials(request)
        if not client_id:
            raise self._token_error(
                400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."
            )
        if client_id != self.client_id:
            raise self._token_error(
                400, "unauthorized_client", 700016, f"Application with identifier '{client_id}' was not found."
            )
        if not secret:
            raise self._token_error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        if secret != self.client_secret:
            raise self._token_error(401, "invalid_client", 7000215, "Invalid client secret provided.")
        grant_type = request.form_value("grant_type")
        if grant_type == "authorization_code":
            return Reply(200, self._redeem_code(request, client_id), {"Cache-Control": "no-store, no-cache"})
        if grant_type == "refresh_token":
            return Reply(200, self._redeem_refresh_token(request, client_id), {"Cache-Control": "no-store, no-cache"})
        raise self._token_error(
            400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant_type}'."
        )

    def _redeem_code(self, request: RecordedRequest, client_id: str) -> dict[str, Any]:
        code = self.entra.codes.get(request.form_value("code") or "")
        if code is None:
            raise self._invalid_grant("The provided authorization code is invalid.")
        if code.used:
            raise self._invalid_grant("The provided authorization code has already been redeemed.")
        if self.now() - code.issued_at > CODE_LIFETIME_SECONDS:
            raise self._invalid_grant("The provided authorization code has expired.")
        if code.client_id != client_id:
            raise self._invalid_grant("The authorization code was issued to another client.")
        if request.form_value("redirect_uri") != code.redirect_uri:
            raise self._invalid_grant("The redirect_uri does not match the one of the authorization request.")
        problem = code.verifier_problem(request.form_value("code_verifier"))
        if problem:
            raise self._invalid_grant(
                f"{problem} The code_verifier does not match the code_challenge of the authorization request."
            )
        code.used = True
        grant = self._new_grant(client_id, code.user, code.scopes)
        return self._token_body(
            grant, code.scopes, nonce=code.nonce, client_info=request.form_value("client_info") == "1"
        )

    def _redeem_refresh_token(self, request: RecordedRequest, client_id: str) -> dict[str, Any]:
        presented = request.form_value("refresh_token") or ""
        grant = self.entra.refresh_tokens.get(presented)
        if grant is None or grant.revoked or grant.refresh_token != presented or grant.client_id != client_id:
            raise self._invalid_grant(
                "The refresh token is invalid, revoked, or has already been redeemed.", suberror="bad_token"
            )
        requested = split_scope(request.form_value("scope")) or grant.scopes
        granted = {scope.lower() for scope in grant.scopes} | RESERVED_SCOPES
        missing = [scope for scope in requested if scope.lower() not in granted]
        if missing:
            raise self._token_error(
                400,
                "invalid_grant",
                65001,
                f"The user or administrator has not consented to use the application: {' '.join(missing)}.",
                suberror="consent_required",
            )
        grant.refresh_token = new_secret("0.AXEA-fake-rt.")  # rotation: the presented one is now spent
        self.entra.refresh_tokens[grant.refresh_token] = grant
        return self._token_body(grant, requested, nonce=None, client_info=request.form_value("client_info") == "1")

    # -- token material ----------------------------------------------------------------------------------------
    def _new_grant(self, client_id: str, user: MicrosoftUser, scopes: list[str]) -> EntraGrant:
        offline = "offline_access" in {scope.lower() for scope in scopes}
        grant = EntraGrant(client_id, user, scopes, new_secret("0.AXEA-fake-rt.") if offline else None)
        self.entra.grants.append(grant)
        if grant.refresh_token:
            self.entra.refresh_tokens[grant.refresh_token] = grant
        return grant

    def _token_body(
        self, grant: EntraGrant, scopes: list[str], *, nonce: str | None, client_info: bool
    ) -> dict[str, Any]:
        now = self.now()
        token = new_secret("EwBfake-graph-at.")
        self.entra.access_tokens[token] = EntraAccessToken(token, grant, scopes, now + self.access_token_lifetime)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(scope for scope in scopes if scope.lower() != "offline_access"),
            "expires_in": self.access_token_lifetime,
            "ext_expires_in": self.access_token_lifetime,
            "access_token": token,
        }
        if grant.refresh_token:
            body["refresh_token"] = grant.refresh_token
        if "openid" in {scope.lower() for scope in scopes}:
            body["id_token"] = self._id_token(grant, nonce, now)
        if client_info:
            body["client_info"] = b64url_json({"uid": grant.user.oid, "utid": grant.user.tid})
        return body

    def _id_token(self, grant: EntraGrant, nonce: str | None, now: float) -> str:
        user = grant.user
        claims = {
            "aud": grant.client_id,
            "iss": f"{self.base}/{user.tid}/v2.0",
            "iat": int(now),
            "nbf": int(now),
            "exp": int(now) + 3600,
            "name": user.name,
            "oid": user.oid,
            "preferred_username": user.preferred_username,
            "sub": b64url(hashlib.sha256(f"{user.oid}:{grant.client_id}".encode()).digest()),
            "tid": user.tid,
            "ver": "2.0",
        }
        if user.email:
            claims["email"] = user.email
        if nonce is not None:
            claims["nonce"] = nonce  # verbatim: msal sends sha256(flow nonce) and compares with that
        return unsigned_jwt(claims)

    def _invalid_grant(self, description: str, **extra: Any) -> Refusal:
        return self._token_error(400, "invalid_grant", 70000, description, **extra)

    def _token_error(self, status: int, error: str, code: int, description: str, **extra: Any) -> Refusal:
        trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        body = {
            "error": error,
            "error_description": f"AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} "
            f"Timestamp: {stamp}",
            "error_codes": [code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"{self.base}/error?code={code}",
            **extra,
        }
        return Refusal(Reply(status, body, {"Cache-Control": "no-store, no-cache"}))
