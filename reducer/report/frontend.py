"""`reducer report CAPTURE/<launch folder>`: the upstream issue for a launch Triton's frontend rejected.

There is no IR to attach: the issue carries the exception, the launch's specialisation (argument types,
constexprs, launch keywords), the versions, and the shim that works around it when one is known. Redacted like
every report; nothing is written when private data would remain. A launch rejected only because it was written for
another triton-ascend release is refused: no one upstream has a bug to fix.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.capture.discovery import read_record
from reducer.capture.frontend import finding_of, version_incompatibility
from reducer.capture.record import RECORD
from reducer.errors import InputError
from reducer.failure.outcome import Outcome
from reducer.proc import atomic, outputs
from reducer.report.issue import Issue, fence, redacted, render_issue
from reducer.safety.names import code_span, markdown_text
from reducer.safety.redact import Redactor
from reducer.stage.table import all_stages
from reducer.stage.toolchain import package_version, versions

_ERROR_LINES = 25  # the tail of the traceback that names the frontend's own frames


@dataclass(frozen=True)
class FrontendReport:
    out_dir: Path
    issue: Path
    id: str
    title: str
    tracker: str
    tracker_url: str

    @property
    def message(self) -> str:
        return f"wrote {self.issue} ({self.id}: {self.title}); file it at {self.tracker}: {self.tracker_url}"


def _record_path(path: Path) -> Path:
    return path / RECORD if path.is_dir() else path


def is_frontend_finding(path: Path) -> bool:
    """A capture's launch folder (or its record.json) whose launch the frontend rejected."""
    record = _record_path(path)
    return record.name == RECORD and read_record(record).get("outcome") == Outcome.FRONTEND_ERROR


def _record(path: Path) -> dict[str, Any]:
    data = read_record(_record_path(path))
    if data.get("outcome") != Outcome.FRONTEND_ERROR:
        raise InputError(
            f"{_record_path(path)}: not the record of a frontend error",
            "pass a launch folder of `reducer capture`, or report a saved repro or a failing IR file",
        )
    why = version_incompatibility(data)
    if why:  # another release's API spelling: no bug in this release's frontend or compiler
        raise InputError(
            f"{_record_path(path)}: a version incompatibility, not a bug to report upstream ({why})",
            "port the kernel to the installed triton-ascend's API, or install the release it was written for",
        )
    return data


def _launch_rows(record: dict[str, Any]) -> list[str]:
    """The launch's facts, each name and value in a code span nothing in it can end."""
    rows = [f"- kernel: {code_span(record.get('kernel', '?'))}"]
    if record.get("signature"):
        args = ", ".join(f"{k}: {v}" for k, v in record["signature"].items())
        rows.append(f"- argument types: {code_span(args)}")
    if record.get("constants"):
        consts = ", ".join(f"{k}={v}" for k, v in sorted(record["constants"].items()))
        rows.append(f"- constexprs: {code_span(consts)}")
    if record.get("launch_options"):
        keys = ", ".join(f"{k}={v}" for k, v in sorted(record["launch_options"].items()))
        rows.append(f"- launch keywords: {code_span(keys)}")
    if record.get("autotune_config"):
        rows.append(f"- autotune config: {code_span(json.dumps(record['autotune_config'], sort_keys=True))}")
    rows.append(f"- target: {code_span(record.get('target', '?'))}")
    return rows


def frontend_issue(record: dict[str, Any]) -> tuple[str, Issue]:
    """(id, issue) for a frontend-error record."""
    sig, title, line = finding_of(record)
    error = record.get("error") or ""
    tail = "\n".join(error.strip().splitlines()[-_ERROR_LINES:])
    known = record.get("incompatibility") or {}
    installed = versions()
    env = [f"- {wheel}: {version}" for wheel, version in installed.items()]
    env += [
        f"- Python {platform.python_version()}, {platform.system()} {platform.machine()}, no NPU needed",
        f"- reported with reducer {package_version('reducer')}",
    ]
    intro = (
        f"Signature {code_span(sig)} (frontend). The launch is rejected by Triton's Python frontend for the Ascend "
        "backend before any compiler runs; the same kernel launches on other Triton backends."
    )
    happens = [fence(line)]
    if tail.strip() != line.strip():
        happens += ["", "<details><summary>traceback (last lines)</summary>", "", fence(tail), "", "</details>"]
    sections = [
        ("## Environment", env),
        ("## The launch", _launch_rows(record)),
        ("## What happens", happens),
        ("## Expected", [
            "The launch compiles (or the frontend says which Ascend limitation it hits, with the option to change)."
        ]),
    ]
    if known:
        sections.append(("## Workaround", [
            f"{code_span(known.get('name'))}: {markdown_text(known.get('summary'))}. With it the kernel reaches the "
            "compiler (`reducer capture` applies it and records both launches).",
        ]))
    return sig, Issue(markdown_text(title), [intro], sections)


def write_frontend_report(path: Path, out_dir: Path | None, secrets: tuple[str, ...] = ()) -> FrontendReport:
    record = _record(path)
    sig, found = frontend_issue(record)
    issue = redacted(Redactor.for_this_machine(tuple(secrets)), {"issue.md": render_issue(found)})["issue.md"]
    out_dir = out_dir if out_dir is not None else Path.cwd() / f"report-{sig}"
    target = out_dir / "issue.md"
    outputs.guard([_record_path(path)], [target], "report")
    atomic.write_text(target, issue)
    # The frontend ships with the first stage's wheel: it produces that stage's input.
    first = all_stages()[0]
    title = finding_of(record)[1]  # as it reads, for the terminal (`found.title` is markdown)
    return FrontendReport(out_dir, target, sig, title, first.tracker, first.tracker_url)
