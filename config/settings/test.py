"""The test suite: same services as development, faster hashing, separate runtime files."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("CACHE_KEY_PREFIX", "tongdai1022-test")

from config import embedded
from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_EMBEDDED, STORAGES, VAR_DIR, env

if REDIS_EMBEDDED:
    # The embedded Redis may also carry a running `make run`'s queues: tests use database 1.
    REDIS_URL = embedded.redis_url(VAR_DIR, db=1)
    CACHES["default"]["LOCATION"] = REDIS_URL
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or embedded.broker_url_for(REDIS_URL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    # The test client renders pages without collectstatic.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"

# whitenoise serves from the finders here; it only needs the directory to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
VOICE_FALLBACK_DIR = VAR_DIR / "test-voice-fallback"
