"""Repros as artifacts: the repro suite format, sidecars and headers, the lit set-up, recheck, upstream-format tests.

May import `failure/`, `safety/`, `stage/`, `proc/`, `mlir/` and `reducer.errors`.
"""
