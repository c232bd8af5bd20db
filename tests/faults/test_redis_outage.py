"""Redis stopped, then started again, under the real web process (daphne, REDIS_URL pointing at a Redis of
the test's own) while a supervisor signs in and presses "Call queued": sign-in works without Redis, the
button says calling is unavailable and leaves no run `running`, and once Redis is back it starts a run."""

from __future__ import annotations

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from calls.models import DialRun, QueueEntry
from calls.queue_services import queue_add_customer
from tests.conftest import PASSWORD
from tests.faults.conftest import stop
from tests.servers import free_port, start, wait_for_http

pytestmark = pytest.mark.faults


def sign_in(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=10)
    assert page.status_code == 200, page.text[:2000]
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:2000]  # to the home page: signed in
    home = browser.get(f"{base}/", timeout=10, allow_redirects=False)
    assert home.status_code == 200, home.text[:2000]  # the home page itself, not a way back to sign-in
    return browser


def press_call_queued(browser: requests.Session, base: str) -> requests.Response:
    return browser.post(
        f"{base}/queue/call/",
        headers={"HX-Request": "true", "X-CSRFToken": browser.cookies["csrftoken"], "Referer": f"{base}/queue/"},
        timeout=10,
    )


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_call_queued_while_redis_is_down_and_after_it_is_back(
    private_redis, supervisor, office, customer, tmp_path
):
    queue_add_customer(office=office, customer=customer, added_by=supervisor)
    # The web process runs the product's own settings (the tests' run tasks inline, with no broker at all),
    # whose password hashers do not read the tests' fast MD5 hashes.
    hasher = PBKDF2PasswordHasher()
    type(supervisor).objects.filter(pk=supervisor.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    port = free_port()
    log = tmp_path / "web.log"
    web = start(
        ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "issetter.asgi:application"],
        log,
        {"REDIS_URL": private_redis.url, "DJANGO_SETTINGS_MODULE": "issetter.settings"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/healthz", web)
        private_redis.stop()

        browser = sign_in(base, supervisor.email)  # no Redis: sign-in still works
        pressed = press_call_queued(browser, base)
        assert pressed.status_code == 200, pressed.text[:2000]
        assert "Calling is unavailable right now" in pressed.text, pressed.text + log.read_text()
        (run,) = DialRun.objects.all()
        assert run.status == DialRun.Status.FAILED and "task queue could not be reached" in run.status_reason
        assert not QueueEntry.objects.filter(status=QueueEntry.Status.CALLING).exists()  # nothing half started

        private_redis.start()  # Redis is back, on the same address

        browser = sign_in(base, supervisor.email)
        pressed = press_call_queued(browser, base)
        assert pressed.status_code == 200, pressed.text[:2000]
        assert "Calling is unavailable" not in pressed.text
        latest = DialRun.objects.order_by("-pk").first()
        assert latest.pk != run.pk and latest.status == DialRun.Status.RUNNING
        assert redis.Redis(port=private_redis.port).llen("django_q:issetter:q") == 1  # handed to the worker
    finally:
        stop(web)
    assert "Traceback" not in log.read_text().split("could not hand run")[0]  # no 500 on the way
