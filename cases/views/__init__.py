"""Screens of the hotline: the operator console, the agency workspace and the supervisor view."""

from cases.views.console import inbox

__all__ = ["inbox"]
