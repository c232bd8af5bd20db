from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

NEW_PERSON = {
    "email": "eve@example.com",
    "password1": "a long enough password 42",
    "password2": "a long enough password 42",
}


def test_it_keeps_signup_closed_by_default(client, db):
    page = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in page.text or "closed" in page.text.lower()
    client.post(reverse("account_signup"), NEW_PERSON)
    assert not get_user_model().objects.filter(email="eve@example.com").exists()


def test_it_does_not_invite_visitors_to_sign_up_when_closed(client, db):
    page = client.get(reverse("account_login")).text
    assert "Create an account" not in page
    assert "supervisor sends the invitation" in page


@override_settings(SIGNUP_OPEN=True, ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_it_opens_signup_by_setting_and_asks_to_verify_the_address(client, db, mailoutbox):
    response = client.post(reverse("account_signup"), NEW_PERSON)
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="eve@example.com").exists()
    assert "confirm" in mailoutbox[0].subject.lower()


@override_settings(SIGNUP_OPEN=True, ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_it_will_not_hand_an_invitation_to_an_unverified_self_signup(client, office):
    import pytest

    from issetter.services import member_ensure

    client.post(reverse("account_signup"), {**NEW_PERSON, "email": "future.hire@north.example"})
    with pytest.raises(ValueError, match="has not verified the address"):
        member_ensure(office=office, email="future.hire@north.example")


def test_it_signs_in_with_email_and_password(client, colleague):
    from tests.conftest import PASSWORD

    response = client.post(reverse("account_login"), {"login": "bob@north.example", "password": PASSWORD})
    assert response.status_code == 302
    assert "North Insurance" in client.get(reverse("home")).text


def test_it_refuses_a_wrong_password_with_a_message(client, colleague):
    response = client.post(reverse("account_login"), {"login": "bob@north.example", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.text
