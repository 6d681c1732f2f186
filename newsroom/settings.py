"""Settings for the newsroom fact-check desk.

Everything that differs between a laptop and production comes from environment
variables (the contract is in the README). Importing this module reads them and
nothing else: it starts no process and writes no file. With DATABASE_URL or
DJANGO_SECRET_KEY unset, the local defaults (the embedded PostgreSQL, a generated
key) come from newsroom.bootstrap.prepare(), which every entry point calls first; in
production (DJANGO_DEBUG off and an https SITE_URL) both are required.
"""

import os
from urllib.parse import urlsplit

import dj_database_url

from newsroom import bootstrap
from newsroom.environment import (
    BASE_DIR,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_time_zone,
    refuse_incomplete_production,
    site_url,
    state_dir,
)

refuse_incomplete_production()

DEBUG = env_bool("DJANGO_DEBUG", False)
SITE_URL = site_url()
_site_is_https = urlsplit(SITE_URL).scheme == "https"
# What the processes write (beat's schedule, the local broker and cache folders,
# locally the embedded database): .data/ in the checkout unless STATE_DIR says.
STATE_DIR = state_dir()

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or os.environ.get(
    bootstrap.LOCAL_SECRET_KEY, ""
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = [SITE_URL] if _site_is_https else []

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Only for the templates of sitemap.xml.
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "axes",
    "csp",
    "factcheck",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.reject_hostile_input",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "csp.context_processors.nonce",
                "factcheck.public.context.page",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL that bootstrap.prepare()
# started. Without either (the settings imported on their own) there is no database.
DATABASE_URL = os.environ.get("DATABASE_URL") or os.environ.get(
    bootstrap.EMBEDDED_DATABASE_URL, ""
)
DATABASES = (
    {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASE_URL
    else {}
)
# A PostgreSQL restart must cost no failed request: stale persistent connections are
# checked before reuse.
for _database in DATABASES.values():
    _database["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# "default" holds what every process must agree on: the public pages' generation
# (a purge), throttle counts, the submit form's quota. "pages" holds the rendered
# public pages, keyed by that generation, so a purge in any process (the web
# server's or the Celery worker's, which publishes scheduled fact-checks) makes
# every process's copies unreachable.
if REDIS_URL:
    _redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }
    CACHES = {"default": _redis, "pages": {**_redis, "KEY_PREFIX": "pages"}}
else:
    # A folder under STATE_DIR shared by the processes of one machine, and each
    # process's own memory for the pages: reading a page must not cost a file.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedFileCache",
            "LOCATION": str(STATE_DIR / "cache"),
            # Past this many files it deletes a third at random, the generation
            # among them (a spurious purge); it holds few keys, so keep it rare.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        },
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_validators = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_validators}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_validators}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_validators}.CommonPasswordValidator"},
    {"NAME": f"{_validators}.NumericPasswordValidator"},
]

# Brute force: 5 failures for one username from one address lock that pair for
# 15 minutes; a success resets the count. Another address is not locked out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Trusted proxies in front of the app that append to X-Forwarded-For, and the
# addresses (or networks) the nearest one connects from: the header is ignored on a
# request from any other peer (newsroom/client_ip.py).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
PROXY_ADDRESSES = env_list("PROXY_ADDRESSES", "127.0.0.1,::1")
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

