"""Rate limits per installation and per network address, counted in the Django cache.

The cache's keys carry the province's schema (`django_tenants.cache.make_key`), so each province
counts its own. Rates are read from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` on each request
(DRF's own classes read them once, at import), so a deployment or a test can change them.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class DeviceThrottle(_SettingsRateThrottle):
    """Per registered installation: a runaway app cannot flood the hotline."""

    scope = "app_device"

    def get_cache_key(self, request, view):
        device = request.user
        if not getattr(device, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": device.pk}


class AddressThrottle(_SettingsRateThrottle):
    """Per client address, whatever the token (or none)."""

    scope = "app_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegisterThrottle(AddressThrottle):
    """Registrations per client address: tokens are cheap to ask for, so they are rationed."""

    scope = "app_register"
