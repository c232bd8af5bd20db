"""The one settings module. Every knob is an environment variable with a working default;
`.env.example` lists them all. A `.env` file beside manage.py is read first (real environment
variables win); `make run` writes one with fresh secrets on first start.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from issetter import config
from issetter.env import Env, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
env = Env({**(read_env_file(Path(_env_file)) if _env_file else {}), **os.environ})

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=true for a throwaway development key)")
    SECRET_KEY = "development-only-insecure-key"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Keys (Fernet, urlsafe base64) for OAuth tokens at rest; the first encrypts, all decrypt (rotation).
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", [])

SIGNUP_OPEN = env.bool("SIGNUP_OPEN", False)
SOCIALACCOUNT_PROVIDERS = config.social_providers_config(env)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "template_partials",
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    *[f"allauth.socialaccount.providers.{name}" for name in SOCIALACCOUNT_PROVIDERS],
    "issetter",
    "customers",
    "callscripts",
    "calls",
    "calendars",
    "agent",
    "reports",
    "offices",
    "simulator",
    "phonify",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "issetter.tenancy.OfficeMiddleware",
]

ROOT_URLCONF = "issetter.urls"
ASGI_APPLICATION = "issetter.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "issetter.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": config.database_config(env, base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = config.cache_config(env)
CHANNEL_LAYERS = config.channel_layers_config(env)
Q_CLUSTER = config.q_cluster_config(env)

AUTH_USER_MODEL = "issetter.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.choice("ACCOUNT_EMAIL_VERIFICATION", "none", ("none", "optional", "mandatory"))
if SIGNUP_OPEN and ACCOUNT_EMAIL_VERIFICATION != "mandatory":
    # Otherwise anyone could register a future employee's address first and inherit their invitation.
    raise ImproperlyConfigured("SIGNUP_OPEN=true needs ACCOUNT_EMAIL_VERIFICATION=mandatory")
ACCOUNT_ADAPTER = "issetter.accounts.OfficeAccountAdapter"
ACCOUNT_FORMS = {"login": "issetter.accounts.OfficeLoginForm"}
SOCIALACCOUNT_ADAPTER = "issetter.accounts.OfficeSocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a Microsoft/Google sign-in reaches the invited account by email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "appointments@localhost")

SESSION_COOKIE_HTTPONLY = True
# HTTPS outside DEBUG (redirect, HSTS, Secure cookies); PLAIN_HTTP and BEHIND_TLS_PROXY: see config.https_config.
_https = config.https_config(env, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS)
SECURE_SSL_REDIRECT = _https["SECURE_SSL_REDIRECT"]
SESSION_COOKIE_SECURE = _https["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE = _https["CSRF_COOKIE_SECURE"]
SECURE_HSTS_SECONDS = _https["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_HSTS_PRELOAD = _https["SECURE_HSTS_PRELOAD"]
SECURE_PROXY_SSL_HEADER = _https["SECURE_PROXY_SSL_HEADER"]
# Preloading commits the domain to browsers' built-in HTTPS list for good: a choice (SECURE_HSTS_PRELOAD=true),
# so `check --deploy` does not warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["issetter.formats"]  # times say their zone
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Call recordings (WAV), one folder per office; written by the agent, served to the office's staff. A relative
# path is taken from the project folder, so every process finds the same files whatever its working directory.
RECORDINGS_DIR = BASE_DIR / env.str("RECORDINGS_DIR", "var/recordings")
# Voices offices upload for their scripts (Piper .onnx with its .onnx.json), one folder per office; the web
# process writes them, the agent reads them. Relative paths as for RECORDINGS_DIR.
VOICES_DIR = BASE_DIR / env.str("VOICES_DIR", "var/voices")
VOICE_UPLOAD_MAX_BYTES = env.int("VOICE_UPLOAD_MAX_MB", 150, minimum=1) * 1024 * 1024
CUSTOMER_IMPORT_MAX_BYTES = env.int("CUSTOMER_IMPORT_MAX_MB", 50, minimum=1) * 1024 * 1024
CUSTOMER_IMPORT_MAX_ROWS = env.int("CUSTOMER_IMPORT_MAX_ROWS", 500_000, minimum=1)
WHITENOISE_USE_FINDERS = True  # serve straight from static/ when collectstatic has not run

# Telephony: Phonify (the simulated switch) by default, a real FreeSWITCH in production.
TELEPHONY = env.choice("TELEPHONY", "phonify", ("phonify", "freeswitch"))
FREESWITCH_ESL_HOST = env.str("FREESWITCH_ESL_HOST", "127.0.0.1")
FREESWITCH_ESL_PORT = env.int("FREESWITCH_ESL_PORT", 8021, minimum=1)
FREESWITCH_ESL_PASSWORD = config.esl_password(env, debug=DEBUG)  # "ClueCon" only with DEBUG
FREESWITCH_GATEWAY = env.str("FREESWITCH_GATEWAY", "trunk")  # sofia/gateway/<this>/<E.164>
# Where answered calls' audio is forked (the agent's WebSocket server); empty: no fork, the callee hears
# nothing and the call ends when they hang up.
AGENT_URL = env.str("AGENT_URL", "")
# Where `manage.py agent` listens; `make run` starts it there and forks calls to it when AGENT_URL is empty.
AGENT_PORT = env.int("AGENT_PORT", 8091, minimum=1)
# Processes the agent recognises speech in (pocketsphinx holds the GIL while it decodes, so in-process
# threads would stall every call's audio); 0 decodes on the agent's own threads.
AGENT_RECOGNITION_PROCESSES = env.int("AGENT_RECOGNITION_PROCESSES", os.cpu_count() or 1, minimum=0)
# The agent's speech stack (agent/speech/backend.py): "cpu" (pocketsphinx and Piper, the embedded default) or
# "gpu" (Whisper's ears from AGENT_WHISPER_DIR, Piper's voice; needs requirements-gpu.txt; docs/gpu.md).
AGENT_SPEECH = env.choice("AGENT_SPEECH", "cpu", ("cpu", "gpu"))
AGENT_WHISPER_DIR = env.str("AGENT_WHISPER_DIR", "").strip()  # a transformers Whisper checkpoint folder, local
AGENT_MINI_OMNI_DIR = env.str("AGENT_MINI_OMNI_DIR", "").strip()  # the released mini-omni folder; empty: none
AGENT_GPU_EARS = env.choice("AGENT_GPU_EARS", "whisper", ("whisper", "mini-omni"))  # what hears the callee
AGENT_GPU_DEVICE = env.str("AGENT_GPU_DEVICE", "").strip()  # "cuda:1", "cpu"; empty: the first GPU, else the CPU
# GPU memory the speech stack may use (GB; 0: 90 % of what is free at start). Calls past what fits once the
# weights are in run on the CPU stack and are flagged; AGENT_GPU_CALLS caps them whatever the memory.
AGENT_GPU_MEMORY_GB = env.float("AGENT_GPU_MEMORY_GB", 0.0, minimum=0.0)
AGENT_GPU_CALLS = env.int("AGENT_GPU_CALLS", 200, minimum=1)
AGENT_GPU_REPLY_SECONDS = env.float("AGENT_GPU_REPLY_SECONDS", 20.0, minimum=0.5)  # the longest mini-omni reply
# A language model for scripts whose dialogue policy is "llm": any OpenAI-compatible chat-completions
# endpoint (the base URL up to /chat/completions, e.g. .../v1). It only interprets what the callee said; the
# scripted policy still decides. Empty LLM_BASE_URL: not configured, such scripts run scripted. A script's
# own model name overrides LLM_MODEL.
LLM_BASE_URL = env.str("LLM_BASE_URL", "").strip().rstrip("/")
# What a teaching on the Improve page is checked on before it goes live (text) and once live (audio; empty: not).
TEACHING_CHECK_TEXT_PERSONAS = env.str("TEACHING_CHECK_TEXT_PERSONAS", "simulator/personas/suite.yaml")
TEACHING_CHECK_AUDIO_PERSONAS = env.str("TEACHING_CHECK_AUDIO_PERSONAS", "simulator/personas/audio_sample.yaml")
LLM_API_KEY = env.str("LLM_API_KEY", "").strip()
LLM_MODEL = env.str("LLM_MODEL", "").strip()
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", 3.0, minimum=0.1)
# With the dialogue "Language model conducts": the longest the callee waits for the model's first words (and
# between two of its sentences) before the scripted policy answers that turn instead.
LLM_TURN_BUDGET_SECONDS = env.float("LLM_TURN_BUDGET_SECONDS", 1.0, minimum=0.1)

# Calendars: staff connect Microsoft (through msal) or Google; the local calendar needs nothing. The same
# app registrations as sign-in (MICROSOFT_CLIENT_ID/SECRET, GOOGLE_CLIENT_ID/SECRET). Base URLs are settings
# so tests point them at local servers.
MICROSOFT_CLIENT_ID = env.str("MICROSOFT_CLIENT_ID").strip()
MICROSOFT_CLIENT_SECRET = env.str("MICROSOFT_CLIENT_SECRET").strip()
MICROSOFT_TENANT = env.str("MICROSOFT_TENANT", "organizations").strip()
MICROSOFT_AUTHORITY_HOST = env.str("MICROSOFT_AUTHORITY_HOST", "https://login.microsoftonline.com").rstrip("/")
MICROSOFT_GRAPH_URL = env.str("MICROSOFT_GRAPH_URL", "https://graph.microsoft.com/v1.0").rstrip("/")
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID").strip()
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET").strip()
GOOGLE_AUTH_URL = env.str("GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth")
GOOGLE_TOKEN_URL = env.str("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token")
GOOGLE_CALENDAR_URL = env.str("GOOGLE_CALENDAR_URL", "https://www.googleapis.com/calendar/v3").rstrip("/")
# A CA bundle to trust for calendar HTTPS besides the system's (a corporate proxy; the tests' local servers).
CALENDAR_CA_BUNDLE = env.str("CALENDAR_CA_BUNDLE", "")
# How long one calendar request may wait in total for a throttled (429/503) provider before giving up.
CALENDAR_RETRY_SECONDS = env.int("CALENDAR_RETRY_SECONDS", 20, minimum=0)
# Every calendar request (sign-in tokens, Graph, Google) gives up when connecting or a read takes longer.
CALENDAR_CONNECT_TIMEOUT_SECONDS = env.float("CALENDAR_CONNECT_TIMEOUT_SECONDS", 3.0, minimum=0.1)
CALENDAR_READ_TIMEOUT_SECONDS = env.float("CALENDAR_READ_TIMEOUT_SECONDS", 10.0, minimum=0.1)
# A booking on a call waits this long in all for the calendar; then it is kept here, "not in the calendar yet".
CALENDAR_BOOKING_DEADLINE_SECONDS = env.float("CALENDAR_BOOKING_DEADLINE_SECONDS", 3.0, minimum=0.1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
