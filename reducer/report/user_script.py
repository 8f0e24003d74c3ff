"""The user's failing launch as `repro.py` beside a report (`reducer.script`): written locally whenever the
reduced repro came from a capture unit, put into the bundle only with `--include-source` (then redacted and
leak-gated like every other file of the bundle), because it is the user's own code."""

from __future__ import annotations

from pathlib import Path

from reducer.errors import InputError


def unit_of(sidecar: dict | None) -> Path | None:
    """The capture unit a reduce sidecar's input lives in (its folder holds record.json), or None."""
    path = ((sidecar or {}).get("input") or {}).get("path")
    if not isinstance(path, str):
        return None
    folder = Path(path).parent
    return folder if (folder / "record.json").is_file() else None


def script_text(sidecar: dict | None) -> str | None:
    """`repro.py` of the launch behind the repro (not checked: `reducer script` checks), or None when the repro
    did not come from a capture unit or its kernel's source cannot be read as it was captured."""
    folder = unit_of(sidecar)
    if folder is None:
        return None
    from reducer.script.render import render
    from reducer.script.unit import read_unit, roots_of

    try:
        record = read_unit(folder)
        return render(record, roots_of(folder, record)).text
    except InputError:
        return None
