"""The sweep's fit phase: every compile unit whose check hit a resource limit gets the fit search (`reducer fit`),
unless `--no-fit`. What it finds fills the unit's `resource` field in triage.json; an anomaly makes the unit's
check a compiler-bug candidate again (grouped, reduced and saved like any bug)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.failure.outcome import Outcome

FIT_DIR = "fit"


@dataclass
class FitPhase:
    # The checked file -> its `resource` field: every unit whose input is that file (autotune configs that differ
    # only in launch options compile to the same input) shares the search.
    by_path: dict[str, dict[str, Any]] = field(default_factory=dict)
    anomalies: dict[str, str] = field(default_factory=dict)  # check entry key -> the anomaly's detail
    seconds: dict[str, float] = field(default_factory=dict)  # unit folder -> seconds its search took


def resource_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e.get("outcome") == Outcome.RESOURCE_LIMIT]


def _unit_of(entry: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The capture record whose files include the entry's file (None for a plain dump or log)."""
    path = str(entry["path"])
    for r in records:
        folder = Path(r.get("folder", "."))
        if any(str(folder / name) == path for name in (r.get("files") or {}).values()):
            return r
    return None


def run_fits(
    entries: list[dict[str, Any]],
    records: list[dict[str, Any]],
    out: Path,
    *,
    enabled: bool,
    jobs: int,
    budget: float,
    timeout: float,
    status: Callable[[str], None],
    stop: threading.Event,
) -> FitPhase:
    from reducer.fit.search import fit_unit
    from reducer.fit.verdict import VerdictCache
    from reducer.stage.toolchain import fingerprint

    phase = FitPhase()
    cache = VerdictCache(out / "fit-cache.jsonl", fingerprint(paths=False))
    todo = resource_entries(entries)
    for n, entry in enumerate(todo, 1):
        record = _unit_of(entry, records)
        limit = dict(entry.get("resource") or {})
        if record is None:
            phase.by_path[entry["path"]] = {**limit, "fit": None, "reason": "no source", "tried": 0}
            continue
        folder = str(record["folder"])
        if not enabled or stop.is_set():
            why = "--no-fit" if not enabled else "the sweep was stopped before its fit search"
            phase.by_path[entry["path"]] = {**limit, "fit": None, "reason": why, "tried": 0}
            continue
        dest = out / FIT_DIR / Path(folder).name
        found = _reused(dest, Path(entry["path"]))
        if found is None:
            status(f"fit {n}/{len(todo)}: {record.get('kernel')}")
            result = fit_unit(Path(folder), dest, jobs=jobs, budget=budget, timeout=timeout, cache=cache,
                              status=status)
            found = result.to_dict(relative_to=out)
            _mark(dest, Path(entry["path"]))
        else:
            found = _relink(found, dest, out)
        phase.by_path[entry["path"]] = {**limit, **{k: v for k, v in found.items() if v is not None or k not in limit}}
        phase.seconds[folder] = float(found.get("seconds") or 0.0)
        if found.get("anomaly"):
            phase.anomalies[entry["key"]] = f"{found['anomaly']['rule']}: {found['anomaly']['detail']}"
    return phase


# fit.json remembers the input it was searched for: a rerun reuses it only for the same bytes.
_INPUT = "input_sha1"


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else ""


def _mark(dest: Path, source: Path) -> None:
    from reducer.fit.search import RESULT
    from reducer.proc import atomic

    data = json.loads((dest / RESULT).read_text())
    data[_INPUT] = _sha1(source)
    atomic.write_text(dest / RESULT, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _reused(dest: Path, source: Path) -> dict[str, Any] | None:
    from reducer.fit.search import RESULT
    from reducer.safety import artifacts

    try:  # one that fails its schema is searched again, and rewritten
        data = artifacts.read(dest / RESULT, artifacts.FIT_KIND, artifacts.FIT)
    except artifacts.BrokenArtifact:
        return None
    return data if data is not None and data.get(_INPUT) == _sha1(source) else None


def _relink(found: dict[str, Any], dest: Path, out: Path) -> dict[str, Any]:
    """fit.json's `fit.ir` is relative to its own folder; the triage's to the sweep's."""
    found = {k: v for k, v in found.items() if k not in ("tried_log", _INPUT, "kernel")}
    if found.get("fit"):
        found["fit"] = dict(found["fit"], ir=str((dest / found["fit"]["ir"]).relative_to(out)))
    return found


def fit_summary(phase: FitPhase) -> dict[str, Any]:
    """The summary's resource-limit figures: units, fits, none, no source, anomalies, seconds per unit."""
    values = list(phase.by_path.values())
    seconds = sorted(phase.seconds.values())
    return {
        "searches": len(values),
        "fits": sum(1 for v in values if v.get("fit")),
        "none_fits": sum(1 for v in values if not v.get("fit") and str(v.get("reason", "")).startswith("the smallest")),
        "no_source": sum(1 for v in values if str(v.get("reason", "")).startswith("no source")),
        "anomalies": len(phase.anomalies),
        "seconds": round(sum(seconds), 1),
        "seconds_per_unit": round(sum(seconds) / len(seconds), 1) if seconds else None,
        "seconds_max": round(seconds[-1], 1) if seconds else None,
    }


def with_fits(rows: list[dict[str, Any]], phase: FitPhase) -> list[dict[str, Any]]:
    """Each resource-limit unit's row with its `resource` field, and the suggestion as its note."""
    for row in rows:
        found = next((phase.by_path[f] for f in row["files"] if f in phase.by_path), None)
        if found is not None and row["outcome"] in (Outcome.RESOURCE_LIMIT, Outcome.FAILED):
            row["resource"] = found
            row["note"] = "; ".join(p for p in (row["note"], found.get("summary") or found.get("reason")) if p)
    return rows
