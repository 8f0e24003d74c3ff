"""`reducer sweep`: classify every captured kernel, group failures by signature, reduce one per group, triage.

Three phases, each resumable through one append-only JSONL state file (a line per finished check or
reduction, so memory stays bounded and a rerun skips what is already known):

1. check: every IR file (TTIR -> adapter, linalg -> bishengir) is replayed with the check machinery,
   `jobs` at a time (threads: every check is a subprocess);
2. reduce: per signature, the smallest failing input is reduced (smallest group first; several groups at
   once, the -j budget split between them; each capped by `max_time_per_bug`) and saved with `save_repro`;
   a signature that already has a repro under `repros/` is "known" and not reduced again;
3. triage: triage.json, triage.md and triage.html name every kernel and every signature.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer import atomic
from reducer.capture import FRONTEND_ERROR, INCOMPLETE, discover, read_records
from reducer.errors import ReducerError
from reducer.toolchain import Stage, StageOptions

STATE = "state.jsonl"

NEW = "new"
KNOWN = "known"
FIXED = "fixed"
NOT_REDUCED = "not reduced"


@dataclass(frozen=True)
class Unit:
    """One IR file to check: the kernel it belongs to and the stage it replays."""

    kernel: str
    path: Path
    stage: Stage
    digest: str
    size: int
    key: str  # digest + options: what the state file remembers


@dataclass
class SweepRequest:
    root: Path
    out: Path
    repros: Path
    options: StageOptions = field(default_factory=StageOptions)
    jobs: int = 1
    timeout: float = 120.0
    max_time_per_bug: float | None = 120.0
    reduce: bool = True
    reduce_known: bool = False


@dataclass
class Group:
    """All checked files that showed one signature."""

    id: str
    title: str
    outcome: str
    stage: str
    kernels: set[str] = field(default_factory=set)
    files: int = 0
    example: dict[str, Any] | None = None  # the smallest failing input
    status: str = NOT_REDUCED
    repro: str | None = None
    reduced: str | None = None
    note: str = ""
    ops: str | None = None


@dataclass
class SweepResult:
    out: Path
    units: int
    resumed: int
    checked: int
    kernels: dict[str, dict[str, Any]]
    groups: list[Group]
    frontend: list[dict[str, Any]]
    seconds: float


class _Stop:
    """One `set()` stops the sweep and every reduction in flight (they keep their best result)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._children: list[threading.Event] = []
        self._lock = threading.Lock()

    def set(self) -> None:
        self.event.set()
        with self._lock:
            for child in self._children:
                child.set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def adopt(self, child: threading.Event) -> None:
        with self._lock:
            self._children.append(child)
            if self.event.is_set():
                child.set()


def units_of(root: Path, options: StageOptions) -> list[Unit]:
    """Every distinct IR file under `root`, as check units (smallest first)."""
    salt = json.dumps(options.as_dict(), sort_keys=True, default=str)
    units = []
    for ir in discover(root):
        key = hashlib.sha1(f"{ir.digest}:{ir.stage.value}:{salt}".encode()).hexdigest()[:16]
        units.append(Unit(ir.kernel, ir.path, ir.stage, ir.digest, ir.size, key))
    return sorted(units, key=lambda u: (u.size, u.kernel))


# --- state --------------------------------------------------------------------------------------


