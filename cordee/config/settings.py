"""Cordée settings: one file, every value from the environment.

Secrets may come from ``<NAME>_FILE`` (a path whose content is the value), as in
container secret mounts. ``DEBUG`` is off unless the environment turns it on
(``make run`` does).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cordee.config.email_url import OUTBOX_BACKEND, parse_email_url
from cordee.config.secret_key import stored_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent  # the cordee package
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read ``name`` from the environment, or from the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*")


def parse_webhook_allowed(value: str) -> list[str]:
    """``CORDEE_WEBHOOK_ALLOWED_NETWORKS``: each entry a network, an address or a host name;
    a wrong one stops the start with its name rather than being silently ignored."""
    entries = []
    for raw in value.split(","):
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            entry = str(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            if not _HOST_NAME.fullmatch(entry):
                raise ImproperlyConfigured(
                    f"CORDEE_WEBHOOK_ALLOWED_NETWORKS: {raw.strip()!r} is neither a network, "
                    "an address nor a host name"
                ) from None
        entries.append(entry)
    return entries


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env("CORDEE_VAR_DIR", str(PROJECT_DIR / "var")) or "var")

SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY:
    if env_bool("CORDEE_TESTING"):
        SECRET_KEY = "insecure-test-key-never-use-in-production"
    else:
        # none given: one generated on first use, kept in <VAR_DIR>/secret_key (mode 0600)
        SECRET_KEY = stored_secret_key(VAR_DIR)

ALLOWED_HOSTS = [
    h.strip() for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",  # serves the API docs' assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    # two-factor sign-in: TOTP devices and single-use recovery codes (cordee.access)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # sign-in throttling: failed attempts per e-mail address and IP, lock-out
    "csp",  # the Content-Security-Policy header (django-csp; Django 5.2 has none built in)
    "cordee.tenancy",
    "cordee.core",
    "cordee.people",
    "cordee.crm",
    "cordee.funnel",
    "cordee.integrations",
    "cordee.attribution",
    "cordee.feedback",
    "cordee.comp",
    "cordee.search",
    "cordee.dataio",
    "cordee.comments",
    "cordee.merges",
    "cordee.lists",
    "cordee.codesign",
    "cordee.rituals",
    "cordee.wins",
    "cordee.diagnostic",
    "cordee.alignment",
    "cordee.bulk",
    "cordee.access",
    "cordee.administration",
    "cordee.cli",
]

MIDDLEWARE = [
    # first: every log line of the request carries its X-Request-ID; every answer is counted
    "cordee.core.observability.RequestIdMiddleware",
    "cordee.core.observability.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cordee.core.middleware.QueryTextMiddleware",  # no control character in a page's query
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # a session signed in with a password but not yet its second factor reaches nothing else
    "cordee.core.middleware.TwoFactorMiddleware",
    "cordee.core.middleware.UserLanguageMiddleware",
    "cordee.people.sessions.SessionSeenMiddleware",
    # last: turns a sign-in refused by django-axes (locked out) into the lock-out page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cordee.config.urls"
WSGI_APPLICATION = "cordee.config.wsgi.application"
ASGI_APPLICATION = "cordee.config.asgi.application"

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
                "django.template.context_processors.i18n",
                "cordee.core.context_processors.workspace",
                "cordee.people.context_processors.notifications",
                "cordee.access.context_processors.sso",
                "csp.context_processors.nonce",  # {{ csp_nonce }}, also read by {% htmx_script %}
            ],
        },
    }
]

# Database: SQLite under var/ by default (WAL mode, generous busy timeout), or DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'cordee.sqlite3'}"
# Persistent connections are checked before each request reuses them (CONN_HEALTH_CHECKS): after
# PostgreSQL restarts, or its backends are terminated, the next request reconnects instead of
# failing on a dead connection.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
        ),
    }
if env("CORDEE_TEST_DB_NAME"):
    # Two test runs on one server each need their own test database.
    DATABASES["default"]["TEST"] = {"NAME": env("CORDEE_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenancy.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# An invitation's link works once, for this many days.
INVITATION_DAYS = int(env("CORDEE_INVITATION_DAYS", "7") or "7")
# Without EMAIL_URL (below, which wins), Django's own variables: EMAIL_BACKEND (SMTP by default)
# and EMAIL_HOST/EMAIL_PORT/…
EMAIL_BACKEND = env("EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = int(env("EMAIL_PORT", "25") or "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password, or the company's identity provider (it answers only when OIDC_* are set below).
AUTHENTICATION_BACKENDS = [
    # first: refuses any sign-in of an address locked out after too many failures
    "cordee.core.signin.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "cordee.access.sso.Backend",
]

# Sign-in throttling (django-axes): after CORDEE_SIGNIN_FAILURE_LIMIT wrong passwords for one
# e-mail address from one IP address, that pair is locked out for CORDEE_SIGNIN_LOCKOUT_MINUTES
# (0: until a RevOps admin unlocks it on the member's page, or `cordee axes_reset_username`).
AXES_FAILURE_LIMIT = int(env("CORDEE_SIGNIN_FAILURE_LIMIT", "5") or "5")
_LOCKOUT_MINUTES = int(env("CORDEE_SIGNIN_LOCKOUT_MINUTES", "30") or "0")
AXES_COOLOFF_TIME = dt.timedelta(minutes=_LOCKOUT_MINUTES) if _LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "cordee.core.signin.attempt_username"
AXES_CLIENT_IP_CALLABLE = "cordee.core.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "cordee.core.signin.lockout_response"
AXES_VERBOSE = False
# How many reverse proxies stand in front (their X-Forwarded-For entries are trusted from the
# right): the client's address for sign-in throttling. 0: the connection's address.
CORDEE_PROXY_COUNT = int(env("CORDEE_PROXY_COUNT", "0") or "0")

# The REST API: each token (or signed-in person) may make this many requests per period
# ("600/min", "20/s", "10000/hour"); beyond, 429 with Retry-After. Empty: no limit.
# (Off in the test suite, whose tests reuse token ids within a minute; the tests of the limit set it.)
API_RATE_LIMIT = env("API_RATE_LIMIT", "" if env_bool("CORDEE_TESTING") else "600/min") or ""

# Two-factor sign-in (django-otp): the issuer shown in authenticator apps; after a wrong code
# each device waits 1 s, 2 s, 4 s… before it checks another (the throttle factor, in seconds).
OTP_TOTP_ISSUER = env("CORDEE_TOTP_ISSUER", "Cordée")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Single sign-on through the company's identity provider (OpenID Connect), off unless
# OIDC_CLIENT_ID and either OIDC_ISSUER (its discovery document gives the endpoints) or the four
# endpoints are set. docs/deployment.md lists every variable; cordee/access/sso.py reads them.
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "") or ""
OIDC_ISSUER = (env("OIDC_ISSUER", "") or "").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT", "") or ""
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT", "") or ""
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT", "") or ""
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT", "") or ""
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", "") or ""
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "") or ""
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256") or "RS256"
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile") or "openid email profile"
OIDC_WORKSPACE = env("OIDC_WORKSPACE", "") or ""
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups") or "groups"
OIDC_ROLE_MAP = env("OIDC_ROLE_MAP", "") or ""
# a provider that never sends `email_verified` (some do not): trust its addresses anyway
OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL", False)
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_CREATE_USER = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the pages' own stylesheet and icons (cordee/static/)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files (feedback attachments); served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports"],
    }
}

# -- HTTP security (docs/deployment.md, "Security headers") --------------------------------------
# Production (DEBUG off) is served over HTTPS behind a TLS-terminating proxy that sets
# X-Forwarded-Proto: secure cookies, HSTS and redirects to HTTPS follow SECURE_COOKIES, which
# only a plain-HTTP intranet turns off; each may also be set on its own.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not env_bool("CORDEE_TESTING"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
_HTTPS = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if _HTTPS else "0") or "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
# probes and the Prometheus scraper come in plain HTTP from inside the network (/metrics still
# wants its METRICS_TOKEN)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if env_bool("SECURE_PROXY_SSL_HEADER", _HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Joining the browsers' preload list is the domain owner's decision (and hard to undo):
# SECURE_HSTS_PRELOAD=1 asks for it; without it, Django's reminder is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp 4): no inline script or style anywhere — every script
# and stylesheet is a file under /static/; a <script> tag that must be inline would take the
# request's nonce ({{ csp_nonce }}). Charts are server-rendered SVG without style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Outgoing mail: one URL (cordee/config/email_url.py: smtp+tls://user:pass@host:587, smtps://…,
# file:///folder, console://). Without it, a development instance (DEBUG) writes each message
# into var/mail/, which the Outbox page shows; a production one uses SMTP on localhost:25.
EMAIL_URL = env("EMAIL_URL") or ""
if EMAIL_URL:
    globals().update(parse_email_url(EMAIL_URL))
elif DEBUG:
    EMAIL_BACKEND = OUTBOX_BACKEND
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "Cordée <cordee@localhost>"
SERVER_EMAIL = env("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
# Where people open Cordée: the links in e-mails start with it.
CORDEE_BASE_URL = (env("CORDEE_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Logs kept this many days, then pruned daily: incoming webhook requests (and with them their
# idempotency keys), finished outgoing deliveries, finished background task results.
LOG_RETENTION_DAYS = int(env("CORDEE_LOG_RETENTION_DAYS", "90") or "90")
# Outgoing webhooks never reach loopback, private, link-local, multicast or reserved addresses
# (the server's own network), unless allow-listed here: networks (``10.0.0.0/8``, ``fd00::/8``,
# one address) and host names (``hooks.internal``), comma-separated.
WEBHOOK_ALLOWED_NETWORKS = parse_webhook_allowed(env("CORDEE_WEBHOOK_ALLOWED_NETWORKS", "") or "")
# Bulk actions: selections up to this many rows run at once, larger ones in the background;
# each may be undone for this many minutes (then its undo data is purged).
BULK_INLINE_MAX = int(env("CORDEE_BULK_INLINE_MAX", "200") or "200")
BULK_UNDO_MINUTES = int(env("CORDEE_BULK_UNDO_MINUTES", "10") or "10")
# Imports: the largest file the import wizard accepts, in MB (refused from the request's
# Content-Length, before its body is read; `cordee import` on the server reads any size); and
# how far an XLSX may unpack — its sheet's XML and its shared strings, each, in MB (a 1 MB
# workbook can unpack into gigabytes). Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count
# files, and FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) already sends bigger uploads to a temporary
# file rather than memory: neither bounds an upload.
IMPORT_MAX_UPLOAD_MB = int(env("CORDEE_IMPORT_MAX_UPLOAD_MB", "50") or "50")
IMPORT_MAX_XLSX_XML_MB = int(env("CORDEE_IMPORT_MAX_XLSX_XML_MB", "500") or "500")

# Logs on standard error, each record with the request's id (X-Request-ID); LOG_FORMAT=json
# writes one JSON object a line (python-json-logger) for a log collector.
LOG_FORMAT = (env("LOG_FORMAT", "text") or "text").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cordee.core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Operations: /metrics answers only with this token (Authorization: Bearer …), 404 without one;
# /readyz fails when no worker of a queue was seen alive for this many seconds.
METRICS_TOKEN = env("METRICS_TOKEN", "") or ""
WORKER_HEARTBEAT_STALE_SECONDS = int(env("CORDEE_WORKER_HEARTBEAT_STALE", "60") or "60")

if env_bool("CORDEE_TESTING"):
    # The suite creates many users; a fast hasher keeps it quick. Never set in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Rendered charts and other small computed fragments, shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if env_bool("CORDEE_TESTING") and env("CORDEE_CACHE") != "file":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
