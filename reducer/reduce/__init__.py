"""`reducer reduce`: the orchestration around the search (baseline, isolation, tiers, final check, sidecar).

May import `search/`, `passes/`, `failure/`, `repro/`, `stage/`, `proc/`, `mlir/` and `reducer.errors`.
"""
