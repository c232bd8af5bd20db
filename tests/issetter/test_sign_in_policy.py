"""Each office decides how its staff sign in: the page asks for the address first and shows that office's
ways in; a Microsoft-only office refuses a password and a Google sign-in, and one that pins its Entra tenant
refuses a Microsoft account from another directory (against the local Microsoft and Google servers)."""

from __future__ import annotations

import pytest
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from django.contrib.auth import get_user_model
from django.urls import reverse

from calendars.models import CalendarAccount
from issetter.models import CalendarPolicy, SignInPolicy
from issetter.services import member_ensure
from tests.calendars.fakes.entra import MicrosoftUser
from tests.calendars.fakes.google import FakeGoogle
from tests.calendars.fakes.google_oauth import GoogleUser
from tests.calendars.fakes.microsoft import FakeMicrosoft
from tests.calendars.fakes.tls import ca_pem_path
from tests.conftest import PASSWORD, client_for

NORTH_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
OTHER_TENANT = "0b5c2c1e-1111-4222-8333-944455556666"


@pytest.fixture
def microsoft_only(office):
    office.sign_in_with = SignInPolicy.MICROSOFT
    office.calendars_with = CalendarPolicy.MICROSOFT
    office.save()
    return office


@pytest.fixture
def sam(office):
    """A staff member whose Microsoft and Google accounts share the address the office invited."""
    user, _ = member_ensure(office=office, email="sam.staff@contoso.example", password=PASSWORD)
    return user


@pytest.fixture
def providers(settings):
    """Sign-in with Microsoft and Google configured against the local servers."""
    with FakeMicrosoft() as microsoft, FakeGoogle(user=GoogleUser(email="sam.staff@contoso.example")) as google:
        settings.CALENDAR_CA_BUNDLE = ca_pem_path()
        settings.SOCIALACCOUNT_PROVIDERS = {
            "microsoft": {
                "SCOPE": ["openid", "User.Read"],
                "APPS": [
                    {
                        "client_id": microsoft.client_id,
                        "secret": microsoft.client_secret,
                        "settings": {
                            "tenant": "organizations",
                            "verified_email": True,
                            "login_url": microsoft.base,
                            "graph_url": microsoft.graph_base.removesuffix("/v1.0"),
                        },
                    }
                ],
            },
            "google": {
                "SCOPE": ["profile", "email"],
                "APPS": [{"client_id": google.client_id, "secret": google.client_secret}],
            },
        }
        # allauth reads Google's addresses once, at import; point its adapter at the local server instead
        urls = {"authorize_url": google.auth_uri, "access_token_url": google.token_uri}
        saved = {name: getattr(GoogleOAuth2Adapter, name) for name in urls}
        for name, url in urls.items():
            setattr(GoogleOAuth2Adapter, name, url)
        try:
            yield microsoft, google
        finally:
            for name, url in saved.items():
                setattr(GoogleOAuth2Adapter, name, url)


def sign_in_with(client, provider: str, fake) -> object:
    started = client.post(reverse(f"{provider}_login"), {"process": "login"})
    assert started.status_code == 302, started
    delivered = fake.sign_in(started["Location"])
    return client.get(reverse(f"{provider}_callback"), delivered, follow=True)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_asks_for_the_address_first_then_for_the_password(client, colleague):
    first = client.get(reverse("account_login")).text
    assert 'name="login"' in first and 'name="password"' not in first and "Continue" in first
    second = client.post(reverse("account_login"), {"login": "bob@north.example"}).text
    assert 'name="password"' in second and "Signing in as <strong>bob@north.example</strong>" in second
    client.post(reverse("account_login"), {"login": "bob@north.example", "password": PASSWORD})
    assert signed_in(client)


def test_an_office_that_signs_in_with_microsoft_shows_only_that_button(client, microsoft_only, sam, providers):
    page = client.post(reverse("account_login"), {"login": "sam.staff@contoso.example"}).text
    assert "Sign in with Microsoft" in page
    assert "Sign in with Google" not in page and 'name="password"' not in page
    unknown = client.post(reverse("account_login"), {"login": "nobody@elsewhere.example"}).text
    assert "Sign in with Microsoft" in unknown and "Sign in with Google" in unknown and 'name="password"' in unknown


