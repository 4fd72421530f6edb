"""Screens of the hotline: the operator console, the agency workspace and the supervisor view."""
