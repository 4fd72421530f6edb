"""Configuration is documented: every environment variable the code reads appears in .env.example."""

import re
from pathlib import Path

from django.conf import settings

READS = re.compile(
    r"""(?:env(?:\.\w+)?|environ(?:\.get)?|os\.environ\.get|os\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read_by(paths: list[Path]) -> set[str]:
    found = set()
    for path in paths:
        found |= set(READS.findall(path.read_text()))
    return found


def test_every_environment_variable_is_documented_in_env_example():
    base = Path(settings.BASE_DIR)
    sources = [*base.glob("config/**/*.py"), *base.glob("tenants/**/*.py"), *base.glob("manage.py")]
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (base / ".env.example").read_text(), re.MULTILINE))

    read = variables_read_by(sources)

    assert read, "the pattern should find the settings' variables"
    assert read - documented == set()
