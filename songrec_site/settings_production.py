"""Production settings: the base settings (songrec_site.settings), hardened for a public site.

    DJANGO_SETTINGS_MODULE=songrec_site.settings_production

The site runs behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto. SECRET_KEY
must come from the environment (or the env file); everything else has a production default.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from songrec_site.jsonlog import json_logging
from songrec_site.settings import *  # noqa: F403
from songrec_site.settings import BASE_DIR, DATABASES, EMAIL_BACKEND, env

# The development default, the env template's placeholder and Django's generated dev keys.
INSECURE_KEY_PREFIXES = ("insecure-", "django-insecure-", "change-me")

SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(INSECURE_KEY_PREFIXES):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or too weak: production needs a random secret key of at least 50 "
        "characters in the environment or the env file, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

DEBUG = False

# Behind the proxy: it terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Caddy: gunicorn sees every request coming from it, the client's address is its last
# X-Forwarded-For entry (login lock-outs per address need the client's).
SONGREC_PROXY_COUNT = env.int("SONGREC_PROXY_COUNT", default=1)
# Where Caddy connects from: loopback when the containers share the host's network, else the
# compose network, whose addresses Docker takes from the private ranges. gunicorn's port is
# published on the host's loopback alone (docker-compose.yml), so no other machine reaches it
# with a header of its own choosing.
SONGREC_TRUSTED_PROXIES = env.list("SONGREC_TRUSTED_PROXIES", default=["private"])
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Container and load-balancer health checks speak plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Sends the preload token only; a domain joins browsers' preload lists only when submitted.
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"https://{host}" for host in env.list("ALLOWED_HOSTS", default=[]) if host],
)

# Mail that stays on the machine would put password-reset links in its logs or files, where
# whoever reads them could take over accounts: refused unless asked for (a test stack).
MAIL_KEPT_LOCALLY = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SONGREC_ALLOW_CONSOLE_EMAIL = env.bool("SONGREC_ALLOW_CONSOLE_EMAIL", default=False)
if EMAIL_BACKEND in MAIL_KEPT_LOCALLY and not SONGREC_ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        f"EMAIL_URL gives {EMAIL_BACKEND}, which keeps password-reset links in the logs or on "
        "disk: production needs a mail server, e.g. EMAIL_URL=smtp+tls://user:password@host:587 "
        "(deploy/env.template), or SONGREC_ALLOW_CONSOLE_EMAIL=true to accept that on purpose."
    )

# One connection per worker thread, kept between requests and checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Static files are collected at image build time; whitenoise serves them compressed, with
# hashed names and far-future cache headers.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "songrec_site.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = False

# One JSON object per line on stdout, for `docker compose logs` and log collectors.
# Request errors already reach the root logger ("django" stays out of it: no e-mail to ADMINS).
LOGGING = json_logging(env.str("LOG_LEVEL", default="INFO"), loggers=("django",))
