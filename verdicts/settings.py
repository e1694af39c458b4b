"""Settings for every environment, read from environment variables.

Defaults suit a developer machine with PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379. ``DJANGO_DEBUG=0`` is production: it needs DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and SITE_URL, and stops at start-up without them.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from core.env import env_bool, env_float, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
# pytest sets PYTEST_VERSION; the suite then defaults to its own Redis database, which it
# flushes, so that a test run never touches a developer's cache or Celery queue.
TESTING = "PYTEST_VERSION" in os.environ

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-not-secret-verdicts")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_required("DJANGO_ALLOWED_HOSTS").split(",")
    SITE_URL = env_required("SITE_URL")
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.usersessions",  # which sessions are whose: a deleted member's all end
    "pgtrigger",
    "pghistory",  # the dated history of verdicts, kept by PostgreSQL triggers
    # The project's apps, each importing only those listed before it (.importlinter).
    "core",
    "accounts",
    "tools",
    "reviews",
    "comparisons",
    "newsletter",
    "watchlists",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.shed_late_requests",  # before any work: see REQUEST_QUEUE_LIMIT
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, already compressed
    # A signed-out reader's repeated page, from this worker's memory as it was first sent.
    "core.pagecache.answer_kept_pages",
    # Pages gzipped (about a quarter of their size); Django pads each one against BREACH
    # (a page the front door sends again is the same padded bytes: shared pages hold no secret).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # CSRF from the browser's Fetch metadata (Sec-Fetch-Site, Origin as the fallback), as
    # Go's net/http CrossOriginProtection: no token in pages, no cookie (SECURITY.md, CSRF).
    "modern_csrf.middleware.ModernCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.errors.explain_refused_methods",
    "allauth.account.middleware.AccountMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Before any view reads the query or the form (core/middleware.py).
    "core.middleware.refuse_unreadable_requests",
    "core.middleware.refuse_nul_characters",
]
# A body that stops coming is refused after this many seconds without a byte, well before
# gunicorn's worker timeout (30 s) would kill the worker and answer 500.
REQUEST_BODY_TIMEOUT = env_float("REQUEST_BODY_TIMEOUT", 10)

# A request that waited longer than this for a worker (nginx's X-Request-Start) is answered
# 503 with Retry-After at once, so that load past what the workers can take is shed quickly
# instead of piling up; 0 serves everything, however late.
REQUEST_QUEUE_LIMIT = env_float("REQUEST_QUEUE_LIMIT", 0.2)

ROOT_URLCONF = "verdicts.urls"
WSGI_APPLICATION = "verdicts.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "core.context_processors.site",
            ],
            "builtins": [
                "core.templatetags.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/verdicts"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Sessions live in PostgreSQL and are read through the cache: a member's request does not
# query the database for its session, and nobody is signed out if Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

REDIS_URL = env_str("REDIS_URL", f"redis://127.0.0.1:6379/{15 if TESTING else 0}")
# The cache (pages, sessions, rate-limit counters) may have a Redis of its own, bounded with
# maxmemory and an evicting policy, so that no flood of cached pages can reach the broker's
# queue, whose Redis must never evict (docker-compose.yml, SECURITY.md).
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL", REDIS_URL)
CACHES = {
    "default": {
        # Redis, but a Redis that is down makes the site slower, never broken: failures are
        # misses, and after one Redis is left alone for a moment (core/cache.py).
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "verdicts"),
        "OPTIONS": {
            "CLIENT_CLASS": "core.cache.ResilientClient",
            "REDIS_CLIENT_CLASS": "core.cache.ResilientRedis",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Each process mirrors the cache's small, often-read keys in its own memory, kept exact by
# Redis's invalidation messages (core/nearcache.py): the versions pages are kept at
# (core/pagecache.py), a member's row (accounts/identity.py), own state (core/ownparts.py)
# and session. At most this many bytes a process; 0: off, every read asks Redis.
NEAR_CACHE_BYTES = env_int("NEAR_CACHE_BYTES", 16 * 1024 * 1024)
NEAR_CACHE_PREFIXES = ["version:", "member-row:", "own:", "django.contrib.sessions.cached_db"]
DJANGO_REDIS_LOGGER = "core.cache"  # whose filter keeps an outage to a line every 5 s

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
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

# Content Security Policy: scripts and styles only from this site, never inline. No nonce:
# the header and the pages are the same for every reader, so caches can keep them whole.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Outgoing mail goes over SMTP; with DEBUG on and no EMAIL_HOST it is printed to the console.
# (EMAIL_HOST and EMAIL_PORT are read from the environment but not kept as settings:
# Django 6.1 refuses its deprecated EMAIL_* settings beside MAILERS.)
_email_host = env_str("EMAIL_HOST", "")
_email_port = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Verdicts <verdicts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds the SMTP client waits on the server at each step; the newsletter's lease and
# sender silence are set from it (below, and SECURITY.md).
SMTP_TIMEOUT = 10
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": _email_port,
                "timeout": SMTP_TIMEOUT,
            },
        }
        if _email_host or not DEBUG
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker or beat that loses Redis tries again every second (verdicts/celery.py) for as
# long as it is gone: Celery's default gives up after 100 tries, and the worker exits.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker goes keeps running (Celery 6 will cancel it by default):
# a sender needs PostgreSQL and SMTP, not Redis, and stopping it would stall the edition.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# kombu waits forever on a broker that accepts connections and never answers: a hung Redis
# would hold every request that queues a task. Bound each wait (above the workers' 1 s
# BRPOP) and retry a publish twice at most, so such a request gives up within seconds.
# visibility_timeout is set below, from the tasks' longest countdown and run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 3, "socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE: dict = {}

PAGE_SIZE = 12

# Anonymous pages are cached whole and invalidated by version (core/pagecache.py); this
# is only the backstop for what no save announces, such as a publication date arriving.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# A member's own votes, bookmarks and follows, remembered between their requests (core/ownparts.py).
OWN_STATE_SECONDS = env_int("OWN_STATE_SECONDS", 3600)
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)  # off: every page rendered (benchmarks)
# What each web worker keeps in its own memory of the pages it served last, in bytes
# (core/pagecache.py): a hit then reads the versions from Redis, not the page. Half holds
# shells, half the front door's whole pages for signed-out readers. 0: none.
PAGE_MEMORY_BYTES = env_int("PAGE_MEMORY_BYTES", 32 * 1024 * 1024)

# The HTTP cache in front (Varnish, deploy/varnish.vcl; or a CDN, README) keeps the pages
# anonymous readers share up to this long, purged by surrogate key (the header named here)
# whenever what they show changes: services send PURGE to each of these addresses on commit,
# waiting at most the timeout on each (core/httpcache.py). No address: nothing is purged.
HTTP_CACHE_SECONDS = env_int("HTTP_CACHE_SECONDS", PAGE_CACHE_SECONDS)
HTTP_CACHE_KEY_HEADER = env_str("HTTP_CACHE_KEY_HEADER", "xkey")
HTTP_CACHE_PURGE_URLS = env_list("HTTP_CACHE_PURGE_URLS", [])
HTTP_CACHE_PURGE_TIMEOUT = env_float("HTTP_CACHE_PURGE_TIMEOUT", 0.5)

# Share images (og:image, core/shareimage.py): DejaVu from Debian's fonts-dejavu-core, and
# how long link-preview fetchers and proxies may keep one before asking again (they send
# its ETag, and get a 304 while nothing on it changed).
SHARE_IMAGE_FONT_DIR = env_str("SHARE_IMAGE_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
SHARE_IMAGE_MAX_AGE = env_int("SHARE_IMAGE_MAX_AGE", 3600)

# Rate limits live in the cache; while Redis is down they let requests through rather
# than lock everyone out (documented in SECURITY.md).
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django gives its loggers a console handler of their own; the root one prints them.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
    SESSION_COOKIE_SECURE = True
    # The origin the site is served at, for a browser that sends Origin but not
    # Sec-Fetch-Site behind a proxy whose scheme Django would otherwise not see.
    CSRF_TRUSTED_ORIGINS = [SITE_URL]

# --- Discovery ---
# A community percentage counts in rankings only from this many votes.
RANKING_MIN_VOTES = env_int("RANKING_MIN_VOTES", 10)

# --- Accounts and community ---
# Members sign in with django-allauth: email and password, the address confirmed before the
# first sign-in. allauth's backend is the only one, so every password check (the admin's
# too, see verdicts/urls.py) goes through its rate limits.
# allauth's backend, reading the signed-in member from the cache (accounts/identity.py).
# allauth's own stays second for the sessions signed in before it (a session names the
# backend that signed it in, and is signed out if that one is gone); a sign-in from now on
# is the first one's.
AUTHENTICATION_BACKENDS = [
    "accounts.identity.RememberingBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "comparisons:home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {  # allauth's forms with the site's labels
    name: f"accounts.forms.{form}"
    for name, form in [
        ("login", "LoginForm"),
        ("signup", "SignupForm"),
        ("add_email", "AddEmailForm"),
        ("change_password", "ChangePasswordForm"),
        ("set_password", "SetPasswordForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("reauthenticate", "ReauthenticateForm"),
    ]
}
# allauth's own generator writes a row while it checks a link (accounts/tokens.py).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "accounts.tokens.PasswordResetTokens"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True  # one address per member, as User.email has it; changing it re-confirms
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell members when their password or address changes
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "comparisons:home"
ACCOUNT_SESSION_REMEMBER = None  # the sign-in form asks
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Verdicts: "
# allauth's emails link to SITE_URL (accounts/adapter.py); anything else it makes absolute
# takes SITE_URL's scheme too, so a plain-http deployment gets links it can serve.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme
# Sign-up, sign-in and password reset answer alike for registered and unknown addresses;
# the adapter evens out the work behind them so response times agree too.
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits on top of allauth's defaults ("amount/period/per"); a limited request gets 429.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # key: the address typed in, from one client network
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy, set how many proxies to trust so limits apply per client address;
# the vote and bookmark limits read the client address the same way.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "accounts.adapter.client_ip"

# Votes and bookmarks: a flood from one member (or one address, signed out) is answered 429.
VOTE_RATE_LIMIT = env_str("VOTE_RATE_LIMIT", "30/m")
BOOKMARK_RATE_LIMIT = env_str("BOOKMARK_RATE_LIMIT", "60/m")
RATELIMIT_VIEW = "core.errors.rate_limited"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Django's token machinery still runs where a view is wrapped in its csrf_protect or
# requires_csrf_token (the admin's views, Django's error pages). Its check is skipped, since
# ModernCsrfViewMiddleware already decided (csrf_processing_done); it writes a csrftoken
# cookie only for a token something asked for, and nothing does: the csrf_token tag writes
# nothing (core/templatetags/site.py), and signing in (which rotates the token) happens in
# allauth's views, which it does not wrap (the admin's sign-in sends people there).
# security.W003 asks for django.middleware.csrf.CsrfViewMiddleware; its place is taken by
# ModernCsrfViewMiddleware, which tests/core/test_csrf.py holds to refusing forged posts.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# The community counts kept on tool rows are exact by construction; the nightly recount
# repairs any drift from writes that bypassed the services (a raw SQL fix, a restore).
# A pick moves with its tools' counts; its history is recorded by a sweep this often.
PICK_RECORD_INTERVAL = env_int("PICK_RECORD_INTERVAL", 60)
CELERY_BEAT_SCHEDULE["record-picks"] = {
    "task": "comparisons.tasks.record_picks",
    "schedule": PICK_RECORD_INTERVAL,
}
CELERY_BEAT_SCHEDULE["record-verdict-days"] = {
    "task": "tools.tasks.record_verdict_days",
    "schedule": crontab(minute=55),
}
CELERY_BEAT_SCHEDULE["recount-verdicts"] = {
    "task": "reviews.tasks.recount_verdicts",
    "schedule": crontab(hour=3, minute=17),
}

# --- Newsletter ---
# Lines of "What moved this week" an edition lists; a last line links to the rest.
NEWSLETTER_MOVED_LINES = env_int("NEWSLETTER_MOVED_LINES", 15)
# The weekly edition is composed by Celery beat on NEWSLETTER_WEEKDAY at NEWSLETTER_HOUR:00
# UTC (Celery's clock is UTC), then sent in chunks by any number of workers. The sending
# knobs are environment variables too so that tests can run a real worker fast.
NEWSLETTER_WEEKDAY = env_str("NEWSLETTER_WEEKDAY", "mon")
NEWSLETTER_HOUR = env_int("NEWSLETTER_HOUR", 8)
NEWSLETTER_FIRST_EDITION_DAYS = 7  # the first edition covers this many days back
NEWSLETTER_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # seconds a confirmation link stays good
NEWSLETTER_CONFIRM_INTERVAL = 60 * 60  # at most one confirmation email per address per hour
NEWSLETTER_SUBSCRIBE_RATE = env_str("NEWSLETTER_SUBSCRIBE_RATE", "20/h")  # per IP address
# (The address is read as for every rate limit: see TRUSTED_PROXY_COUNT above.)
NEWSLETTER_CHUNK_SIZE = env_int("NEWSLETTER_CHUNK_SIZE", 50)  # messages per SMTP connection
NEWSLETTER_SENDERS = env_int("NEWSLETTER_SENDERS", 2)  # send_edition tasks started at once
# The timeouts below, and why each is what it is, are in SECURITY.md ("The timeouts").
# A sender holds the rows it claims for the lease, renewed when less than a message's bound
# is left of it: longer than a message can take (the SMTP timeout, 10 s, bounds each of
# its 4 replies and the write), so no row is taken over while its sender lives; a dead
# sender's rows wait this long.
NEWSLETTER_CLAIM_LEASE = env_float("NEWSLETTER_CLAIM_LEASE", 60)  # seconds
# A sending edition none of whose senders has leased a row or sent a message for this long
# is taken to have none alive, and beat's sweep starts some. A live sender shows a sign at
# least every SMTP timeout (10 s) or reconnect wait (5 s).
NEWSLETTER_SENDER_SILENCE = env_float("NEWSLETTER_SENDER_SILENCE", 15)
NEWSLETTER_SWEEP_INTERVAL = env_float("NEWSLETTER_SWEEP_INTERVAL", 5)  # seconds between sweeps
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 5)
# After a refusal (4xx) a row waits this, doubling per try; a confirmation's retries too.
NEWSLETTER_RETRY_BACKOFF = env_float("NEWSLETTER_RETRY_BACKOFF", 30)
NEWSLETTER_RETRY_BACKOFF_MAX = env_float("NEWSLETTER_RETRY_BACKOFF_MAX", 900)
# When the SMTP server or the database fails, a sender tries again at once, then after
# this, doubling while it keeps failing with nothing sent, and from scratch after a send.
NEWSLETTER_RECONNECT_BACKOFF = env_float("NEWSLETTER_RECONNECT_BACKOFF", 1)
NEWSLETTER_RECONNECT_BACKOFF_MAX = env_float("NEWSLETTER_RECONNECT_BACKOFF_MAX", 5)
NEWSLETTER_TASK_BUDGET = env_float("NEWSLETTER_TASK_BUDGET", 240)  # then hand over

CELERY_BEAT_SCHEDULE["newsletter-weekly-edition"] = {
    "task": "newsletter.tasks.compose_weekly_edition",
    "schedule": crontab(minute=0, hour=NEWSLETTER_HOUR, day_of_week=NEWSLETTER_WEEKDAY),
}
CELERY_BEAT_SCHEDULE["newsletter-resume-stalled"] = {
    "task": "newsletter.tasks.resume_stalled_editions",
    "schedule": NEWSLETTER_SWEEP_INTERVAL,
    # Sweeps queued while no worker ran are dropped, not run in a burst that would each
    # start senders before the first ones could show a sign of life.
    "options": {"expires": NEWSLETTER_SWEEP_INTERVAL},
}

# Redis gives a task its worker has not acknowledged to another worker after this long.
# Tasks acknowledge when they end (acks late), and a worker holds a task queued with a
# countdown, unacknowledged, from when it takes it until it runs: so this must outlast the
# longest countdown (a refusal's backoff) plus the longest run (the time limit), or a live
# task would run twice. A killed worker's tasks come back after it; editions do not wait
# for that (beat's sweep starts new senders).
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = (
    NEWSLETTER_RETRY_BACKOFF_MAX + CELERY_TASK_TIME_LIMIT + 5 * 60
)

# --- Watchlists ---
# Alerts are collected from the history every ALERT_COLLECT_INTERVAL seconds; a follower
# gets at most one "at once" email per ALERT_AT_ONCE_GAP seconds (later alerts wait for the
# next), and the digests go out at ALERT_DIGEST_HOUR:00 UTC, the weekly one on
# ALERT_DIGEST_WEEKDAY. Sending shares the newsletter's knobs (chunk, lease, retries).
ALERT_COLLECT_INTERVAL = env_float("ALERT_COLLECT_INTERVAL", 30)
ALERT_AT_ONCE_GAP = env_float("ALERT_AT_ONCE_GAP", 600)
ALERT_DIGEST_HOUR = env_int("ALERT_DIGEST_HOUR", 7)
ALERT_DIGEST_WEEKDAY = env_str("ALERT_DIGEST_WEEKDAY", "mon")
CELERY_BEAT_SCHEDULE["watchlists-collect"] = {
    "task": "watchlists.tasks.collect_alerts",
    "schedule": ALERT_COLLECT_INTERVAL,
}
CELERY_BEAT_SCHEDULE["watchlists-daily-digest"] = {
    "task": "watchlists.tasks.send_digests",
    "schedule": crontab(minute=0, hour=ALERT_DIGEST_HOUR),
    "args": ("daily",),
}
CELERY_BEAT_SCHEDULE["watchlists-weekly-digest"] = {
    "task": "watchlists.tasks.send_digests",
    "schedule": crontab(minute=30, hour=ALERT_DIGEST_HOUR, day_of_week=ALERT_DIGEST_WEEKDAY),
    "args": ("weekly",),
}