class State:
    """Append-only JSONL: one line per finished check or reduction. Reading it back is the resume."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checks: dict[str, dict[str, Any]] = {}
        self.reductions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill: that work is simply done again
                if entry.get("kind") == "check":
                    self.checks[entry["key"]] = entry
                elif entry.get("kind") == "reduce":
                    self.reductions[entry["id"]] = entry

    def append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as fh:
                fh.write(json.dumps(entry, sort_keys=True) + "\n")
                fh.flush()
            if entry["kind"] == "check":
                self.checks[entry["key"]] = entry
            else:
                self.reductions[entry["id"]] = entry


# --- phase 1: check -----------------------------------------------------------------------------


def check_unit(unit: Unit, options: StageOptions, timeout: float) -> dict[str, Any]:
    """Replay one file once; the small dict that goes into the state file."""
    from reducer.check import check_file
    from reducer.source import load

    entry: dict[str, Any] = {
        "kind": "check",
        "key": unit.key,
        "kernel": unit.kernel,
        "path": str(unit.path),
        "stage": unit.stage.value,
        "bytes": unit.size,
    }
    t0 = time.monotonic()
    try:
        report = check_file(load(unit.path, unit.stage), options, runs=1, timeout=timeout, explore_knobs=False)
    except ReducerError as err:
        entry.update(outcome="unreadable", id=None, title=err.one_line(), failure=False)
    else:
        sig = report.signature
        entry.update(
            outcome=report.outcome.value,
            failure=report.outcome.is_failure,
            id=sig.id if sig else None,
            title=sig.title if sig else report.outcome.label,
        )
    entry["seconds"] = round(time.monotonic() - t0, 3)
    return entry


def _bounded_map(
    pool: ThreadPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any], width: int, stop: _Stop
) -> Iterator[Any]:
    """Like pool.map, results in completion order, with at most `width` tasks queued (bounded memory)."""
    pending: set[Future[Any]] = set()
    it = iter(items)
    exhausted = False
    while True:
        while not exhausted and len(pending) < width and not stop.is_set():
            try:
                pending.add(pool.submit(fn, next(it)))
            except StopIteration:
                exhausted = True
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            yield fut.result()


# --- the sweep ----------------------------------------------------------------------------------


class Sweep:
    def __init__(self, request: SweepRequest, status: Callable[[str], None] | None = None) -> None:
        self.req = request
        self.status = status or (lambda _text: None)
        self.stop = _Stop()
        self._save_lock = threading.Lock()
        self._progress: dict[str, str] = {}

    def run(self) -> SweepResult:
        req = self.req
        t0 = time.monotonic()
        state = State(req.out / STATE)
        units = units_of(req.root, req.options)
        todo = [u for u in units if u.key not in state.checks]
        resumed = len(units) - len(todo)
        self.status(f"check: {resumed}/{len(units)} from the state file, {len(todo)} to run")
        done = 0
        with ThreadPoolExecutor(max_workers=max(1, req.jobs)) as pool:
            results = _bounded_map(
                pool, lambda u: check_unit(u, req.options, req.timeout), todo, 2 * max(1, req.jobs), self.stop
            )
            for entry in results:
                state.append(entry)
                done += 1
                failing = sum(1 for e in state.checks.values() if e.get("failure"))
                self.status(
                    f"check {resumed + done}/{len(units)} files, {failing} failing, last {entry['kernel']}: "
                    f"{entry['outcome']}"
                )
        keys = {u.key for u in units}
        entries = [state.checks[k] for k in keys if k in state.checks]
        groups = _group(entries)
        if not self.stop.is_set():
            self._reduce_all(groups, state, reduce=req.reduce)
        self._mark_fixed(groups)
        kernels = _kernels(entries, read_records(req.root))
        frontend = [r for r in read_records(req.root) if r.get("outcome") == FRONTEND_ERROR]
        result = SweepResult(req.out, len(units), resumed, done, kernels, groups, frontend, time.monotonic() - t0)
        write_triage(result, req)
        return result

    # --- phase 2 ------------------------------------------------------------------------------

    def _reduce_all(self, groups: list[Group], state: State, reduce: bool) -> None:
        from reducer.repros import all_repros

        known = {r.signature.id: r.path for r in all_repros(self.req.repros)} if self.req.repros.exists() else {}
        todo = []
        for group in groups:
            previous = state.reductions.get(group.id)
            if previous is not None:
                _apply(group, previous)
            elif group.id in known and not self.req.reduce_known:
                group.status, group.repro = KNOWN, str(known[group.id])
            else:
                todo.append(group)
        if not reduce:
            for group in todo:
                group.note = "--no-reduce"
            return
        if not todo:
            return
        todo.sort(key=lambda g: g.example["bytes"] if g.example else 0)
        jobs = max(1, self.req.jobs)
        parallel = min(len(todo), jobs)
        per = max(1, jobs // parallel)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            for entry in _bounded_map(pool, lambda g: self._reduce_one(g, per), todo, parallel, self.stop):
                state.append(entry)
                _apply(next(g for g in todo if g.id == entry["id"]), entry)

    def _reduce_one(self, group: Group, jobs: int) -> dict[str, Any]:
        from reducer.reduce import ReduceRequest, Reduction
        from reducer.repros import save_repro
        from reducer.signature import Expectation
        from reducer.source import load

        assert group.example is not None
        entry: dict[str, Any] = {
            "kind": "reduce",
            "id": group.id,
            "example": group.example["path"],
            "repros": str(self.req.repros),
        }
        out = self.req.out / "reduced" / f"{group.id}-{group.example['kernel']}.mlir"
        t0 = time.monotonic()
        try:
            request = ReduceRequest(
                source=load(Path(group.example["path"]), Stage(group.stage)),
                options=self.req.options,
                out=out,
                expect=Expectation(group.id),
                jobs=jobs,
                timeout=self.req.timeout,
                max_time=self.req.max_time_per_bug,
            )
            reduction = Reduction(request, status=lambda text: self._show(group.id, text))
            self.stop.adopt(reduction.stop)
            report = reduction.run()
            entry.update(reduced=str(out), ops=f"{report.ops_before} -> {report.ops_after}", stopped=report.stopped)
            with self._save_lock:  # repro numbering is read-then-write
                saved = save_repro(out, self.req.repros, options=self.req.options)
            entry.update(status=NEW if saved.status == "new" else KNOWN, repro=str(saved.path), note=saved.message)
        except ReducerError as err:
            entry.update(status=NOT_REDUCED, note=err.one_line(), reduced=str(out) if out.exists() else None)
        except Exception as err:  # a reducer bug on one kernel must not end a sweep of hundreds
            entry.update(
                status=NOT_REDUCED,
                note=f"internal error: {type(err).__name__}: {err}",
                reduced=str(out) if out.exists() else None,
            )
        entry["seconds"] = round(time.monotonic() - t0, 2)
        self._progress.pop(group.id, None)
        return entry

    def _show(self, sig_id: str, text: str) -> None:
        self._progress[sig_id] = text
        self.status("reduce " + " | ".join(f"{k}: {v[:60]}" for k, v in list(self._progress.items())))

    def _mark_fixed(self, groups: list[Group]) -> None:
        """A signature whose repro was moved to repros/fixed/ but shows up again is flagged, whatever else."""
        from reducer.repros import all_repros

        if not self.req.repros.exists():
            return
        fixed = {
            r.signature.id: r.path
            for r in all_repros(self.req.repros, include_fixed=True)
            if "fixed" in r.path.relative_to(self.req.repros).parts
        }
        current = {r.signature.id: r.path for r in all_repros(self.req.repros)}
        for group in groups:
            if group.id in fixed and group.id not in current:
                group.status, group.repro = FIXED, str(fixed[group.id])
                group.note = "its repro is marked fixed, yet this sweep hits it again: a regression or another trigger"


def _apply(group: Group, entry: dict[str, Any]) -> None:
    group.status = entry.get("status", NOT_REDUCED)
    group.repro = entry.get("repro")
    group.reduced = entry.get("reduced")
    group.note = entry.get("note", "")
    group.ops = entry.get("ops")


def _group(entries: list[dict[str, Any]]) -> list[Group]:
    groups: dict[str, Group] = {}
    for e in entries:
        if not e.get("failure") or not e.get("id"):
            continue
        g = groups.setdefault(e["id"], Group(e["id"], e["title"], e["outcome"], e["stage"]))
        g.kernels.add(e["kernel"])
        g.files += 1
        if g.example is None or (e["bytes"], e["path"]) < (g.example["bytes"], g.example["path"]):
            g.example = {"kernel": e["kernel"], "path": e["path"], "bytes": e["bytes"]}
    return sorted(groups.values(), key=lambda g: (-len(g.kernels), g.id))


def _kernels(entries: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One row per kernel name: worst outcome over its files, its signatures, and capture-only outcomes."""
    kernels: dict[str, dict[str, Any]] = {}

    def row(name: str, outcome: str) -> dict[str, Any]:
        return kernels.setdefault(name, {"kernel": name, "outcome": outcome, "ids": [], "files": [], "note": ""})

    for e in sorted(entries, key=lambda e: e["path"]):
        k = row(e["kernel"], "passed")
        k["files"].append(e["path"])
        if e.get("failure"):
            k["outcome"] = "failed"
            if e["id"] not in k["ids"]:
                k["ids"].append(e["id"])
        elif e["outcome"] == "unreadable" and k["outcome"] == "passed":
            k["outcome"], k["note"] = "unreadable", e.get("title", "")
    for r in records:
        k = row(r.get("kernel", "?"), r.get("outcome") or "?")
        k.setdefault("source", r.get("source"))
        if r.get("outcome") in (FRONTEND_ERROR, INCOMPLETE):
            last = ((r.get("error") or r["outcome"]).strip().splitlines() or [""])[-1][:200]
            if not k["files"]:
                k["outcome"], k["note"] = r["outcome"], last
            else:
                k["note"] = f"another launch: {r['outcome']}: {last}"
    return dict(sorted(kernels.items()))


