"""Settings for the test suite: the real settings module, fed a test environment."""

import os

os.environ["ENV_FILE"] = ""  # a developer's .env must not leak into tests
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "dGVzdHMtb25seS1rZXktMzItYnl0ZXMtbG9uZy4uLi4=")
os.environ.setdefault("FREESWITCH_ESL_PASSWORD", "tests-only-esl-password")  # the default is refused outside DEBUG
os.environ.setdefault("PLAIN_HTTP", "true")  # the test client and the test servers speak plain HTTP
# A teaching is checked on whole calls: in tests on two people in text, and in audio only where a test asks
os.environ.setdefault("TEACHING_CHECK_TEXT_PERSONAS", "tests/agent/teaching_personas.yaml")
os.environ.setdefault("TEACHING_CHECK_AUDIO_PERSONAS", "")

from issetter.settings import *  # noqa: E402,F403
from issetter.settings import BASE_DIR, DATABASES  # noqa: E402

FREESWITCH_ESL_PASSWORD = "ClueCon"  # noqa: S105  (the password of the tests' Phonify switches)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; real hashing is Django's concern
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so a server process started by a test (daphne for the browser) shares it: the
    # name is fixed in the environment, which such a process inherits, and differs per test run, so two
    # runs on one machine never share (and break) one file.
    os.environ.setdefault("TEST_SQLITE_FILE", str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3"))
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_SQLITE_FILE"]}

STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root; `make run` collects

from issetter.settings import Q_CLUSTER  # noqa: E402

Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # tasks run inline in tests; run_system's test starts a real cluster

from issetter.settings import INSTALLED_APPS  # noqa: E402

# Both sign-in providers are installed (their URLs exist) but have no app until a test configures one against the
# local Microsoft and Google servers, so the sign-in page shows no provider button unless a test asks for one.
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *(
        f"allauth.socialaccount.providers.{name}"
        for name in ("microsoft", "google")
        if f"allauth.socialaccount.providers.{name}" not in INSTALLED_APPS
    ),
]
