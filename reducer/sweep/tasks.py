"""The sweep's two tasks, as an executor runs them: here or on another machine. Each takes plain data (the IR
text travels in the job, not as a path) and returns plain data; the driver writes every file that stays."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.errors import ReducerError
from reducer.repro.artifact import sidecar_path
from reducer.sweep.executor import Channel
from reducer.sweep.units import CheckJob

STOP_POLL = 1.0  # seconds between a reduction's looks at the channel's stop flag


def toolchain_identity() -> dict[str, str]:
    """Version and build of every stage's binary on this machine, which the driver compares with its own."""
    from reducer.stage.toolchain import fingerprint

    return fingerprint(paths=False)


def check_job(job: CheckJob, _channel: Channel) -> dict[str, Any]:
    """Replay one file once; the small dict that goes into the state file (plus the worker's toolchain)."""
    from reducer.failure.check import check_file
    from reducer.failure.outcome import Outcome
    from reducer.failure.signature import ID_SCHEME
    from reducer.stage import table as stages
    from reducer.stage.options import Options
    from reducer.stage.source import Source

    entry = {**job.entry(), "toolchain": toolchain_identity()}
    t0 = time.monotonic()
    try:
        if job.text is None:
            raise ReducerError(job.error or f"{job.path}: unreadable")
        source = Source(Path(job.path), job.text, stages.get(job.stage))
        report = check_file(
            source, Options.from_mapping(job.options), runs=1, timeout=job.timeout, explore_knobs=False
        )
    except ReducerError as err:
        entry.update(outcome=Outcome.UNREADABLE, id=None, title=err.one_line(), failure=False, bug=False)
    else:
        sig = report.signature
        entry.update(
            outcome=report.outcome.value,
            failure=report.outcome.is_failure,
            bug=report.outcome.is_bug,  # False for a resource limit: a failure, but the user's to fix
            id=sig.id if sig else None,
            id_scheme=ID_SCHEME,
            title=sig.title if sig else report.outcome.label,
        )
        if report.resource is not None:
            entry.update(resource=report.resource.to_dict())
        if sig is not None and sig.bare:
            # Two bare crashes of one pass share an id; the frames each run showed tell them apart in the triage.
            entry.update(signature=sig.to_dict())  # with its stack
    entry["seconds"] = round(time.monotonic() - t0, 3)
    return entry


@dataclass(frozen=True)
class ReduceJob:
    sig_id: str
    kernel: str
    path: str  # the driver's path of the input: messages only
    stage: str
    options: dict[str, Any]
    text: str
    jobs: int
    timeout: float
    max_time: float | None
    out: str  # where the driver keeps the result
    in_place: bool = False  # a local executor: write `out` as the reduction goes (an interrupted sweep keeps it)
    group: str = ""  # the triage group's key (`ID.2` for a second bare crash of one pass); default: the id

    @property
    def label(self) -> str:
        return f"{self.group or self.sig_id}/{self.kernel}"


@dataclass
class ReduceDone:
    fields: dict[str, Any]  # ops, tests, stopped, skeleton; or a note when the reduction failed
    text: str | None  # the reduced IR; None when nothing was reduced
    files: dict[str, str] = field(default_factory=dict)  # every file the reduction wrote, by name, with its text
    toolchain: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # Why it failed for a reason a rerun may not meet (a full disk, an I/O error): never recorded as final.
    transient: str = ""


def reduce_job(job: ReduceJob, channel: Channel) -> ReduceDone:
    """Reduce one input while its signature holds; the channel's stop ends it with the best result kept."""
    t0 = time.monotonic()
    if job.in_place:
        return _reduce_in(Path(job.out), job, channel, t0)
    with tempfile.TemporaryDirectory(prefix="reducer-task-") as scratch:
        done = _reduce_in(Path(scratch) / Path(job.out).name, job, channel, t0)
    # The sidecar names the files it wrote: name them where the driver keeps them, not in this scratch folder.
    here, there = json.dumps(scratch)[1:-1], json.dumps(str(Path(job.out).parent))[1:-1]
    for name, text in done.files.items():
        if name.endswith(".json"):
            done.files[name] = text.replace(here, there)
    return done


def _reduce_in(out: Path, job: ReduceJob, channel: Channel, t0: float) -> ReduceDone:
    from reducer.failure.cause import skeleton
    from reducer.failure.signature import Expectation
    from reducer.reduce.reduction import ReduceRequest, Reduction, level_path
    from reducer.stage import table as stages
    from reducer.stage.options import Options
    from reducer.stage.source import Source

    done = ReduceDone(fields={}, text=None, toolchain=toolchain_identity())
    finished = threading.Event()
    try:
        stage = stages.get(job.stage)
        request = ReduceRequest(
            source=Source(Path(job.path), job.text, stage),
            options=Options.from_mapping(job.options),
            out=out,
            expect=Expectation(job.sig_id),
            jobs=job.jobs,
            timeout=job.timeout,
            max_time=job.max_time,
        )
        reduction = Reduction(request, status=lambda text: channel.show(job.label, text))
        threading.Thread(target=_watch, args=(channel, reduction.stop, finished), daemon=True).start()
        report = reduction.run()
        done.text = report.text
        done.fields.update(
            ops=f"{report.ops_before} -> {report.ops_after}",
            tests=report.tests,
            stopped=report.stopped,
            skeleton=list(skeleton(report.text)),
            triggered_by=report.sources.shown() if report.sources is not None else [],
        )
    except ReducerError as err:
        done.fields.update(note=err.one_line())
    except OSError as err:  # a full disk, an I/O error: the next run tries again
        done.transient = os_problem(err)
    except Exception as err:  # a reducer bug on one kernel must not end a sweep of hundreds
        done.fields.update(note=f"internal error: {type(err).__name__}: {err}")
    finally:
        finished.set()
        channel.show(job.label, "")
    try:
        for path in (out, sidecar_path(out), level_path(out)):
            if path.is_file():
                done.files[path.name] = path.read_text(errors="replace")
    except OSError as err:
        done.transient = done.transient or os_problem(err)
    done.seconds = round(time.monotonic() - t0, 2)
    return done


def os_problem(err: OSError) -> str:
    """An OSError in a few words, naming its file: `No space left on device: /x/reduced/a.mlir`."""
    what = err.strerror or str(err) or type(err).__name__
    return f"{what}: {err.filename}" if err.filename else what


def _watch(channel: Channel, stop: threading.Event, finished: threading.Event) -> None:
    while not finished.wait(STOP_POLL):
        if channel.stopped():
            stop.set()
            return
