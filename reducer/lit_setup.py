"""Kept at this path for the `lit.cfg.py` files earlier versions generated: they import `reducer.lit_setup`."""

from reducer.repro.lit_setup import configure, ensure_config

__all__ = ["configure", "ensure_config"]
