"""Configuration is documented: every environment variable the code reads appears in .env.example."""

import re
import subprocess
from pathlib import Path

from django.conf import settings

from tests.servers import run_manage

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


def test_production_settings_refuse_to_start_without_a_secret_key():
    completed = _manage(["check"], {"SECRET_KEY": None})

    assert completed.returncode != 0
    assert "SECRET_KEY must be set in production" in completed.stderr


def test_production_settings_pass_the_deployment_checklist():
    completed = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"], {"SECRET_KEY": "k" * 30 + "-production-0123456789"}
    )

    assert completed.returncode == 0, completed.stderr


def _manage(args: list[str], overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BASE_DOMAIN": "1022.example.vn",
    }
    return run_manage(args, {**production, **overrides})
