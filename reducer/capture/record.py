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


def config_label(record: dict, width: int = 40) -> str:
    """A compile unit's specialisation in a few characters: autotune slot, constexprs, shims (`2/5 BLOCK=32`)."""
    parts = []
    if record.get("autotune_configs"):
        index = record.get("autotune_index")
        parts.append(f"{'?' if index is None else index + 1}/{record['autotune_configs']}")
    parts += [f"{k}={v}" for k, v in sorted((record.get("constants") or {}).items())]
    text = " ".join(parts) or "-"
    text = text if len(text) <= width else text[: width - 1] + "…"
    shims = [s.get("name", "?") for s in record.get("shims") or []]
    return text + (f" +shim {','.join(shims)}" if shims else "")


def failed_where(record: dict) -> str:
    """The failed stage; a known frontend incompatibility by its shim's name."""
    stage = record.get("failed_stage") or "-"
    known = (record.get("incompatibility") or {}).get("name")
    return f"{stage} ({known})" if known else stage