# --- phase 3: triage ----------------------------------------------------------------------------


def triage_data(result: SweepResult, req: SweepRequest) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for g in result.groups:
        counts[g.status] = counts.get(g.status, 0) + 1
    return {
        "root": str(req.root),
        "target": req.options.target,
        "summary": {
            "kernels": len(result.kernels),
            "files": result.units,
            "resumed": result.resumed,
            "checked": result.checked,
            "signatures": len(result.groups),
            "status": counts,
            "frontend_errors": len(result.frontend),
            "seconds": round(result.seconds, 1),
        },
        "signatures": [
            {
                "id": g.id,
                "title": g.title,
                "outcome": g.outcome,
                "stage": g.stage,
                "kernels": sorted(g.kernels),
                "files": g.files,
                "example": g.example,
                "repro": g.repro,
                "reduced": g.reduced,
                "ops": g.ops,
                "status": g.status,
                "note": g.note,
            }
            for g in result.groups
        ],
        "kernels": list(result.kernels.values()),
    }


def _md_cell(text: Any) -> str:
    return str(text if text is not None else "-").replace("|", "\\|").replace("\n", " ")


def render_markdown(data: dict[str, Any]) -> str:
    s = data["summary"]
    out = [
        f"# Triage: {data['root']}",
        "",
        f"{s['kernels']} kernels, {s['files']} IR files, {s['signatures']} signatures "
        f"({', '.join(f'{v} {k}' for k, v in sorted(s['status'].items())) or 'none'}), "
        f"{s['frontend_errors']} frontend errors; target {data['target']}; {s['seconds']}s.",
        "",
        "## Signatures",
        "",
        "| signature | title | kernels hit | example kernel | repro | status |",
        "|---|---|---|---|---|---|",
    ]
    for g in data["signatures"]:
        example = g["example"]["kernel"] if g["example"] else "-"
        status = g["status"] + (f" ({g['note']})" if g["status"] == "not reduced" and g["note"] else "")
        out.append(
            f"| `{g['id']}` | {_md_cell(g['title'])} | {_md_cell(', '.join(g['kernels']))} | "
            f"{_md_cell(example)} | {_md_cell(g['repro'])} | {_md_cell(status)} |"
        )
    out += ["", "## Kernels", "", "| kernel | outcome | signatures | note |", "|---|---|---|---|"]
    for k in data["kernels"]:
        note = k.get("note") or ""
        out.append(
            f"| {_md_cell(k['kernel'])} | {_md_cell(k['outcome'])} | "
            f"{_md_cell(', '.join(k['ids']) or '-')} | {_md_cell(note)} |"
        )
    return "\n".join(out) + "\n"