LANGUAGE_CODE = "en"
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as Arabic newspapers write them ("30 نوفمبر 2026"): Django's Arabic format
# puts a comma before the year, which doubled the comma in "تصحيح، 30 نوفمبر، 2026".
FORMAT_MODULE_PATH = ["newsroom.formats"]
# The newsroom's time zone: scheduled publication is entered and shown in it, and
# the admin shows times in it. Stored times are UTC whatever it is.
TIME_ZONE = env_time_zone("NEWSROOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production (an https SITE_URL) serves the collected, content-hashed files from
# STATIC_ROOT (`manage.py collectstatic`); local runs and tests serve them straight
# from the apps, so nothing has to be collected first.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or (
    str(BASE_DIR / "staticfiles") if _site_is_https else None
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _site_is_https
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not _site_is_https

# Security: safe by default, strict when SITE_URL is https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _site_is_https
SESSION_COOKIE_SECURE = _site_is_https
CSRF_COOKIE_SECURE = _site_is_https
SECURE_HSTS_SECONDS = 31_536_000 if _site_is_https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _site_is_https
SECURE_HSTS_PRELOAD = _site_is_https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Django's admin sets a few inline style attributes; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Newsroom Fact-Check Desk")

# The desk's e-mail (notifications to colleagues): EMAIL_URL, read by
# newsroom.environment.email_settings; printed to the console when unset.
_email = email_settings(os.environ.get("EMAIL_URL", ""))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "desk@localhost")
EMAIL_TIMEOUT = 10
DEMO_ACCOUNTS_FILE = STATE_DIR / "demo-accounts.json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# Celery. Tasks re-run rather than vanish: acknowledged only when done, and
# requeued when the process running them dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# The longest wait between two retries of a task (exponential back-off, capped).
TASK_RETRY_BACKOFF_MAX = 600
# A dead broker must never hang a web request: publishing a task to a broker that
# refuses connections gives up in about half a second, to one that never answers
# in about two (tests/test_worker_reliability.py measures both).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A worker started before its broker waits for it instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
REDIS_BROKER_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # Redis redelivers an unacknowledged task after this long. It must outlast the
    # longest task plus its longest retry wait, or a slow task runs twice.
    "visibility_timeout": 30 * 60,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The periodic jobs (celery beat). Each expires rather than piling up behind a
# stopped worker: the next beat sends a fresh one.
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled": {
        "task": "factcheck.tasks.publish_scheduled",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    "sweep": {
        "task": "factcheck.tasks.sweep",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Stores the pages a reference edit dropped (factcheck/pages.py).
    "render-pages": {
        "task": "factcheck.tasks.render_pages",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "check-links": {
        "task": "factcheck.tasks.check_links",
        "schedule": 60.0 * 60,
        "options": {"expires": 60 * 60},
    },
    # The outlets' feeds whose interval has passed (factcheck/services/feeds.py).
    "poll-feeds": {
        "task": "factcheck.tasks.poll_feeds",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Each language's check-worthiness model retrained from the day's decisions.
    "train-checkworthiness": {
        "task": "factcheck.tasks.train_checkworthiness",
        "schedule": 24 * 60.0 * 60,
        "options": {"expires": 60 * 60},
    },
    # Proves the worker runs what the clock sends (the admin's Clock page).
    "heartbeat": {
        "task": "factcheck.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
}
# Beat keeps its schedule under STATE_DIR (creating the folder) and records every
# send in the database, where the admin shows whether the clock is alive.
CELERY_BEAT_SCHEDULER = "newsroom.beat:RecordingScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(STATE_DIR / "celerybeat-schedule")
# With no CELERY_BROKER_URL the broker is kombu's filesystem transport under
# STATE_DIR/queue (bootstrap.prepare() creates its folders), which needs no server;
# production sets a Redis URL.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
if not CELERY_BROKER_URL:
    _queue_dir = STATE_DIR / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        # Where the worker's control messages go; kombu's default is ./control.
        "control_folder": str(_queue_dir / "control"),
    }

# The API (Django REST Framework). Default deny: every view needs a newsroom role
# unless it opts in to public reading.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "factcheck.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["factcheck.api.permissions.NewsroomRole"],
    "DEFAULT_THROTTLE_CLASSES": [
        "factcheck.api.throttling.AnonymousRate",
        "factcheck.api.throttling.KeyRate",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/min"),
        "user": os.environ.get("API_USER_RATE", "600/min"),
        # Public "has this been checked?", per client address.
        "match": os.environ.get("API_MATCH_RATE", "30/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "factcheck.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "factcheck.api.errors.handle",
    # JSON in, JSON out: one request format keeps the contract exact.
    "DEFAULT_PARSER_CLASSES": ["factcheck.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": (
        "Public, anonymous reads of published fact-checks, ratings and claimants, "
        "and a ClaimReview DataFeed; authenticated newsroom endpoints for claims, "
        "sources, drafts, corrections and workflow transitions."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The contract is public, like the endpoints it describes.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the CSP would block it, and each reader
    # of the docs would send that site the schema's address.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "factcheck.models.SourceKind",
        "CorrectionKindEnum": "factcheck.models.CorrectionKind",
    },
}
# CORS for the public reads only, and never with credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/v1/(factchecks|ratings|claimants|claimreview)(/.*)?$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
