"""Screener: the screening phase of systematic reviews, on the desktop."""

__version__ = "0.1.0"
