"""Settings for songrec, read from the environment (and an optional `.env` file)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DATA_DIR = Path(env.str("SONGREC_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me")
# Off unless set: the debug pages show settings and tracebacks to anyone.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # Django's admin on a site whose log-in goes through the log-in locks (songrec_site/admin.py).
    "songrec_site.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's templates and static files: the API docs page's Swagger UI, served from
    # the site (no CDN), within the Content-Security-Policy (songrec_site/api.py).
    "ninja",
    "catalog",
    "recommendations",
    "accounts",
    "playlists",
]

MIDDLEWARE = [
    # /healthz, answered before host checks and sessions (songrec_site/health.py).
    "songrec_site.health.HealthCheckMiddleware",
    # Outermost, so that every answer gets them, cached pages and errors included.
    "songrec_site.csp.ContentSecurityPolicyMiddleware",
    "songrec_site.api_errors.JsonApiErrorsMiddleware",
    # REMOTE_ADDR becomes the validated client address (X-Forwarded-For from trusted proxies
    # only; 400 if invalid), before anything that reads it (songrec_site/client_address.py).
    "songrec_site.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A 400 for NUL in the path or query string, before static files, the cache and the views.
    "songrec_site.input_guard.RejectUnstorableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' pages from the cache, before sessions and the view (page_cache.py).
    "songrec_site.page_cache.AnonymousPageCacheMiddleware",
    # Searches per client address (rate_limit.py): after the page cache, whose hits are not counted.
    "songrec_site.rate_limit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "songrec_site.urls"

# Scripts, styles and images from the site only; no inline script or style (songrec_site/csp.py).
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
WSGI_APPLICATION = "songrec_site.wsgi.application"

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
                "accounts.context_processors.accounts",
                "playlists.context_processors.playlists",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'songrec.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that asks the server only when the connection's
    # socket shows it has something to say (songrec_site/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "songrec_site.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: pages for anonymous visitors and the active build's id. CACHE_URL: locmemcache://
# (each process its own; the default) or redis://host:6379/1 (shared by every process).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://songrec?max_entries=10000")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, without a new client object for every operation (songrec_site/cache.py).
    CACHES["default"]["BACKEND"] = "songrec_site.cache.RedisCache"
# How long a page rendered for anonymous visitors is served from the cache (0: not cached). What
# those pages show changes only with the active build, whose id keys them, and with the code, whose
# deploys empty the cache (deploy/update.sh): so a day, and the cache's size decides what stays.
SONGREC_PAGE_CACHE_SECONDS = env.int("SONGREC_PAGE_CACHE_SECONDS", default=86400)
# In front of a shared cache (Redis), each web process also keeps copies of up to this many pages
# it served, for a minute each (least recently used dropped first; 0: none): hits on popular
# pages then skip the round trip (songrec_site/page_cache.py).
SONGREC_PAGE_CACHE_LOCAL_PAGES = env.int("SONGREC_PAGE_CACHE_LOCAL_PAGES", default=1000)
if SONGREC_PAGE_CACHE_LOCAL_PAGES:
    CACHES["local_pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "songrec-local-pages",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": SONGREC_PAGE_CACHE_LOCAL_PAGES},
    }

# Each search statement may run this long before PostgreSQL cancels it and the search answers
# "too broad, add a word" (catalog/budget.py; 0: no limit). It bounds what one request can cost;
# real searches take a small fraction of it.
SONGREC_SEARCH_TIME_BUDGET_MS = env.int("SONGREC_SEARCH_TIME_BUDGET_MS", default=500)
# Requests per client address to each view below that reach it (page-cache hits are free), as
# N/s, N/m or N/h; past it, 429 with Retry-After until the window ends ("": no limit). Search
# pages: a person reads each one. Autocomplete: one request per pause in typing (150 ms at least,
# static/js/autocomplete.js), so a fast typist needs more. Counted in the cache (songrec_site/
# rate_limit.py): per process on locmem, shared by every process on Redis.
SONGREC_RATE_LIMIT_SEARCH = env.str("SONGREC_RATE_LIMIT_SEARCH", default="30/m")
SONGREC_RATE_LIMIT_AUTOCOMPLETE = env.str("SONGREC_RATE_LIMIT_AUTOCOMPLETE", default="120/m")
# Keyed by URL name: the API's operations are "api:<url_name>" (songrec_site/api.py).
SONGREC_RATE_LIMITS = {
    "catalog:search": SONGREC_RATE_LIMIT_SEARCH,
    "api:search": SONGREC_RATE_LIMIT_SEARCH,
    "api:autocomplete": SONGREC_RATE_LIMIT_AUTOCOMPLETE,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:for_you"
LOGOUT_REDIRECT_URL = "catalog:home"

# Failed log-ins, counted in the database per account name and per client address: past either
# limit within the window, log-ins for that account or from that address are refused until the
# window has moved past the failures. An attempt is counted before its password is checked (a
# success then clears the account's count), so simultaneous guesses cannot pass the limit.
SONGREC_LOGIN_FAILURES_PER_ACCOUNT = env.int("SONGREC_LOGIN_FAILURES_PER_ACCOUNT", default=5)
SONGREC_LOGIN_FAILURES_PER_ADDRESS = env.int("SONGREC_LOGIN_FAILURES_PER_ADDRESS", default=20)
SONGREC_LOGIN_LOCKOUT_MINUTES = env.int("SONGREC_LOGIN_LOCKOUT_MINUTES", default=15)
# Reverse proxies in front of the site, each appending the address it got the request from to
# X-Forwarded-For: the client's address is that many entries from the end (0: REMOTE_ADDR).
SONGREC_PROXY_COUNT = env.int("SONGREC_PROXY_COUNT", default=0)
# The networks the nearest of those proxies connects from (comma-separated networks, addresses,
# or "private" for every address not routed on the internet): X-Forwarded-For is ignored on a
# request from anywhere else, so a client that reaches the server directly cannot choose its
# address.
SONGREC_TRUSTED_PROXIES = env.list("SONGREC_TRUSTED_PROXIES", default=["127.0.0.0/8", "::1"])
# Password-reset requests, counted in the database per client address and per e-mail address
# typed: past either limit within the window, requests are refused (429) and no mail goes out.
SONGREC_PASSWORD_RESETS_PER_ADDRESS = env.int("SONGREC_PASSWORD_RESETS_PER_ADDRESS", default=10)
SONGREC_PASSWORD_RESETS_PER_EMAIL = env.int("SONGREC_PASSWORD_RESETS_PER_EMAIL", default=3)
# Sign-up attempts (every form sent, taken names included) per client address within the window.
SONGREC_SIGN_UPS_PER_ADDRESS = env.int("SONGREC_SIGN_UPS_PER_ADDRESS", default=10)
# The window in which password resets and sign-ups are counted.
SONGREC_THROTTLE_WINDOW_MINUTES = env.int("SONGREC_THROTTLE_WINDOW_MINUTES", default=60)
# Searches and song views kept per user: recording one more deletes the oldest beyond this.
SONGREC_HISTORY_KEPT = env.int("SONGREC_HISTORY_KEPT", default=1000)

# Password reset and sign-up e-mail. EMAIL_URL: consolemail:// (printed; the default; refused by
# the production settings unless SONGREC_ALLOW_CONSOLE_EMAIL=true),
# smtp+tls://user:password@host:587 or smtp+ssl://user:password@host:465 (percent-encoded).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="songrec <noreply@localhost>")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# The site speaks English only. Without translation machinery every reverse() and number filter
# skips a per-thread language lookup: about a fifth of the CPU of rendering a page.
USE_I18N = False
# What the English locale would give: 1,234,567.
NUMBER_GROUPING = 3
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Whitenoise serves the static files straight from the apps and static/, without collectstatic
# and without DEBUG: the quick start (`make run`) serves the site's own error pages. Production
# serves the collected files instead.
WHITENOISE_USE_FINDERS = True

REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")

# Who runs builds started from the admin or `build_recs --async`: "celery" (workers, Redis as
# broker) or "process" (a detached `manage.py build_recs` process: the quick start, no Redis).
SONGREC_BUILD_RUNNER = env.str("SONGREC_BUILD_RUNNER", default="process")

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged task after this long; it must outlast the longest build, or
# a second worker would start the same build while the first still runs it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=12 * 3600)
}
CELERY_TASK_IGNORE_RESULT = True

# The batch job. SPARK_MASTER is any master spark-submit accepts: local[*], spark://host:7077, yarn.
SPARK_MASTER = env.str("SPARK_MASTER", default="local[*]")
SPARK_DRIVER_MEMORY = env.str("SPARK_DRIVER_MEMORY", default="4g")
SPARK_EXECUTOR_MEMORY = env.str("SPARK_EXECUTOR_MEMORY", default="4g")
SONGREC_NEIGHBOURS_K = env.int("SONGREC_NEIGHBOURS_K", default=20)
SONGREC_MAX_BAD_SHARE = env.float("SONGREC_MAX_BAD_SHARE", default=0.05)
SONGREC_BUILDS_KEPT = env.int("SONGREC_BUILDS_KEPT", default=2)
# Where a build may read its input (comma-separated): local directories, a file under which (once
# symlinks are followed) is checked before the build is queued, or Hadoop URL prefixes
# (hdfs://…, gs://…, s3a://…) under which any path is taken unchecked.
SONGREC_INPUT_DIRS = env.list("SONGREC_INPUT_DIRS", default=[str(DATA_DIR)])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
