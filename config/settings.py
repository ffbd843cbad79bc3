"""Frontier Gap settings: one module, every value read from the environment (see .env.example).

With no environment at all this runs on the embedded default: a SQLite file in the project
folder, Celery tasks run eagerly in-process, and a local-memory cache.
"""

import json
from pathlib import Path

import dj_database_url

from config.env import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env("DJANGO_DEBUG", env("DEBUG", True, cast=bool), cast=bool)
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", env("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None))
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or SECRET_KEY) when DEBUG is false.")
ALLOWED_HOSTS = env(
    "DJANGO_ALLOWED_HOSTS",
    env("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"], cast=list),
    cast=list,
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "models_registry",  # before WhiteNoise's: its runserver (a larger listen backlog) wraps WhiteNoise's
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "django_countries",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "axes",
    "pricing",
    "benchmarks",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Login rate limit (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_HOURS. Token-authenticated API calls are unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT", 5, cast=int)
AXES_COOLOFF_TIME = env("AXES_COOLOFF_HOURS", 0.25, cast=float)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "dashboards.context_processors.data_freshness",
            ],
        },
    },
]

# DATABASE_URL absent: a SQLite file beside manage.py. Set: e.g. postgres://postgres@127.0.0.1:5432/frontier_gap
# (psycopg 3). https://github.com/jazzband/dj-database-url
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env("DB_CONN_MAX_AGE", 60, cast=int),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent writes (runserver answers each request in its own thread): WAL lets
    # readers go on beside the one writer; a transaction takes the write lock when it begins (IMMEDIATE) rather than
    # at its first write, when SQLite can only refuse it; and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for
    # its turn instead of failing with "database is locked". https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-notes
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env("SQLITE_BUSY_TIMEOUT", 20.0, cast=float),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # transitional until Django 6, where https is the default

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

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis: Celery broker, result backend and Django cache. Absent: eager tasks, local-memory cache.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    # django-redis, because it can treat a Redis outage as a cache miss: pages and the API keep
    # answering from the database while Redis is down, and use the cache again when it returns.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "fg"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1.0,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env("CELERY_TASK_TIME_LIMIT", 30 * 60, cast=int)
CELERY_TASK_SOFT_TIME_LIMIT = env("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60, cast=int)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis broker: a message taken but never acknowledged (acks_late, and the worker or Redis went away before the
# ack) is delivered again `visibility_timeout` seconds later. Keep that above CELERY_TASK_TIME_LIMIT, or a task
# still running is delivered a second time. A JSON object in the environment adds or overrides kombu's options.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60} | env(
    "CELERY_BROKER_TRANSPORT_OPTIONS", {}, cast=json.loads
)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Default beat entries: `manage.py setup_schedules` creates the missing ones in django-celery-beat's
# tables, where admins then edit them (a restart never overwrites an edit).
# name -> {"task": dotted path, "crontab": {"minute": ..., "hour": ...}, "kwargs": {...}, "expires": seconds}
DEFAULT_PERIODIC_TASKS: dict[str, dict] = {
    "price-refresh-all": {  # every 6 hours at :07, https://crontab.guru/#7_*/6_*_*_*
        "task": "pricing.tasks.price_refresh_all",
        "crontab": {"minute": "7", "hour": "*/6"},
        "expires": 6 * 60 * 60,
    },
    "score-refresh-all": {  # daily at 03:23 UTC, https://crontab.guru/#23_3_*_*_*
        "task": "benchmarks.tasks.score_refresh_all",
        "crontab": {"minute": "23", "hour": "3"},
        "expires": 24 * 60 * 60,
    },
    "epoch": {  # daily at 05:17 UTC, after Epoch's nightly export, https://crontab.guru/#17_5_*_*_*
        "task": "benchmarks.tasks.epoch_refresh",
        "crontab": {"minute": "17", "hour": "5"},
        "expires": 24 * 60 * 60,
    },
}

