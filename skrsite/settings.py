"""Settings for the international-cooperation register, read from environment variables.

Development defaults are safe: without DATABASE_URL an SQLite file is used; outside DEBUG
(and outside the test runner) a missing SECRET_KEY stops the start instead of falling back.
"""

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from skrsite.addresses import OVERRIDES

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


RUNNING_TESTS = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or RUNNING_TESTS:
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or RUNNING_TESTS else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.RegisterAdminConfig",  # django.contrib.admin with the register's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "axes",
    "simple_history",
    # The project's apps, lowest layer first (README, "Architecture"): core (building
    # blocks), reference (reference data), projects and partnerships (features), pages (the
    # site's own pages and commands that span the apps).
    "core",
    "reference",
    "projects",
    "partnerships",
    "pages",
    "opendata",
    "corrections",
    "ops",
    "ninja",  # its templates and static files serve the API docs page (opendata/api.py)
]
# Apps whose records a write to invalidates the caches (core/apps.py).
REGISTER_APPS = ["core", "reference", "projects", "partnerships", "pages", "opendata"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the admin a relation never reaches a draft (core.publication).
    "core.middleware.PublicRelationsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's two-part page cache (core/pagecache.py): the part that stores a page comes
    # before the middleware that adds to Vary, the part that looks one up after the host
    # check (CommonMiddleware) and the language.
    "core.pagecache.UpdatePublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.LanguagePathRedirectMiddleware",
    "core.pagecache.FetchPublicPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database that does not answer gives 503 with Retry-After (core/middleware.py).
    "core.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Many usernames from one address (password spraying): core/logins.py.
    "core.logins.AddressLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The addresses of records whose pages live in a higher layer than their models.
ABSOLUTE_URL_OVERRIDES = OVERRIDES

ROOT_URLCONF = "skrsite.urls"
WSGI_APPLICATION = "skrsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "core.context_processors.archive",
                "pages.context_processors.widget",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Another process of the same deployment (opendata/wholefiles.py's builder) is told the
# database's name when it differs from DATABASE_URL's (as a test database's does).
if os.environ.get("DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["DATABASE_NAME"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("PG_JIT"):
    # JIT compilation cost a filtered export about 2 s per statement for 0.1 s of work
    # (bench/README.md); the register's queries are short, so it is off unless PG_JIT=1.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Backups keep timestamps to the microsecond (core/serialization.py).
SERIALIZATION_MODULES = {"json": "core.serialization"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# The accessibility statement (templates/pages/accessibility.html) gives these two dates:
# when the site was last assessed against the law (lagen (2018:1937) om tillgänglighet
# till digital offentlig service) and when the statement was last reviewed. Whoever
# assesses the site or reviews the statement updates them.
ACCESSIBILITY_ASSESSED = date(2026, 11, 25)
ACCESSIBILITY_REVIEWED = date(2026, 11, 25)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images: in the media folder by default; STORAGES["default"] can point at S3
# with django-storages instead (README, "Images").
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Dated releases of the open data (opendata/releases.py), never changed once written;
    # may point at S3-compatible storage with django-storages like "default".
    "releases": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("RELEASES_ROOT", str(BASE_DIR / "var" / "releases"))
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or RUNNING_TESTS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG or RUNNING_TESTS

LOGIN_URL = "admin:login"

# Kosovo is not in ISO 3166-1 but Sida and ICLD report on it; XK is the code the EU uses.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}

LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG or RUNNING_TESTS else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each step of every PDF at INFO; its warnings (a file it could
        # not read) still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# One cache that every process shares, so that a change is seen by all at once: Redis
# when CACHE_URL or REDIS_URL is set, otherwise a table in the database (made by
# `migrate`, or `manage.py createcachetable`).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "register")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            # Django's Redis cache that serves misses while Redis is down (core/cache.py).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A cache that does not answer within half a second counts as down.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "register_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Pages for anonymous visitors, facet counts and the home page's figures are cached this
# many seconds (0: off, as in tests unless a test turns it on); see core/cache.py.
# While the cache is down, Redis is tried again after this many seconds (core/cache.py).
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "2"))
FACET_CACHE_SECONDS = int(os.environ.get("FACET_CACHE_SECONDS", "0" if RUNNING_TESTS else "60"))
# Each process keeps copies of the pages, facet counts and figures it read from the
# shared cache for LOCAL_CACHE_SECONDS (0: off), at most LOCAL_CACHE_ENTRIES of them and
# LOCAL_CACHE_MB megabytes (pickled) per process; their keys carry the data version, which
# is always read from the shared cache (core/cache.py).
LOCAL_CACHE_SECONDS = float(os.environ.get("LOCAL_CACHE_SECONDS", "10"))
LOCAL_CACHE_ENTRIES = int(os.environ.get("LOCAL_CACHE_ENTRIES", "1000"))
LOCAL_CACHE_MB = float(os.environ.get("LOCAL_CACHE_MB", "16"))
# A change to a model of these apps makes every cached page stale (core/apps.py).
REGISTER_APPS = ["core", "reference", "projects", "partnerships", "pages", "opendata"]

# Whole-file downloads (360Giving, IATI, CSV exports) at once, over all workers and per
# client address; beyond that 429 with Retry-After (core/throttle.py). A slot is freed
# when its response closes, or after EXPORT_SLOT_SECONDS if a worker dies mid-stream.
EXPORT_STREAMS_TOTAL = int(os.environ.get("EXPORT_STREAMS_TOTAL", "2"))
EXPORT_STREAMS_PER_CLIENT = int(os.environ.get("EXPORT_STREAMS_PER_CLIENT", "1"))
EXPORT_SLOT_SECONDS = int(os.environ.get("EXPORT_SLOT_SECONDS", "600"))
EXPORT_RETRY_AFTER = int(os.environ.get("EXPORT_RETRY_AFTER", "30"))
# Downloads of whole files a client address may start a minute (0: no limit, as in tests
# but those of the limit itself).
EXPORT_DOWNLOADS_PER_MINUTE = int(
    os.environ.get("EXPORT_DOWNLOADS_PER_MINUTE", "0" if RUNNING_TESTS else "10")
)

# Reports of errors (corrections/): how many a client address may send an hour (0: no
# limit, as in tests but those of the limit itself), and how many days a reporter's
# e-mail address is kept at most (it is erased when the report is closed, and by the
# daily `manage.py erase_report_addresses` after this).
ERROR_REPORTS_PER_HOUR = int(
    os.environ.get("ERROR_REPORTS_PER_HOUR", "0" if RUNNING_TESTS else "5")
)
ERROR_REPORT_EMAIL_DAYS = int(os.environ.get("ERROR_REPORT_EMAIL_DAYS", "90"))

# The whole open-data files (no filter) are written once per data version into this
# folder and served from there (opendata/wholefiles.py); empty: always computed. They
# are written by a separate process ("process"), so a worker's memory does not grow by
# what building them takes, or inside the request ("request", the tests' way: a test
# database in a transaction is seen only by its own connection). A build that makes no
# progress for OPEN_DATA_FILES_TIMEOUT seconds is given up.
OPEN_DATA_FILES_ROOT = os.environ.get("OPEN_DATA_FILES_ROOT", str(BASE_DIR / "var" / "open-data"))
OPEN_DATA_FILES_BUILD = os.environ.get(
    "OPEN_DATA_FILES_BUILD", "request" if RUNNING_TESTS else "process"
)
OPEN_DATA_FILES_TIMEOUT = int(os.environ.get("OPEN_DATA_FILES_TIMEOUT", "120"))

# On PostgreSQL, exports stream through COPY … TO STDOUT (see core/exports.py).
EXPORT_USE_COPY = env_bool("EXPORT_USE_COPY", True)
# PostgreSQL's work_mem for the COPY of an export (its sorts and hashes in memory, not on
# disk); the server's default (4MB) holds for everything else.
EXPORT_WORK_MEM = os.environ.get("EXPORT_WORK_MEM", "64MB")

# The day the register was archived (ISO date, e.g. 2027-01-01): from then on it is
# read-only, with a notice on every page (core/readonly.py). Empty: kept up to date.
REGISTER_ARCHIVED_ON = (
    date.fromisoformat(os.environ["REGISTER_ARCHIVED_ON"])
    if os.environ.get("REGISTER_ARCHIVED_ON")
    else None
)

# Lists show this many records a page.
PAGE_SIZE = 20
GRANTS_360_PREFIX = os.environ.get("GRANTS_360_PREFIX", "icld")

# Open data (opendata/, README "Open data"): the licence of every public format (CC0 1.0
# unless set), the slug of the publishing organisation, a contact address for the data
# catalogue (left out when unset; never guessed) and the IATI reference of the reporting
# organisation (when unset: the reporting organisation's recorded IATI reference or
# organisation number, else its register-made 360G identifier).
OPEN_DATA_LICENSE = os.environ.get(
    "OPEN_DATA_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/"
)
OPEN_DATA_PUBLISHER = os.environ.get("OPEN_DATA_PUBLISHER", "skr")
OPEN_DATA_CONTACT_EMAIL = os.environ.get("OPEN_DATA_CONTACT_EMAIL", "")
IATI_REPORTING_ORG_REF = os.environ.get("IATI_REPORTING_ORG_REF", "")

# Security -----------------------------------------------------------------------------
# Behind HTTPS in production; HTTPS_ONLY=0 turns the HTTPS-only settings off (for example
# when gunicorn runs on 127.0.0.1 for a load test).
HTTPS_ONLY = env_bool("HTTPS_ONLY", not (DEBUG or RUNNING_TESTS))
SECURE_SSL_REDIRECT = HTTPS_ONLY
# A load balancer's health probe speaks plain HTTP to the backend: answer it, not 301.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS_ONLY else None
SECURE_HSTS_SECONDS = 63072000 if HTTPS_ONLY else 0  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# The admin's widgets (autocomplete, calendars) set style attributes from their scripts.
ADMIN_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

# Failed logins lock out the username and address together, for a while only, so a
# stranger cannot lock an editor out for good.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed logins from one address, whatever the usernames, before it is refused for the
# cool-off (core/logins.py); high enough for an office behind one address.
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"


def client_address_settings(proxy_count):
    """How django-axes (through django-ipware) finds a client's address.

    Behind `proxy_count` reverse proxies that each append the address they saw to
    X-Forwarded-For (nginx's $proxy_add_x_forwarded_for, load balancers), the client is the
    proxy_count-th address from the right: the entries left of it are whatever the client
    wrote itself. django-ipware counts only the proxies named in the header (all but the
    client), hence proxy_count - 1, and is told not to be strict, so that a client who
    writes the header itself is read past, not believed and not allowed to fall back to
    the proxy's address. Without proxies, only the connection's own address counts."""
    return {
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1 if proxy_count else None,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": (
            ["HTTP_X_FORWARDED_FOR"] if proxy_count else ["REMOTE_ADDR"]
        ),
        "IPWARE_STRICT": False,
    }


PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
_client_address = client_address_settings(PROXY_COUNT)
AXES_IPWARE_PROXY_COUNT = _client_address["AXES_IPWARE_PROXY_COUNT"]
AXES_IPWARE_META_PRECEDENCE_ORDER = _client_address["AXES_IPWARE_META_PRECEDENCE_ORDER"]
IPWARE_STRICT = _client_address["IPWARE_STRICT"]
