"""Frontend findings: a launch that Triton's Python frontend rejected before any compiler ran.

There is no IR to reduce, so the finding is the exception itself: one signature per normalized exception line
(numbers, addresses and paths masked, so the same incompatibility in many kernels is one finding), titled by the
shim table's summary when it is a known incompatibility. A launch rejected only because the code was written for
another triton-ascend release (`shims.ALIASES`) is a version incompatibility: a finding of its own, never an
upstream bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reducer.capture.record import FRONTEND_STAGE
from reducer.capture.shims import version_error
from reducer.failure.masks import FRONTEND, digest, mask
from reducer.failure.outcome import Outcome

# Triton's CompilationError shows source lines first; the exception that explains it comes last.
_EXCEPTION = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Warning))\b[:(]?(.*)$")


def exception_line(error: str) -> str:
    """The line naming the exception (`KeyError: ...`), else the last non-empty line."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if _EXCEPTION.match(line):
            return line[:300]
    return (lines[-1] if lines else "")[:300]


def normalize(line: str) -> str:
    """The exception line through the masking table's frontend rules (numbers, addresses, paths)."""
    return mask(line, FRONTEND)


def version_incompatibility(record: dict[str, Any]) -> str | None:
    """What makes a unit a version incompatibility (it uses another release's API spelling); None otherwise."""
    known = record.get("incompatibility") or {}
    if known.get("kind") == "version":
        return str(known.get("summary") or known.get("name"))
    error = record.get("error") or ""
    if record.get("outcome") == Outcome.FRONTEND_ERROR and version_error(error):
        return f"written for another triton-ascend release: {exception_line(error)}"
    return None


@dataclass
class FrontendFinding:
    """Every launch the frontend rejected the same way."""

    id: str
    title: str
    error: str  # the exception line, as the first record had it
    incompatibility: str | None  # the shim table's name, when known
    kernels: set[str] = field(default_factory=set)
    folders: list[str] = field(default_factory=list)  # one capture folder per launch (what `report` takes)
    shimmed: int = 0  # launches whose shimmed retry reached the compiler
    version: str | None = None  # a version incompatibility (another release's API), not a bug: why


def finding_of(record: dict[str, Any]) -> tuple[str, str, str]:
    """(id, title, exception line) of a frontend-error record."""
    line = exception_line(record.get("error") or "")
    known = record.get("incompatibility") or {}
    if version_incompatibility(record):
        key, prefix = f"version:{normalize(line)}", "triton-ascend version"
    else:
        key, prefix = known.get("name") or normalize(line), "triton frontend"
    title = f"{prefix}: {normalize(line) or 'rejected the launch'}"
    # sha1, as these ids have always been: the same finding keeps its id in every triage and issue.
    return digest(f"{FRONTEND_STAGE}:{key}", "sha1"), title, line


def frontend_findings(records: list[dict[str, Any]]) -> list[FrontendFinding]:
    """One finding per signature, with the kernels and capture folders it covers."""
    found: dict[str, FrontendFinding] = {}
    for r in records:
        if r.get("outcome") != Outcome.FRONTEND_ERROR:
            continue
        sig, title, line = finding_of(r)
        known = (r.get("incompatibility") or {}).get("name")
        f = found.setdefault(sig, FrontendFinding(sig, title, line, known, version=version_incompatibility(r)))
        f.kernels.add(r.get("kernel", "?"))
        f.folders.append(r.get("folder", ""))
    for r in records:  # a retry that applied the finding's shim
        names = {s.get("name") for s in r.get("shims") or []}
        for f in found.values():
            if f.incompatibility in names and r.get("kernel") in f.kernels:
                f.shimmed += 1
    return sorted(found.values(), key=lambda f: (-len(f.kernels), f.id))