# Recompute the dashboards' default analytics on a worker after each data change (dashboards/warming.py), so
# visitors read them from the cache. On by default when there is a worker (REDIS_URL); eager mode would compute
# them inside the request that saved.
# A benchmark is stale for a pair of countries when either side's newest score used is more than this many days
# before as_of (DESIGN.md "Freshness"): summary rows say so and the overview greys it.
STALE_AFTER_DAYS = env("STALE_AFTER_DAYS", 180, cast=int)
ANALYTICS_CACHE_WARM = env("ANALYTICS_CACHE_WARM", bool(REDIS_URL), cast=bool)
DEFAULT_PERIODIC_TASKS["analytics-cache-warm"] = {  # daily at 00:01 UTC, when the default as_of (today) moves
    "task": "dashboards.tasks.warm_analytics_cache",
    "crontab": {"minute": "1", "hour": "0"},
    "expires": 60 * 60,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "models_registry.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    # JSON with a ceiling on nesting (a body 1,000 deep is a 400, not a RecursionError), forms for the browsable API.
    "DEFAULT_PARSER_CLASSES": [
        "models_registry.api.parsers.ApiJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's AutoSchema plus error bodies, `?format=csv` and throttling headers on every operation.
    "DEFAULT_SCHEMA_CLASS": "models_registry.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "models_registry.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "600/minute"),
        "user": env("API_THROTTLE_USER", "3000/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Frontier Gap API",
    "DESCRIPTION": (
        "US-vs-China AI capability gap and cost of equal capability, sourced and over time.\n\n"
        "Anyone may read. Writes need `Authorization: Token <key>` (`manage.py drf_create_token <user>`) and the "
        "matching model permission. Lists take their filters by plain name, `search`, `ordering`, `page` and "
        "`page_size` (1-500; anything else is a 400), and `format=csv` for every filtered row. Errors are JSON; "
        "a 400 lists messages per field or parameter, and nothing was written."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are never asked for in a request body.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags and operation ids start at the resource: labs_list
    "SWAGGER_UI_DIST": "SIDECAR",  # our own static files, not a CDN, so the CSP can stay 'self'
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # After the default enum hook (which writes the `oneOf[Enum, BlankEnum]` unions that ours then relaxes).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "models_registry.api.schema.undiscriminated_unions_as_any_of",
    ],
}

# Upstreams (see README): tests and mirrors point these elsewhere.
OPENROUTER_MODELS_URL = env("OPENROUTER_MODELS_URL", "https://openrouter.ai/api/v1/models")
LITELLM_PRICES_URL = env(
    "LITELLM_PRICES_URL",
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
)
# Score upstreams: a JSON list, each {"name", "url", "format": "csv"|"json", "mapping", "defaults", ...};
# the fields are documented in benchmarks/sources/configured.py and the README ("Refresh pipeline").
SCORE_SOURCES = env("SCORE_SOURCES", [], cast=json.loads)
# Epoch AI's Benchmarking Hub download (CC BY 4.0, daily): the `epoch` source (benchmarks/sources/epoch.py).
EPOCH_BENCHMARKS_URL = env("EPOCH_BENCHMARKS_URL", "https://epoch.ai/data/benchmark_data.zip")
# Epoch benchmark name (benchmark_metadata.csv) -> our Benchmark slug, or {"benchmark": slug, "metric": metric};
# benchmarks not named here are skipped. A JSON object in the environment replaces the whole map.
EPOCH_BENCHMARK_MAP = env(
    "EPOCH_BENCHMARK_MAP",
    {
        "GPQA diamond": "gpqa-diamond",
        # Our SWE-bench Verified scores (shipped and refreshed alike) are the `resolved` rate, not pass@1.
        "SWE-Bench verified": {"benchmark": "swe-bench-verified", "metric": "resolved"},
        "FrontierMath-2025-02-28-Private": "frontiermath",
        "OTIS Mock AIME 2024-2025": "otis-mock-aime",
        "SimpleQA Verified": "simpleqa-verified",
        "Terminal Bench": "terminal-bench-2",
    },
    cast=json.loads,
)
# Fetching: per-request timeout (s), attempts on timeouts / connection errors / 429 / 5xx, and the
# exponential backoff between them (base and cap, seconds, with jitter); a ceiling on an answer's size.
SOURCE_HTTP_TIMEOUT = env("SOURCE_HTTP_TIMEOUT", 30.0, cast=float)
SOURCE_HTTP_ATTEMPTS = env("SOURCE_HTTP_ATTEMPTS", 4, cast=int)
SOURCE_HTTP_BACKOFF_BASE = env("SOURCE_HTTP_BACKOFF_BASE", 2.0, cast=float)
SOURCE_HTTP_BACKOFF_MAX = env("SOURCE_HTTP_BACKOFF_MAX", 60.0, cast=float)
SOURCE_HTTP_MAX_BYTES = env("SOURCE_HTTP_MAX_BYTES", 64 * 1024 * 1024, cast=int)
# Celery-level retries of a refresh task after SourceUnavailable (minutes apart, on top of the HTTP retries).
SOURCE_TASK_MAX_RETRIES = env("SOURCE_TASK_MAX_RETRIES", 3, cast=int)
# Guards against bad upstream data: a price above this (USD per million tokens) is refused as absurd, and a
# price that moves by more than this factor in one step (either way) is held for review instead of applied.
PRICE_MAX_PER_MTOK = env("PRICE_MAX_PER_MTOK", 10_000.0, cast=float)
PRICE_MAX_STEP_FACTOR = env("PRICE_MAX_STEP_FACTOR", 10.0, cast=float)

# Security headers (always on) and production hardening (when DEBUG is false); `check --deploy` is clean.
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", True, cast=bool)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # set by the TLS-terminating proxy
    SECURE_HSTS_SECONDS = env("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, cast=int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Secure-only cookies where the site is https; plain http (DJANGO_SECURE_SSL_REDIRECT=false, compose on
    # localhost) would otherwise lose its admin login on browsers that refuse them over http.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env("DJANGO_SECURE_COOKIES", SECURE_SSL_REDIRECT, cast=bool)

# Content Security Policy (django-csp): scripts only from our own static files; no inline script.
# Inline styles stay allowed for Django admin and Swagger UI markup.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # One line per HTTP request is noise at INFO (upstream refreshes, probes, benchmarks).
    "loggers": {name: {"level": "WARNING"} for name in ("httpx", "httpcore")},
}

# Live endpoint probes (benchmarks/probes/). Keys come from each Provider's api_key_env variable, never from here.
# Base URLs must be https and resolve to public addresses, except hosts listed here (comma-separated), which
# may use http and private addresses: e.g. PROBE_ALLOWED_HOSTS=127.0.0.1,vllm.internal
PROBE_ALLOWED_HOSTS = env("PROBE_ALLOWED_HOSTS", [], cast=list)
PROBE_CONNECT_TIMEOUT = env("PROBE_CONNECT_TIMEOUT", 5.0, cast=float)  # seconds, DNS + TCP connect
PROBE_READ_TIMEOUT = env("PROBE_READ_TIMEOUT", 30.0, cast=float)  # seconds of silence allowed between bytes
PROBE_TOTAL_TIMEOUT = env("PROBE_TOTAL_TIMEOUT", 60.0, cast=float)  # seconds for a whole probe, stream included
PROBE_MAX_BYTES = env("PROBE_MAX_BYTES", 1024 * 1024, cast=int)  # a stream longer than this is cut off (malformed)
PROBE_MAX_TOKENS = env("PROBE_MAX_TOKENS", 64, cast=int)  # max_tokens asked of the model
PROBE_ANTHROPIC_VERSION = env("PROBE_ANTHROPIC_VERSION", "2023-06-01")  # https://docs.anthropic.com/en/api/versioning
PROBE_CONCURRENCY_PER_PROVIDER = env("PROBE_CONCURRENCY_PER_PROVIDER", 8, cast=int)
PROBE_MAX_CONCURRENCY = env("PROBE_MAX_CONCURRENCY", 64, cast=int)  # probes in flight per round, all providers
PROBE_BACKOFF_MAX_SECONDS = env("PROBE_BACKOFF_MAX_SECONDS", 6 * 60 * 60, cast=int)  # cap on a 429's Retry-After
PROBE_RETENTION_DAYS = env("PROBE_RETENTION_DAYS", 90, cast=int)  # raw results older than this are deleted daily
PROBE_SUMMARY_CACHE_SECONDS = env("PROBE_SUMMARY_CACHE_SECONDS", 60, cast=int)  # /api/v1/probes/summary/
DEFAULT_PERIODIC_TASKS |= {
    "probe-run-enabled": {  # every 30 minutes, https://crontab.guru/#*/30_*_*_*_*
        "task": "benchmarks.probes.tasks.probe_run_enabled",
        "crontab": {"minute": "*/30"},
        "expires": 30 * 60,
    },
    "probe-results-prune": {  # daily at 04:41 UTC, https://crontab.guru/#41_4_*_*_*
        "task": "benchmarks.probes.tasks.probe_results_prune",
        "crontab": {"minute": "41", "hour": "4"},
        "expires": 24 * 60 * 60,
    },
}
