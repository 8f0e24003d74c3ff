"""The names a capture folder uses, shared by the in-process hook and the readers (imports nothing)."""

ENV_DIR = "REDUCER_CAPTURE_DIR"
ENV_TARGET = "REDUCER_CAPTURE_TARGET"
INDEX = "index.json"
RECORD = "record.json"
FORMAT = "reducer-capture/1"

# Capture outcomes. "frontend-error" is Triton's Python frontend failing (not a compiler bug to reduce).
PASSED = "passed"
FAILED = "failed"
FRONTEND_ERROR = "frontend-error"
INCOMPLETE = "incomplete"  # the process died while compiling (the record was written before the compile)
