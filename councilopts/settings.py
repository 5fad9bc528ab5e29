"""Settings for councilopts: one file, read from the environment.

Every value that differs between a laptop and production comes from an environment
variable, parsed by the small helpers below, which refuse a value they do not understand.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # Django's own rule (check --deploy, security.W009), enforced: a short key is guessable.
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 characters, with at least 5 different ones and not "
        "django-insecure-, when DEBUG is off. Make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command is ours, which waits out a database
    # restart instead of exiting (appraisals/management/commands/db_worker.py).
    "appraisals",
    "django_tasks_db",
    # Sign-in: django-allauth for passwords, reset and change by e-mail, MFA (TOTP, recovery
    # codes, WebAuthn), each council's OpenID Connect provider and the list of sessions.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "councils",
    "signin",
    "councilopts",
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
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # After messages: a session idle too long is signed out with a message saying so.
    "signin.idle.IdleTimeoutMiddleware",
    # Officers and administrators of a council that requires MFA enrol before anything else.
    "signin.mfa_required.MfaRequiredMiddleware",
    # Issued appraisals refuse every change until reopened (after auth and messages).
    "appraisals.frozen.FrozenWhenIssuedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "councilopts.middleware.private_no_store",
    # Last, as django-axes asks: it turns a refused sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "councilopts.urls"
WSGI_APPLICATION = "councilopts.wsgi.application"

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
                "django.template.context_processors.csp",
                "councils.context_processors.council",
            ],
        },
    },
]

# SQLite file by default; PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
# A connection kept open (CONN_MAX_AGE) is checked before each request reuses it
# (CONN_HEALTH_CHECKS), so after PostgreSQL restarts no request fails on a dead connection:
# `make faults` restarts it under load.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", "0"),
        conn_health_checks=envbool("CONN_HEALTH_CHECKS", "true"),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Many users at once on the embedded default. A transaction that reads and then writes
    # cannot wait for another writer (SQLite answers "database is locked" at once, to avoid a
    # deadlock), so every transaction takes the write lock when it begins (IMMEDIATE) and
    # waits up to `timeout` seconds for it. WAL lets readers carry on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL",
    )

# The cache holds computed results (`results.evaluate`), keyed by a fingerprint of all they
# are computed from, so an entry never needs invalidating and each process may keep its own:
# memory, not a shared table. With several app servers each computes an appraisal once after
# an edit (tens of milliseconds), and a hit costs no query; a database cache would add a
# query and the transfer of the whole evaluation (about 0.6 MB at 12 x 40 x 6) to every page.
# Beside each evaluation, what pages print from it alone is kept under the same fingerprint
# (`results.derived`: charts, the what-if tab, the draft web page): about seven entries an
# appraisal, 2 MB at 12 x 40 x 6 and 0.3 MB at the demo's size. 300 entries (some 40
# appraisals) bound a worker's memory to about 85 MB at that size, far less for most councils.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 300},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes refuses sign-in, on /accounts/login/ and /admin/login/ alike, after
# LOGIN_FAILURE_LIMIT failures in a row for one username from one address, for
# LOGIN_LOCKOUT_MINUTES. Keyed by both together: a colleague behind the same council proxy,
# or the same person from another address, can still sign in.
# The sign-in page is allauth's (`signin.forms.LoginForm`, field "login": a username or an
# e-mail address); axes checks first, then allauth's backend (a ModelBackend, so the admin's
# login and permissions work as before). AXES_USERNAME_CALLABLE keys both pages' attempts
# by the account's username, whichever way it was typed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_USERNAME_CALLABLE = "signin.throttle.axes_username"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "10")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_RESET_ON_SUCCESS = True
# The log (below) is the record of sign-ins: no table of them growing in the database.
AXES_DISABLE_ACCESS_LOG = True
# Attempts during a lock-out are refused without restarting it, so the wait shown is exact.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "councilopts.sign_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "councilopts.sign_in.client_ip"
# How many reverse proxies of our own stand in front of the app, each appending the address
# it saw to X-Forwarded-For. 0: the client's address is REMOTE_ADDR.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", "0")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "appraisals:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth (README, "Signing in"). People sign in with a username or an e-mail address;
# nobody signs themselves up (people join by invitation, or through their council's own
# provider where the council allows it: signin.adapters).
ACCOUNT_ADAPTER = "signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "signin.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "signin.forms.LoginForm",
    "change_password": "signin.forms.ChangePasswordForm",
    "set_password": "signin.forms.SetPasswordForm",
    "reset_password": "signin.forms.ResetPasswordForm",
    "reset_password_from_key": "signin.forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # as before: no "remember me" box; the idle timeout applies
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed" and the like
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address sends nothing
# One throttle on signing in: django-axes (above). allauth's own limits on logins are off;
# its limits on password-reset e-mails and the like stay.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # only for a council's own domains: signin.adapters
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Options appraisal"
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs a secure origin; on loopback in development, allow plain http.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = False  # the idle timeout keeps its own clock
# Signed out after this many minutes without a request (signin.idle).
SESSION_IDLE_TIMEOUT = timedelta(minutes=envint("SESSION_IDLE_MINUTES", "30"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Long work (rendering committee reports) runs through Django's tasks framework on the
# database queue: `manage.py db_worker` in production; TASKS_IMMEDIATE=true runs it inline.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if envbool("TASKS_IMMEDIATE", "false")
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A report render is stopped after this long and tried again (appraisals/tasks.py); a render
# whose worker was killed is noticed 30 seconds after that. `make faults` shortens it.
REPORT_RENDER_TIMEOUT = timedelta(seconds=envint("REPORT_RENDER_TIMEOUT", "300"))

# E-mail (appraisals/emails.py): queued by the request, sent by the task worker. With
# EMAIL_HOST set, through that SMTP server (README, "Running in production"); without it, printed
# to the console (the demo), so nothing leaves a developer's machine.
_email_ssl = envbool("EMAIL_USE_SSL", "false")  # TLS from the start (port 465)
_email_starttls = envbool("EMAIL_USE_TLS", "false" if _email_ssl else "true")  # STARTTLS
if _email_ssl and _email_starttls:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": envint("EMAIL_PORT", "465" if _email_ssl else "587"),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _email_starttls,
                "use_ssl": _email_ssl,
                "timeout": envint("EMAIL_TIMEOUT", "30"),
            },
        }
        if os.environ.get("EMAIL_HOST")
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Options appraisal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in e-mails point (a task has no request to take the host from).
# By default the first of ALLOWED_HOSTS over HTTPS (plain HTTP on a developer's machine).
SITE_URL = os.environ.get(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")
# How long an invitation to join a council can be used (councils/actions.py), and how many
# invitations one council may send in any 24 hours.
INVITATION_DAYS = envint("INVITATION_DAYS", "7")
INVITATIONS_PER_DAY = envint("INVITATIONS_PER_DAY", "50")

# A strict Content-Security-Policy: no inline scripts, styles or event handlers anywhere.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    # HSTS covers this host's own subdomains (never its parent's); nothing of ours is served
    # over plain HTTP below it.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading is asked for by the owner of the whole registered domain (the council's
# .gov.uk), not by one application on a host under it: not ours to send (README).
SILENCED_SYSTEM_CHECKS = ["security.W021"]

DJANGO_TABLES2_TEMPLATE = "appraisals/table.html"
# Largest page a list will serve, whatever ?per_page asks for.
MAX_PAGE_SIZE = 100

# The scoring grid without JavaScript posts four fields a cell (score, reason, version, what
# was loaded): a 12 x 40 grid sends 1,922, past Django's default of 1,000. 10,000 holds 2,499
# cells and still bounds the parsing a request can ask for.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Logs go to stderr, one JSON object a line (LOG_FORMAT=json, the default when DEBUG is off)
# for the operator's log shipper, or as plain lines for a developer (LOG_FORMAT=text).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "councilopts.log_format.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        # Sign-ins, failures and lock-outs are logged once, by councilopts.sign_in.
        "axes": {"level": "ERROR"},
    },
}
