"""Development: `make run` on a laptop. Demo accounts, readable errors, no secrets needed."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "true")
# Only for development; production.py refuses to start without a real SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
# `make run` serves on PORT (8000); Twilio callbacks built without a request must name it.
os.environ.setdefault("PUBLIC_PORT", os.environ.get("PORT", "8000"))

from config.settings.base import *  # noqa: F403

# whitenoise serves from the finders here; it only needs the directory to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
