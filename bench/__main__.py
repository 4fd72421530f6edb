"""`python -m bench`: local settings unless DJANGO_SETTINGS_MODULE says otherwise, DEBUG off."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# With DEBUG on Django keeps every query it runs, which costs time per query and grows without bound.
os.environ["DEBUG"] = "false"
django.setup()

from bench.run import main  # noqa: E402  (needs the settings above)

raise SystemExit(main())
