"""Settings for every environment, read from environment variables.

Production uses this module as it is and fails closed: no secret key, no start; DEBUG off unless asked for;
hosts only from DJANGO_ALLOWED_HOSTS. `dev.py` and `test.py` set friendly defaults, then import this module.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_addresses(name):
    """A comma-separated list of bare e-mail addresses (no "Name <address>"), each checked."""
    addresses = env_list(name)
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(f"{name} holds something that is not an e-mail address.") from None
    return addresses


try:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
except KeyError:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: refusing to start without a secret key."
    ) from None

DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "security.apps.AdminConfig",  # Django's admin, with a second factor at login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "core",
    "outbox",
    "import_export",
    "sources",
    "places",
    "programs",
    "funding",
    "schools",
    "contact",
    "proposals",
    "security",
    "opendata",
    "discovery",
    "csp",
    "axes",
    "django_otp",
    "security.apps.TOTPConfig",  # django_otp.plugins.otp_totp, named in French
]
# The apps that hold the directory's content: any change to their models shows on the public pages at the next
# request (core/cache.py bumps the content version), the "Rédaction" group may edit them (schools/editors.py)
# and their history makes the site-wide journal (schools/history.py).
CONTENT_APPS = ["sources", "places", "programs", "funding", "schools"]

MIDDLEWARE = [
    # First: a cached page is answered with the headers the whole stack below gave it (see core/cache.py).
    "core.cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files get these headers too.
    "csp.middleware.CSPMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): logged in with the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who made each change, for the content history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "normandy_ep.urls"
WSGI_APPLICATION = "normandy_ep.wsgi.application"

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
            ],
        },
    },
]

# Without DATABASE_URL, any settings use the development database, a SQLite file in the project folder;
# `manage.py restore` refuses it unless told (core/management/commands/restore.py).
DEVELOPMENT_DATABASE = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DEVELOPMENT_DATABASE}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# On PostgreSQL, parameters travel apart from the query (server-side binding), so that psycopg prepares the
# queries a process sends again and again (from the 5th time on one connection): the server then plans each
# once per connection instead of on every page it builds, 1.5 to 3 ms of its CPU per page at 10,000 schools.
# A connection pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21, or its
# max_prepared_statements at 0) needs DJANGO_DB_PREPARED_STATEMENTS=false.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DJANGO_DB_PREPARED_STATEMENTS", default=True
):
    # psycopg's own threshold; Django turns preparing off unless told.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages are cached for anonymous visitors (see core/cache.py). Local memory serves one process;
# several web processes share Redis: DJANGO_CACHE_URL=redis://host:6379/0. A Redis that stops answering costs
# each request at most these timeouts, then none for a while: pages are built from the database meanwhile.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "normandy-ep"}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login: django-axes refuses a login after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME
# (templates/axes/lockout.html says so in French, with status 429). It locks the pair (username, IP address):
# locking the username alone would let anyone lock staff out from anywhere; locking the address alone would
# lock a whole office behind one address for one person's typos. Guessing from many addresses is slowed by
# the 12-character passwords above. The journal's retention: security/login_journal.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
LOGIN_JOURNAL_RETENTION = timedelta(days=183)
# Second factor (security/second_factor.py): any staff member may turn it on; superusers must, unless
# DJANGO_SUPERUSERS_NEED_SECOND_FACTOR=false (the development and test settings say so).
SUPERUSERS_NEED_SECOND_FACTOR = env_bool("DJANGO_SUPERUSERS_NEED_SECOND_FACTOR", default=True)
OTP_TOTP_ISSUER = "Écoles de production de Normandie"

# Spreadsheets (schools/resources.py): an import runs in one transaction, so one refused row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Mail (outbox/, README "Mail"): every message is stored in the outbox first, then sent by SMTP right after
# the commit and retried by `manage.py send_queued_mail`. Mail is configured once DJANGO_EMAIL_HOST is set;
# then the site refuses to start without a sender address and the regional staff's addresses, rather than
# send mail from an unknown sender or let requests for the staff go nowhere. Without a host, the site still
# serves the directory and the outbox keeps every message waiting (`check --deploy` warns: outbox.W001).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)  # STARTTLS: never a password in clear
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT") or (587 if EMAIL_USE_TLS else 25))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = 5  # seconds: the first try runs in the request that queued the message
DEFAULT_FROM_EMAIL = (env_addresses("DJANGO_DEFAULT_FROM_EMAIL") or ["webmaster@localhost"])[0]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_EMAILS = env_addresses("DJANGO_STAFF_EMAILS")  # the regional staff, who receive what no school does
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    if not os.environ.get("DJANGO_DEFAULT_FROM_EMAIL"):
        raise ImproperlyConfigured(
            "DJANGO_EMAIL_HOST is set but DJANGO_DEFAULT_FROM_EMAIL is not: refusing to send mail "
            "from an unknown sender."
        )
    if not STAFF_EMAILS:
        raise ImproperlyConfigured(
            "DJANGO_EMAIL_HOST is set but DJANGO_STAFF_EMAILS is not: mail for the regional staff "
            "would go nowhere."
        )
else:
    EMAIL_BACKEND = "outbox.backends.NotConfiguredBackend"  # keeps every message waiting in the outbox
# Sent (and abandoned) messages are deleted after this: they may hold what a family wrote.
OUTBOX_RETENTION = timedelta(days=30)
# Families' contact requests and error reports (contact/) are deleted this long after they were sent: six
# months, 183 days, by `manage.py purge_public_messages`, run daily. The personal data page says so.
PUBLIC_MESSAGES_RETENTION = timedelta(days=183)

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# `manage.py backup` writes JSON whose times keep their microseconds (Django's cuts them to milliseconds).
SERIALIZATION_MODULES = {"json-sauvegarde": "core.backup_json"}

# Content history (django-simple-history): a file field is kept as its name.
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True

# Security: on by default, so that base settings alone are production-grade.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "security.client_ip.client_ip_behind_proxy"  # not the proxy's own address
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# The site has no JavaScript of its own and no inline style or script; the admin loads only its own files.
# security/middleware.py adds Permissions-Policy and Cross-Origin-Resource-Policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# /.well-known/security.txt (RFC 9116) needs a contact and an expiry date, both chosen by the publisher:
# DJANGO_SECURITY_CONTACT (comma-separated mailto:, https: or tel: URIs) and DJANGO_SECURITY_TXT_EXPIRES
# (an ISO date less than a year ahead). Until they are set, the file is not served (no contact, no file).
SECURITY_TXT_CONTACTS = env_list("DJANGO_SECURITY_CONTACT")
SECURITY_TXT_EXPIRES = None
if SECURITY_TXT_CONTACTS:
    if not all(contact.startswith(("mailto:", "https://", "tel:")) for contact in SECURITY_TXT_CONTACTS):
        raise ImproperlyConfigured("DJANGO_SECURITY_CONTACT takes mailto:, https:// or tel: URIs.")
    try:
        SECURITY_TXT_EXPIRES = datetime.fromisoformat(os.environ["DJANGO_SECURITY_TXT_EXPIRES"])
    except (KeyError, ValueError):
        raise ImproperlyConfigured(
            "DJANGO_SECURITY_CONTACT needs DJANGO_SECURITY_TXT_EXPIRES, an ISO date such as 2027-06-30."
        ) from None
    if SECURITY_TXT_EXPIRES.tzinfo is None:
        SECURITY_TXT_EXPIRES = SECURITY_TXT_EXPIRES.replace(tzinfo=UTC)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
