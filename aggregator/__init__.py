"""Atom feeds and notifications for what regjeringen.no and ks.no publish."""

__version__ = "0.1.0"
