"""`reducer matrix`: which releases of a stage's compiler show a bug (fixed in, regressed in).

Each release replays the IR with its own binary (`releases.release_tool`, verified before it runs) and the
stage's command line; a release that refuses the flags or cannot parse the IR is a tool error, not a verdict.
Results are cached per release binary, IR, options and knobs, so an offline run still answers for what it has
seen; an entry that does not parse or verify is measured again.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from reducer.errors import CommandLineRejected, ToolNotFound
from reducer.failure.outcome import Outcome, StrEnum
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation
from reducer.proc import atomic
from reducer.release.releases import (
    ReleaseUnavailable,
    cache_root,
    is_cached,
    private_dir,
    release_tool,
    trusted_path,
)
from reducer.stage.options import Options
from reducer.stage.run_env import RunEnv
from reducer.stage.table import StageSpec

_MATRIX_FORMAT = 2  # 2: an entry carries its inputs' digest (the binary's sha256 among them) and a check
_ENTRY_MAX = 64 * 1024  # one stored result: a few hundred bytes


class ReleaseVerdict(StrEnum):
    """What one release says about one bug. Not an outcome: it compares the release's run with the expected
    signature (SAME and OTHER are both failures; HEALTHY is PASSED or PASSED_MLIR), and TOOL_ERROR is no run
    at all (no binary, a refused command line, IR it cannot parse)."""

    SAME = "same-bug"
    OTHER = "other-failure"
    HEALTHY = "healthy"
    TOOL_ERROR = "tool-error"


SAME, OTHER, HEALTHY, TOOL_ERROR = ReleaseVerdict


@dataclass(frozen=True)
class ReleaseResult:
    package: str
    version: str
    outcome: ReleaseVerdict
    id: str | None  # the signature this release shows, if it fails
    same_bug: bool
    detail: str = ""
    seconds: float = 0.0
    cached: bool = False  # from an earlier run (the release could not be fetched now, or was already measured)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _inputs(spec: StageSpec, version: str, ir: str, options: Options, env: RunEnv, tool_sha256: str) -> str:
    """The digest of everything a release's verdict depends on, the binary's own bytes included."""
    text = json.dumps([_MATRIX_FORMAT, spec.name, version, ir, options.as_dict(), env.as_dict(), tool_sha256],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _check(inputs: str, stored: dict[str, object]) -> str:
    """Binds an entry's result to its inputs: an edit by hand, or an entry copied from another key, fails it."""
    return hashlib.sha256(json.dumps([inputs, stored], sort_keys=True).encode()).hexdigest()


# What a stored result holds, and the types it must have; anything else is not a result of this tool.
_STORED = {"package": (str,), "version": (str,), "outcome": (str,), "id": (str, type(None)), "detail": (str,),
           "seconds": (int, float)}


def _cached(path: Path, inputs: str, spec: StageSpec, version: str) -> ReleaseResult | None:
    """The stored result for `inputs`, or None when there is none or it does not parse or verify (then it is
    measured again and replaced): a cache entry never decides a verdict on its own word."""
    entry = _read_entry(path)
    if not isinstance(entry, dict) or set(entry) != {"format", "inputs", "result", "check"}:
        return None
    stored = entry["result"]
    if entry["format"] != _MATRIX_FORMAT or entry["inputs"] != inputs or not isinstance(stored, dict):
        return None
    if set(stored) != set(_STORED) or any(not isinstance(stored[k], t) for k, t in _STORED.items()):
        return None
    if entry["check"] != _check(inputs, stored) or (stored["package"], stored["version"]) != (spec.wheel, version):
        return None
    if stored["outcome"] not in {v.value for v in ReleaseVerdict}:
        return None
    if (stored["id"] is None) != (stored["outcome"] in (HEALTHY, TOOL_ERROR)):
        return None
    return ReleaseResult(spec.wheel, version, ReleaseVerdict(stored["outcome"]), stored["id"], False,
                         stored["detail"], stored["seconds"])


