"""Production: everything from the environment, nothing embedded, HTTPS behind a proxy."""

import os

from django.core.exceptions import ImproperlyConfigured

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BASE_DOMAIN"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import env  # noqa: E402

DEBUG = False
DEMO_MODE = False
PUBLIC_SCHEME = env("PUBLIC_SCHEME", default="https")
# The TLS-terminating proxy tells us the original scheme; Twilio signatures depend on it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
# Every province is a sub-domain of BASE_DOMAIN and is served over HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Submitting the domain to browsers' preload lists is the operator's decision.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://*.{BASE_DOMAIN}", f"https://{BASE_DOMAIN}"])  # noqa: F405
