"""The sweep's orchestration: check every unit, group, reduce one input per group, save, write the triage."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.capture.discovery import read_records
from reducer.capture.frontend import frontend_findings
from reducer.errors import ClusterError, ReducerError
from reducer.proc import atomic, locks
from reducer.safety.artifacts import HEADER_KIND, Broken, Unusable, shown
from reducer.safety.names import path_component
from reducer.stage.options import Options
from reducer.stage.run_env import RunEnv
from reducer.sweep.executor import Executor, TaskLost
from reducer.sweep.fits import FIT_DIR, fit_summary, run_fits, with_fits
from reducer.sweep.groups import FIXED, KNOWN, NEW, NOT_REDUCED, Group, apply_reductions, group_checks
from reducer.sweep.ray_executor import open_executor
from reducer.sweep.render import RENDERERS
from reducer.sweep.rows import kernel_rows, unit_rows
from reducer.sweep.state import STATE, State
from reducer.sweep.tasks import ReduceDone, ReduceJob, check_job, os_problem, reduce_job, toolchain_identity
from reducer.sweep.triage import SweepResult, write_triage
from reducer.sweep.units import captured_entry, check_job_of, units_of

# A group whose reductions all ended with no repro tries the next kernel of the group, this many times.
RETRY_ROUNDS = 2


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
    fit: bool = True  # the fit search for every unit that hit a resource limit
    fit_time: float = 120.0  # seconds one unit's fit search may take
    ray: str | None = None  # a Ray cluster's address (or `auto`) to run the tasks on; None: threads here


class Sweep:
    def __init__(self, request: SweepRequest, status: Callable[[str], None] | None = None) -> None:
        self.req = request
        self.status = status or (lambda _text: None)
        self.stop = threading.Event()  # set by Ctrl-C: nothing new starts, reductions keep their best
        self.lost = 0
        self.transient = 0  # reductions that failed for a transient reason: not recorded, retried by the next run
        self.unusable = Unusable()  # broken artifacts and skipped files: reported, never the end of the run
        self.setup = 0.0  # seconds to reach the executor (connecting to a cluster, shipping the code)

    def run(self) -> SweepResult:
        # Two sweeps on one folder would both do all the work and write contradictory triage tables.
        # Nothing is written through a link planted in the folders it writes (proc/atomic.py).
        writes = (STATE, "reduced", FIT_DIR, "fit-cache.jsonl", *RENDERERS)
        with (
            locks.exclusive(self.req.out, wait=False, what="sweep"),
            atomic.owned(self.req.out, writes),
            atomic.owned(self.req.repros),
        ):
            t0 = time.monotonic()
            executor = open_executor(self.req.ray, self.req.jobs)
            self.setup = time.monotonic() - t0
            try:
                return self._run(executor)
            finally:
                executor.close()

    def _run(self, executor: Executor) -> SweepResult:
        req = self.req
        t0 = time.monotonic()
        state = State(req.out / STATE, self.unusable)
        units = units_of(req.root, req.options, self.unusable)
        todo = [u for u in units if u.key not in state.checks]
        resumed = len(units) - len(todo)
        for unit in todo:
            if unit.captured is not None:
                state.append(captured_entry(unit))
        run = [u for u in todo if u.captured is None]
        where = "" if executor.local else f" on {executor.name} ({executor.capacity} CPUs)"
        self.status(
            f"check: {resumed}/{len(units)} from the state file, {len(todo) - len(run)} passed in the capture, "
            f"{len(run)} to run{where}"
        )
        settled = done = len(todo) - len(run)
        jobs = (check_job_of(u, req.timeout) for u in run)
        for job, entry in executor.map(check_job, jobs, self.stop, cancel_on_stop=True):
            if isinstance(entry, TaskLost):
                self.lost += 1
                self.status(f"check of {job.kernel} lost with its worker ({entry.reason}); the next run redoes it")
                continue
            _same_toolchain(entry.pop("toolchain"))
            state.append(entry)
            done += 1
            failing = sum(1 for e in state.checks.values() if e.get("failure"))
            self.status(
                f"check {resumed + done}/{len(units)} files, {failing} failing, last {entry['kernel']}: "
                f"{entry['outcome']}"
            )
        keys = {u.key for u in units}
        records = read_records(req.root, self.unusable)
        fits = run_fits(
            [state.checks[k] for k in keys if k in state.checks], records, req.out, enabled=req.fit, jobs=req.jobs,
            budget=req.fit_time, timeout=req.timeout, status=self.status, stop=self.stop,
        )
        # A resource limit the fit search found anomalous is a compiler-bug candidate: grouped like any bug.
        checks = {k: dict(e, anomaly=fits.anomalies[k]) if k in fits.anomalies else e for k, e in state.checks.items()}
        entries = [checks[k] for k in keys if k in checks]
        groups = group_checks(entries)
        if not self.stop.is_set():
            self._reduce_all(executor, groups, state, reduce=req.reduce)
        self._mark_fixed(groups)
        if req.matrix and not self.stop.is_set():
            self._matrix(groups)
        by_path = {}
        for u in units:
            if u.key in checks:
                for path in (u.path, *u.copies):
                    by_path[str(path)] = checks[u.key]
        rows = with_fits(unit_rows(by_path, records), fits)
        frontend = frontend_findings(records)
        result = SweepResult(
            req.out, len(units), resumed, done, kernel_rows(rows), groups, frontend, time.monotonic() - t0, rows,
            replayed=done - settled, lost=self.lost, executor=executor.name, executor_setup=self.setup,
            fits=fit_summary(fits), unusable=self.unusable, transient=self.transient, warnings=self._warnings(),
        )
        write_triage(result, str(req.root), req.options)
        return result

    # --- phase 2 ------------------------------------------------------------------------------

    def _reduce_all(self, executor: Executor, groups: list[Group], state: State, reduce: bool) -> None:
        """Reduce one input per kernel of each signature (up to the limit), breadth first so every signature gets
        its first reduction before any gets its second; then each group's reductions are merged into causes."""
        suite = self._suite()
        todo: list[tuple[int, int, Group, dict[str, Any]]] = []
        for group in groups:
            done = state.reductions_of(group.id)
            # A repro deleted or moved since: the suite decides (known elsewhere, or reduce again).
            done = [e for e in done if not (e.get("repro") and not Path(e["repro"]).is_file())]
            reps = group.representatives(self.req.kernels_per_signature)
            known = _repro_of(group, suite)
            if not done and known is not None and not self.req.reduce_known:
                group.status, group.repro = KNOWN, str(known)
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
        for _ in range(RETRY_ROUNDS + 1):
            if not todo or self.stop.is_set():
                return
            self._reduce_round(executor, todo, state)
            todo = self._retries(groups, state)

    def _retries(self, groups: list[Group], state: State) -> list[tuple[int, int, Group, dict[str, Any]]]:
        """A group none of whose reductions gave a repro tries its next kernel (each failure is in triage.md)."""
        todo = []
        for group in groups:
            done = state.reductions_of(group.id)
            if not done or any(e.get("status") in (NEW, KNOWN) for e in done):
                continue
            tried = {e.get("kernel") for e in done}
            untried = [rep for rep in group.representatives(len(group.by_kernel)) if rep["kernel"] not in tried]
            if untried:
                todo.append((0, untried[0]["bytes"], group, untried[0]))
        return todo

    def _reduce_round(
        self, executor: Executor, todo: list[tuple[int, int, Group, dict[str, Any]]], state: State
    ) -> None:
        todo.sort(key=lambda t: (t[0], t[1]))
        capacity = executor.capacity
        parallel = min(len(todo), capacity)
        # Each reduction asks for its share of the CPUs, at most -j, and never more than one node has.
        per = max(1, min(self.req.jobs, capacity // parallel, executor.max_task_cpus))
        work: dict[str, tuple[Group, dict[str, Any]]] = {}
        jobs = []
        for *_, group, rep in todo:
            job = self._reduce_job(group, rep, per, executor.local)
            if job is not None:
                work[job.label] = (group, rep)
                jobs.append(job)
        # Saved in the order planned, whatever order they finish in: the repros' numbers do not depend on
        # timing or on the executor. A result waits for the ones before it (its files are written at once).
        order = {job.label: i for i, job in enumerate(jobs)}
        arrived: dict[int, tuple[ReduceJob, ReduceDone | TaskLost]] = {}
        due = 0
        for job, done in executor.map(reduce_job, jobs, self.stop, cpus=per, tick=self._show):
            if not isinstance(done, TaskLost):
                _same_toolchain(done.toolchain)
                try:
                    self._keep_files(job, done)
                except OSError as err:
                    done.transient = done.transient or os_problem(err)
            arrived[order[job.label]] = (job, done)
            while due in arrived:
                self._settle(*arrived.pop(due), work, state)
                due += 1
        for i in sorted(arrived):  # after a stop, past the tasks that never started
            self._settle(*arrived.pop(i), work, state)

    def _settle(
        self, job: ReduceJob, done: ReduceDone | TaskLost, work: dict[str, tuple[Group, dict[str, Any]]], state: State
    ) -> None:
        group, rep = work[job.label]
        if isinstance(done, TaskLost):
            self.lost += 1
            group.note = f"a reduction was lost with its worker ({done.reason}); the next run redoes it"
            return
        why = done.transient
        if not why:
            try:
                entry = self._record(group, rep, job, done)
            except OSError as err:
                why = os_problem(err)
            else:
                state.append(entry)
                apply_reductions(group, state.reductions_of(group.id))
                return
        # Not stored as "not reduced": a full disk or a link refused is no verdict on the kernel.
        self.transient += 1
        group.note = f"a reduction failed for a transient reason ({why}); not recorded: the next run retries it"

    @staticmethod
    def _keep_files(job: ReduceJob, done: ReduceDone) -> None:
        """A reduction that ran elsewhere sent its files back: write them where a local one writes in place."""
        if not job.in_place:
            out = Path(job.out)
            for name, text in done.files.items():
                atomic.write_text(out.with_name(Path(name).name), text)

    def _reduce_job(self, group: Group, rep: dict[str, Any], jobs: int, local: bool) -> ReduceJob | None:
        from reducer.stage.source import read_text

        try:
            text = read_text(Path(rep["path"]))
        except ReducerError as err:
            group.note = err.one_line()
            return None
        out = self.req.out / "reduced" / (path_component(f"{group.id}-{rep['kernel']}") + ".mlir")
        return ReduceJob(
            group.sig_id or group.id, rep["kernel"], rep["path"], group.stage, rep["options"], text, jobs,
            self.req.timeout, self.req.max_time_per_bug, str(out), in_place=local, group=group.id,
        )

    def _record(self, group: Group, rep: dict[str, Any], job: ReduceJob, done: ReduceDone) -> dict[str, Any]:
        """The driver's half of a reduction: save the repro (one save at a time: the numbering reads the folder,
        then writes) and make the state entry."""
        from reducer.repro.suite import save_repro
        from reducer.stage import table as stages

        out = Path(job.out)
        entry: dict[str, Any] = {
            "kind": "reduce",
            "id": group.id,
            "kernel": rep["kernel"],
            "example": rep["path"],
            "repros": str(self.req.repros),
            **done.fields,
            "reduced": str(out) if out.is_file() else None,
            "seconds": done.seconds,
        }
        if done.text is None:
            entry["status"] = NOT_REDUCED
            entry["note"] = entry.get("note") or "the reduction ended with no result and gave no reason"
            return entry
        try:
            options = Options.from_mapping(rep["options"])
            saved = save_repro(out, self.req.repros, options, stages.get(group.stage), by_cause=True,
                               anomaly=group.anomaly)
            entry.update(status=NEW if saved.status == "new" else KNOWN, repro=str(saved.path), note=saved.message)
        except ReducerError as err:
            entry.update(status=NOT_REDUCED, note=err.one_line())
        except OSError:
            raise  # transient (a full disk): `_settle` records nothing
        except Exception as err:  # a reducer bug on one kernel must not end a sweep of hundreds
            entry.update(status=NOT_REDUCED, note=f"internal error: {type(err).__name__}: {err}")
        return entry

    def _warnings(self) -> list[str]:
        from reducer.repro.lit_setup import lit_unsafe

        unsafe = lit_unsafe(self.req.repros) if self.req.reduce else None
        return [unsafe] if unsafe else []

    def _suite(self, include_fixed: bool = False) -> list[Any]:
        """The repros of --repros; one whose header is broken is reported (BROKEN) and left out."""
        from reducer.repro.suite import scan_repros

        if not self.req.repros.is_dir():
            return []
        found, broken = scan_repros(self.req.repros, include_fixed)
        for path, why in broken:
            self.unusable.add(Broken(shown(path), HEADER_KIND, why))
        return found

    def _show(self, progress: dict[str, str]) -> None:
        if progress:
            self.status("reduce " + " | ".join(f"{k}: {v[:60]}" for k, v in sorted(progress.items())))

    def _matrix(self, groups: list[Group]) -> None:
        """Each group's verdict over the releases, from its example (with the options it failed with)."""
        from reducer.release.matrix import run_matrix, verdict
        from reducer.release.releases import available
        from reducer.stage import table as stages

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
            rows = run_matrix(spec, listed[spec.wheel], ir, options, RunEnv(), group.expectation(), self.req.timeout)
            group.releases = verdict(rows)

    def _mark_fixed(self, groups: list[Group]) -> None:
        """A signature whose repro was moved to repros/fixed/ but shows up again is flagged, whatever else."""
        if not self.req.repros.exists():
            return
        every = self._suite(include_fixed=True)
        fixed = [r for r in every if "fixed" in r.path.relative_to(self.req.repros).parts]
        current = [r for r in every if r not in fixed]
        for group in groups:
            was_fixed = _repro_of(group, fixed)
            if was_fixed is not None and _repro_of(group, current) is None:
                group.status, group.repro = FIXED, str(was_fixed)
                group.note = "its repro is marked fixed, yet this sweep hits it again: a regression or another trigger"


def _repro_of(group: Group, repros: list[Any]) -> Path | None:
    """The repro in `repros` that shows this group's bug (a bare crash: by its pass and frames, not its id alone)."""
    expected = group.expectation()
    return next((r.path for r in repros if expected.met_by(r.signature)), None)


def _same_toolchain(theirs: dict[str, str]) -> None:
    """A worker with other compilers than the driver's gives signatures that do not compare: stop the sweep."""
    mine = toolchain_identity()
    if theirs != mine:
        diff = "; ".join(f"{k}: {theirs.get(k)} there, {mine.get(k)} here" for k in mine if theirs.get(k) != mine[k])
        raise ClusterError(
            f"a worker runs other compilers than this machine ({diff})",
            "install the same triton-ascend and ascendnpu-ir wheels on every node (README: Sweeps on a Ray cluster)",
        )
