"""What a failure is: outcome classes, resource limits, signatures, replaying a stage, check, pass-level isolation,
causes.

May import `stage/`, `proc/`, `mlir/`, `safety/` and `reducer.errors`.
"""