def _read_entry(path: Path) -> object:
    """An entry's JSON; None when missing, not a regular file of ours that only we may write, or not JSON."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        data = fh.read(_ENTRY_MAX + 1)
    try:
        return json.loads(data) if len(data) <= _ENTRY_MAX else None
    except (ValueError, RecursionError):  # not JSON, or nested past what the decoder takes
        return None


def _store(path: Path, inputs: str, result: ReleaseResult) -> None:
    stored = {k: v for k, v in result.to_dict().items() if k in _STORED}
    entry = {"format": _MATRIX_FORMAT, "inputs": inputs, "result": stored, "check": _check(inputs, stored)}
    private_dir(path.parent)
    atomic.write_text(path, json.dumps(entry, sort_keys=True) + "\n")
    os.chmod(path, 0o600)


def run_release(
    spec: StageSpec, version: str, ir: str, options: Options, env: RunEnv, expected: Expectation | None,
    timeout: float,
) -> ReleaseResult:
    """One release's verdict: from the result cache when an entry for exactly these inputs and this binary
    verifies, else by replaying with that release's binary (verified before it runs)."""
    t0 = time.monotonic()
    try:
        tool = release_tool(spec, version)
    except ReleaseUnavailable as err:
        return ReleaseResult(spec.wheel, version, TOOL_ERROR, None, False, str(err))
    inputs = _inputs(spec, version, ir, options, env, tool.sha256)
    # The folder must be the user's alone (else one line); an entry others may write is only measured again.
    path = trusted_path(cache_root() / "results") / f"{inputs[:24]}.json"
    hit = _cached(path, inputs, spec, version)
    if hit is not None:
        same = bool(expected and hit.id == expected.id)
        kind = (SAME if same else OTHER) if hit.outcome in (SAME, OTHER) else hit.outcome
        return ReleaseResult(**{**hit.to_dict(), "outcome": kind, "same_bug": same, "cached": True})
    try:
        obs = Replay(spec, options, timeout, env, tool=tool.path).observe(ir)
    except CommandLineRejected as err:
        result = ReleaseResult(spec.wheel, version, TOOL_ERROR, None, False, f"rejects the command line: {err}")
    except ToolNotFound as err:  # e.g. a release without the target's `-a5` binaries
        result = ReleaseResult(spec.wheel, version, TOOL_ERROR, None, False, f"tool missing in this release: {err}")
    else:
        sig = obs.signature
        same = bool(expected and expected.met_by(sig))
        if obs.outcome is Outcome.INVALID_INPUT:
            kind, detail = TOOL_ERROR, "does not parse this IR"
        elif sig is None:
            kind, detail = HEALTHY, obs.outcome.label
        else:
            kind, detail = (SAME if same else OTHER), sig.title
        result = ReleaseResult(spec.wheel, version, kind, sig.id if sig else None, same, detail)
    result = ReleaseResult(**{**result.to_dict(), "seconds": round(time.monotonic() - t0, 2)})
    if result.outcome != TOOL_ERROR or any(w in result.detail for w in ("rejects", "parse", "tool missing")):
        _store(path, inputs, result)
    return result


def run_matrix(
    spec: StageSpec, versions: list[str], ir: str, options: Options, env: RunEnv, expected: Expectation | None,
    timeout: float = 120.0,
) -> list[ReleaseResult]:
    return [run_release(spec, v, ir, options, env, expected, timeout) for v in versions]


def verdict(results: list[ReleaseResult]) -> str:
    """"in all releases", "fixed in X", "regressed in X", "only X", or the list (oldest first)."""
    judged = [r for r in results if r.outcome != TOOL_ERROR]
    if not judged:
        return "no release could be judged"
    hits = [r.same_bug for r in judged]
    names = [r.version for r in judged]
    if all(hits):
        return "in all releases" + (f" ({', '.join(names)})" if len(names) > 1 else f" (only {names[0]} tried)")
    if not any(hits):
        others = [f"{r.version} ({r.id})" for r in judged if r.outcome == OTHER]
        return "in none of the releases" + (f"; another failure in {', '.join(others)}" if others else "")
    first, last = hits.index(True), len(hits) - 1 - hits[::-1].index(True)
    if all(hits[first : last + 1]):
        if len(names) > 1 and first == last and 0 < first < len(hits) - 1:
            return f"only {names[first]}"
        if first == 0:
            after = judged[last + 1]
            return f"fixed in {after.version}" if after.outcome == HEALTHY else f"gone in {after.version} ({after.id})"
        if last == len(hits) - 1:
            return f"regressed in {names[first]}"
        return f"in {names[first]} to {names[last]} (regressed in {names[first]}, fixed in {names[last + 1]})"
    return "in " + ", ".join(n for n, h in zip(names, hits, strict=True) if h)


def fetched(spec: StageSpec, versions: list[str]) -> list[str]:
    """The releases whose binaries are here already (no download needed)."""
    return [v for v in versions if is_cached(spec, v)]
