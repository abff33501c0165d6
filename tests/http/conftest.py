"""Fixtures for the HTTP tests (see http_served.py)."""

from __future__ import annotations

from http_served import served

__all__ = ["served"]