def test_a_microsoft_only_office_refuses_a_password(client, microsoft_only, sam):
    page = client.post(reverse("account_login"), {"login": "sam.staff@contoso.example", "password": PASSWORD})
    assert "signs in with microsoft only" in page.text
    assert not signed_in(client)


def test_the_admin_is_no_way_round_the_policy(client, microsoft_only, sam):
    sam.is_staff = True
    sam.save()
    page = client.post(reverse("admin:login"), {"username": "sam.staff@contoso.example", "password": PASSWORD})
    assert "signs in with microsoft only" in page.text
    assert not signed_in(client)


def test_a_microsoft_only_office_refuses_google_sign_in(client, microsoft_only, sam, providers):
    microsoft, google = providers
    page = sign_in_with(client, "google", google)
    assert not signed_in(client)
    assert "signing in with Google is turned off" in page.text
    assert google.requests_to("POST", "/token"), "the refusal came after Google said who it was"


def test_microsoft_sign_in_reaches_the_invited_account(client, microsoft_only, sam, providers):
    microsoft, google = providers
    sign_in_with(client, "microsoft", microsoft)
    assert signed_in(client) and int(client.session["_auth_user_id"]) == sam.pk


def test_a_pinned_tenant_refuses_a_microsoft_account_from_another_directory(client, microsoft_only, sam, providers):
    microsoft, google = providers
    microsoft_only.entra_tenant_id = OTHER_TENANT
    microsoft_only.save()
    page = sign_in_with(client, "microsoft", microsoft)
    assert not signed_in(client)
    assert "belongs to another organisation" in page.text
    microsoft_only.entra_tenant_id = NORTH_TENANT
    microsoft_only.save()
    sign_in_with(client, "microsoft", microsoft)
    assert signed_in(client)


def test_an_office_open_to_any_way_accepts_google(client, office, sam, providers):
    microsoft, google = providers
    sign_in_with(client, "google", google)
    assert signed_in(client)


def test_a_microsoft_only_office_refuses_to_connect_a_google_calendar(settings, microsoft_only, colleague):
    with FakeGoogle() as google:
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = google.client_id, google.client_secret
        settings.GOOGLE_AUTH_URL, settings.GOOGLE_TOKEN_URL = google.auth_uri, google.token_uri
        client = client_for(colleague)
        page = client.get(reverse("calendars:index")).text
        assert "Connect Google calendar" not in page
        refused = client.get(reverse("calendars:connect", args=["google"]), follow=True)
        assert "connecting another calendar is turned off" in refused.text
        assert not google.requests_to("GET", "/o/oauth2") and not CalendarAccount.objects.filter(provider="google")


def test_a_pinned_tenant_refuses_an_outlook_calendar_from_another_directory(microsoft, microsoft_only, colleague):
    from tests.conftest import microsoft_connect

    microsoft_only.entra_tenant_id = OTHER_TENANT
    microsoft_only.save()
    page = microsoft_connect(client_for(colleague), microsoft)
    assert not CalendarAccount.objects.filter(provider="microsoft").exists()
    microsoft.user = MicrosoftUser(tid=OTHER_TENANT)
    microsoft_connect(client_for(colleague), microsoft)
    assert CalendarAccount.objects.filter(provider="microsoft").exists(), page


def test_nobody_new_is_created_by_a_refused_sign_in(client, microsoft_only, providers):
    microsoft, google = providers
    sign_in_with(client, "google", google)
    assert not get_user_model().objects.filter(email="sam.staff@contoso.example").exists()


def test_a_pinned_tenant_refuses_a_sign_in_that_does_not_say_its_directory(
    client, microsoft_only, sam, providers, settings
):
    microsoft, google = providers
    microsoft_only.entra_tenant_id = NORTH_TENANT
    microsoft_only.save()
    settings.SOCIALACCOUNT_PROVIDERS["microsoft"]["SCOPE"] = ["User.Read"]  # no openid: no ID token, no tid
    page = sign_in_with(client, "microsoft", microsoft)
    assert not signed_in(client) and "belongs to another organisation" in page.text
