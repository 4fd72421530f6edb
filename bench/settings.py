"""Settings of the app as `bench.voice` serves it in gunicorn: the local ones, with the bench URLconf.

django-tenants sets a request's URLconf only on the national host; a province's host resolves
against ROOT_URLCONF. So the bare view is served on the bench province's host, behind the same
middleware and host → schema routing as the webhook, and never in the product's URLconfs.
"""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
