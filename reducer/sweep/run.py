"""The sweep's orchestration: check every unit, group, reduce one input per group, save, write the triage."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer import locks
from reducer.capture.discovery import discover, read_records
from reducer.capture.frontend import frontend_findings
from reducer.errors import ReducerError
from reducer.npu_options import Options
from reducer.outcome import Outcome
from reducer.run_env import RunEnv
from reducer.stages import StageSpec
from reducer.sweep.reuse import captured_pass
from reducer.sweep.state import STATE, State
from reducer.sweep.triage import (
    FIXED,
    KNOWN,
    NEW,
    NOT_REDUCED,
    Group,
    SweepResult,
    apply_reductions,
    group_checks,
    kernel_rows,
    unit_rows,
    write_triage,
)


@dataclass(frozen=True)
class Unit:
    """One IR file to check: the kernel it belongs to, the stage it replays and the options it was built with."""

    kernel: str
    path: Path
    stage: StageSpec
    options: Options
    digest: str
    size: int
    key: str  # digest + stage + options: what the state file remembers
    captured: Outcome | None = None  # a pass the capture already saw with these binaries: not run again
    copies: tuple[Path, ...] = ()  # identical files elsewhere (other units, debug copies): one check serves all


@dataclass
class SweepRequest:
    root: Path
    out: Path
    repros: Path
    options: Options = field(default_factory=Options)  # for IR files whose capture recorded none
    jobs: int = 1
    timeout: float = 120.0
    max_time_per_bug: float | None = 120.0
    kernels_per_signature: int = 3  # reductions per signature, one per kernel: distinct causes get distinct repros
    reduce: bool = True
    reduce_known: bool = False
    matrix: bool = False  # replay each group's example on every release of its compiler


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


def units_of(root: Path, options: Options) -> list[Unit]:
    """Every distinct IR file under `root`, as check units (smallest first). A file a capture recorded is
    replayed with the options it was compiled with; any other file with `options`."""
    from reducer.toolchain import fingerprint

    current = fingerprint()
    units = []
    for ir in discover(root):
        own = options
        if ir.options is not None:
            try:
                own = Options.from_mapping(ir.options)
            except ReducerError:
                own = options  # an unreadable record: the sweep's options, as for a plain dump
        salt = json.dumps(own.as_dict(), sort_keys=True, default=str)
        key = hashlib.sha1(f"{ir.digest}:{ir.stage.name}:{salt}".encode()).hexdigest()[:16]
        reused = captured_pass(ir, current)
        units.append(Unit(ir.kernel, ir.path, ir.stage, own, ir.digest, ir.size, key, reused, ir.duplicates))
    return sorted(units, key=lambda u: (u.size, u.kernel))


def check_unit(unit: Unit, timeout: float) -> dict[str, Any]:
    """Replay one file once; the small dict that goes into the state file."""
    from reducer.check import check_file
    from reducer.source import load

    entry: dict[str, Any] = {
        "kind": "check",
        "key": unit.key,
        "kernel": unit.kernel,
        "path": str(unit.path),
        "stage": unit.stage.name,
        "options": unit.options.as_dict(),
        "bytes": unit.size,
    }
    if unit.captured is not None:
        entry.update(outcome=unit.captured.value, failure=False, id=None, title=unit.captured.label, seconds=0.0)
        entry["from"] = "capture"
        return entry
    t0 = time.monotonic()
    try:
        report = check_file(load(unit.path, unit.stage), unit.options, runs=1, timeout=timeout, explore_knobs=False)
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


class Sweep:
    def __init__(self, request: SweepRequest, status: Callable[[str], None] | None = None) -> None:
        self.req = request
        self.status = status or (lambda _text: None)
        self.stop = _Stop()
        self._save_lock = threading.Lock()
        self._progress: dict[str, str] = {}

    def run(self) -> SweepResult:
        # Two sweeps on one folder would both do all the work and write contradictory triage tables.
        with locks.exclusive(self.req.out, wait=False, what="sweep"):
            return self._run()

    def _run(self) -> SweepResult:
        req = self.req
        t0 = time.monotonic()
        state = State(req.out / STATE)
        units = units_of(req.root, req.options)
        todo = [u for u in units if u.key not in state.checks]
        resumed = len(units) - len(todo)
        known = sum(1 for u in todo if u.captured is not None)
        self.status(
            f"check: {resumed}/{len(units)} from the state file, {known} passed in the capture, "
            f"{len(todo) - known} to run"
        )
        done = replayed = 0
        with ThreadPoolExecutor(max_workers=max(1, req.jobs)) as pool:
            results = _bounded_map(pool, lambda u: check_unit(u, req.timeout), todo, 2 * max(1, req.jobs), self.stop)
            for entry in results:
                state.append(entry)
                done += 1
                replayed += entry.get("from") != "capture"
                failing = sum(1 for e in state.checks.values() if e.get("failure"))
                self.status(
                    f"check {resumed + done}/{len(units)} files, {failing} failing, last {entry['kernel']}: "
                    f"{entry['outcome']}"
                )
        keys = {u.key for u in units}
        entries = [state.checks[k] for k in keys if k in state.checks]
        groups = group_checks(entries)
        if not self.stop.is_set():
            self._reduce_all(groups, state, reduce=req.reduce)
        self._mark_fixed(groups)
        if req.matrix and not self.stop.is_set():
            self._matrix(groups)
        records = read_records(req.root)
        by_path = {}
        for u in units:
            if u.key in state.checks:
                for path in (u.path, *u.copies):
                    by_path[str(path)] = state.checks[u.key]
        rows = unit_rows(by_path, records)
        frontend = frontend_findings(records)
        result = SweepResult(
            req.out, len(units), resumed, done, kernel_rows(rows), groups, frontend, time.monotonic() - t0, rows,
            replayed=replayed,
        )
        write_triage(result, str(req.root), req.options)
        return result

    # --- phase 2 ------------------------------------------------------------------------------

    def _reduce_all(self, groups: list[Group], state: State, reduce: bool) -> None:
        """Reduce one input per kernel of each signature (up to the limit), breadth first so every signature gets
        its first reduction before any gets its second; then each group's reductions are merged into causes."""
        from reducer.repros import all_repros

        known = {r.signature.id: r.path for r in all_repros(self.req.repros)} if self.req.repros.exists() else {}
        todo: list[tuple[int, int, Group, dict[str, Any]]] = []
        for group in groups:
            done = state.reductions_of(group.id)
            # A repro deleted or moved since: the suite decides (known elsewhere, or reduce again).
            done = [e for e in done if not (e.get("repro") and not Path(e["repro"]).is_file())]
            reps = group.representatives(self.req.kernels_per_signature)
            if not done and group.id in known and not self.req.reduce_known:
                group.status, group.repro = KNOWN, str(known[group.id])
                continue
            have = {e.get("kernel") or group.example["kernel"] for e in done}
            missing = [rep for rep in reps if rep["kernel"] not in have]
            # (rank within its group, bytes): every group's first reduction before any group's second.
            todo += [(rank, rep["bytes"], group, rep) for rank, rep in enumerate(missing)]
            apply_reductions(group, done)
        if not reduce:
            for *_, group, _rep in todo:
                group.note = group.note or "--no-reduce"
            return
        if not todo:
            return
        todo.sort(key=lambda t: (t[0], t[1]))
        work = [(group, rep) for *_, group, rep in todo]
        jobs = max(1, self.req.jobs)
        parallel = min(len(work), jobs)
        per = max(1, jobs // parallel)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            for entry in _bounded_map(pool, lambda t: self._reduce_one(t[0], t[1], per), work, parallel, self.stop):
                state.append(entry)
                group = next(g for g in groups if g.id == entry["id"])
                apply_reductions(group, state.reductions_of(group.id))

    def _reduce_one(self, group: Group, rep: dict[str, Any], jobs: int) -> dict[str, Any]:
        from reducer import stages
        from reducer.cause import skeleton
        from reducer.reduce import ReduceRequest, Reduction
        from reducer.repros import save_repro
        from reducer.signature import Expectation
        from reducer.source import load

        entry: dict[str, Any] = {
            "kind": "reduce",
            "id": group.id,
            "kernel": rep["kernel"],
            "example": rep["path"],
            "repros": str(self.req.repros),
        }
        out = self.req.out / "reduced" / f"{group.id}-{rep['kernel']}.mlir"
        label = f"{group.id}/{rep['kernel']}"
        t0 = time.monotonic()
        try:
            # The input is replayed, reduced and saved with the options it was checked with.
            options = Options.from_mapping(rep["options"])
            stage = stages.get(group.stage)
            request = ReduceRequest(
                source=load(Path(rep["path"]), stage),
                options=options,
                out=out,
                expect=Expectation(group.id),
                jobs=jobs,
                timeout=self.req.timeout,
                max_time=self.req.max_time_per_bug,
            )
            reduction = Reduction(request, status=lambda text: self._show(label, text))
            self.stop.adopt(reduction.stop)
            report = reduction.run()
            entry.update(
                reduced=str(out),
                ops=f"{report.ops_before} -> {report.ops_after}",
                tests=report.tests,
                stopped=report.stopped,
                skeleton=list(skeleton(report.text)),
            )
            with self._save_lock:  # repro numbering is read-then-write
                saved = save_repro(out, self.req.repros, options, stage, by_cause=True)
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
        self._progress.pop(label, None)
        return entry

    def _show(self, sig_id: str, text: str) -> None:
        self._progress[sig_id] = text
        self.status("reduce " + " | ".join(f"{k}: {v[:60]}" for k, v in list(self._progress.items())))

    def _matrix(self, groups: list[Group]) -> None:
        """Each group's verdict over the releases, from its example (with the options it failed with)."""
        from reducer import stages
        from reducer.matrix import run_matrix, verdict
        from reducer.releases import available
        from reducer.signature import Expectation

        listed: dict[str, list[str]] = {}
        for group in groups:
            if group.example is None:
                continue
            spec = stages.get(group.stage)
            if spec.wheel not in listed:
                listed[spec.wheel] = available(spec.wheel)[0]
            self.status(f"matrix: {group.id} on {len(listed[spec.wheel])} releases of {spec.wheel}")
            ir = Path(group.example["path"]).read_text(errors="replace")
            options = Options.from_mapping(group.example.get("options") or {})
            rows = run_matrix(spec, listed[spec.wheel], ir, options, RunEnv(), Expectation(group.id), self.req.timeout)
            group.releases = verdict(rows)

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
