"""The triage's rows: one per compile unit (kernel + specialisation), and those rolled up per kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reducer.capture.frontend import finding_of, version_incompatibility
from reducer.capture.record import config_label, failed_where, outcome_of
from reducer.failure.outcome import Outcome
from reducer.sweep.groups import is_bug


def unit_rows(by_path: dict[str, dict[str, Any]], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per compile unit (kernel + specialisation): a capture's record, or a dump folder of plain files.

    `by_path` maps every IR file path (identical copies included) to its check entry.
    """
    rows = []
    covered: set[str] = set()
    for r in records:
        folder = Path(r.get("folder", "."))
        files = [str(folder / name) for name in (r.get("files") or {}).values()]
        covered.update(files)
        checks = [by_path[f] for f in files if f in by_path]
        rows.append(_row(r.get("kernel", "?"), config_label(r), str(folder), checks, r))
    loose: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path, entry in by_path.items():
        if path not in covered and path == entry["path"]:  # a plain dump: one kernel in one folder is a unit
            loose.setdefault((str(Path(path).parent), entry["kernel"]), []).append(entry)
    for (folder, kernel), checks in loose.items():
        rows.append(_row(kernel, "-", folder, checks, None))
    return sorted(rows, key=lambda row: (row["kernel"], row["config"], row["folder"]))


def _last_line(record: dict[str, Any]) -> str:
    return ((record.get("error") or record.get("outcome") or "").strip().splitlines() or [""])[-1][:200]


def _row(
    kernel: str, config: str, folder: str, checks: list[dict[str, Any]], record: dict[str, Any] | None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kernel": kernel,
        "config": config,
        "folder": folder,
        "outcome": Outcome.PASSED if checks else Outcome.NOT_CHECKED,
        "stage": "-",
        "ids": [],
        "files": sorted(e["path"] for e in checks),
        "note": "",
        "source": (record or {}).get("source"),
    }
    failing = [e for e in checks if e.get("failure") and is_bug(e)]
    limits = [e for e in checks if e.get("failure") and not is_bug(e)]
    if limits and not failing:  # the kernel's config is too large for the target: the user's to fix
        row["outcome"], row["stage"] = Outcome.RESOURCE_LIMIT, limits[0]["stage"]
    for e in failing:
        row["outcome"], row["stage"] = Outcome.FAILED, e["stage"]
        shown = e.get("group") or e["id"]  # `ID.2`: a second bare crash of one pass (sweep/groups.py)
        if shown not in row["ids"]:
            row["ids"].append(shown)
    captured = outcome_of(record) if record is not None else None
    known = ((record or {}).get("incompatibility") or {}).get("name")
    if record is not None and captured in (Outcome.FRONTEND_ERROR, Outcome.INCOMPLETE) and not failing:
        row["outcome"], row["stage"] = captured, failed_where(record)
        if captured is Outcome.FRONTEND_ERROR:
            row["ids"].append(finding_of(record)[0])
        row["note"] = f"known incompatibility {known}: {_last_line(record)}" if known else _last_line(record)
    elif not failing and any(e["outcome"] == Outcome.UNREADABLE for e in checks):
        row["outcome"] = Outcome.UNREADABLE
        row["note"] = next(e.get("title", "") for e in checks if e["outcome"] == Outcome.UNREADABLE)
    elif not failing and captured is Outcome.FAILED:
        row["note"] = f"the capture saw it fail at {record.get('failed_stage')}; the replay passes"
    # Written for another triton-ascend release: a finding of its own (compiled through an alias when it could be).
    row["version"] = version_incompatibility(record) if record is not None else None
    if row["version"]:
        how = "rejected" if captured is Outcome.FRONTEND_ERROR else "compiled through reducer's alias"
        row["note"] = f"version incompatibility ({how}): {row['note'] or row['version']}"
    shims = [s.get("name", "?") for s in (record or {}).get("shims") or []]
    if shims:
        row["note"] = " ".join(p for p in (row["note"], f"compiled with shim {', '.join(shims)}") if p)
    return row


# A kernel shows the worst outcome of its units, in this order.
_WORST = [
    Outcome.PASSED, Outcome.NOT_CHECKED, Outcome.UNREADABLE, Outcome.INCOMPLETE, Outcome.FRONTEND_ERROR,
    Outcome.RESOURCE_LIMIT, Outcome.FAILED,
]


def kernel_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The units rolled up per kernel name: its worst outcome and every signature it showed."""
    kernels: dict[str, dict[str, Any]] = {}
    for row in rows:
        k = kernels.setdefault(
            row["kernel"],
            {"kernel": row["kernel"], "outcome": Outcome.PASSED, "ids": [], "units": 0, "files": [], "note": "",
             "source": row.get("source")},
        )
        k["units"] += 1
        k["files"] += row["files"]
        k["ids"] += [i for i in row["ids"] if i not in k["ids"]]
        rank = _WORST.index(row["outcome"]) if row["outcome"] in _WORST else 0
        if rank > (_WORST.index(k["outcome"]) if k["outcome"] in _WORST else 0):
            k["outcome"] = row["outcome"]
        if row["note"] and row["note"] not in k["note"]:
            k["note"] = "; ".join(p for p in (k["note"], row["note"]) if p)
    return dict(sorted(kernels.items()))
