"""Settings of the app as `bench.voice` and `bench.faq` serve it in gunicorn: the local ones, with the bench URLconf.

django-tenants sets a request's URLconf only on the national host; a province's host resolves
against ROOT_URLCONF. So the bare view is served on the bench province's host, behind the same
middleware and host → schema routing as the webhook, and never in the product's URLconfs.
"""

import os
from pathlib import Path

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# With DEBUG off WhiteNoise serves what collectstatic wrote, as in production; `bench.faq` collects
# into a directory of its own, so that a run neither needs nor touches var/staticfiles.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
