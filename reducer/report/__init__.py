"""Upstream issues: the facts, the issue text, the bundle and its script, a frontend finding's issue.

May import `repro/`, `failure/`, `safety/`, `stage/`, `capture/` (records), `mlir/` (the kernel's
name), `proc/` and `reducer.errors`.
"""