def render_html(data: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for g in data["signatures"]:
        example = g["example"]["kernel"] if g["example"] else "-"
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{e(str(c))}</td>"
                for c in (g["id"], g["title"], ", ".join(g["kernels"]), example, g["repro"] or "-", g["status"])
            )
            + "</tr>"
        )
    krows = [
        "<tr>"
        + "".join(
            f"<td>{e(str(c))}</td>"
            for c in (k["kernel"], k["outcome"], ", ".join(k["ids"]) or "-", k.get("note") or "")
        )
        + "</tr>"
        for k in data["kernels"]
    ]
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}"
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>triage</title><style>{style}</style>"
        f"<h1>Triage: {e(data['root'])}</h1><h2>Signatures</h2><table><tr><th>signature</th><th>title</th>"
        f"<th>kernels hit</th><th>example kernel</th><th>repro</th><th>status</th></tr>{''.join(rows)}</table>"
        f"<h2>Kernels</h2><table><tr><th>kernel</th><th>outcome</th><th>signatures</th><th>note</th></tr>"
        f"{''.join(krows)}</table>\n"
    )


def write_triage(result: SweepResult, req: SweepRequest) -> dict[str, Any]:
    data = triage_data(result, req)
    atomic.write_text(req.out / "triage.json", json.dumps(data, indent=2, sort_keys=True) + "\n")
    atomic.write_text(req.out / "triage.md", render_markdown(data))
    atomic.write_text(req.out / "triage.html", render_html(data))
    return data
