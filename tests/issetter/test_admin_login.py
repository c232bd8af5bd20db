"""The admin's sign-in page is throttled like the product's (django-allauth's failed-login limit)."""

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def admin_sign_in(client: Client, username: str, password: str):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": reverse("admin:index")}
    )


def test_it_lets_a_supervisor_in_with_the_right_password(supervisor):
    client = Client()
    assert admin_sign_in(client, supervisor.username, "wrong").status_code == 200
    response = admin_sign_in(client, supervisor.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.session["_auth_user_id"] == str(supervisor.pk)


def test_it_turns_the_right_password_away_after_30_wrong_ones(supervisor):
    client = Client()
    for _ in range(30):
        admin_sign_in(client, supervisor.username, "guess")
    response = admin_sign_in(client, supervisor.username, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_it_shares_the_limit_with_the_product_sign_in(supervisor):
    for _ in range(30):
        admin_sign_in(Client(), supervisor.username, "guess")
    client = Client()
    response = client.post(reverse("account_login"), {"login": supervisor.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session
