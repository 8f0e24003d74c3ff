"""`reducer matrix`: which releases of a stage's compiler show a bug (fixed in, regressed in).

Each release replays the IR with its own binary (`releases.tool_of`) and the stage's command line; a release
that refuses the flags or cannot parse the IR is a tool error, not a verdict. Results are cached per release,
IR, options and knobs, so an offline run still answers for what it has seen.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass

from reducer.errors import CommandLineRejected, ToolNotFound
from reducer.failure.outcome import Outcome, StrEnum
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation
from reducer.proc import atomic
from reducer.release.releases import ReleaseUnavailable, cache_root, is_cached, tool_of
from reducer.stage.options import Options
from reducer.stage.run_env import RunEnv
from reducer.stage.table import StageSpec

_MATRIX_FORMAT = 1


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


def _key(spec: StageSpec, version: str, ir: str, options: Options, env: RunEnv) -> str:
    text = json.dumps([_MATRIX_FORMAT, spec.name, version, ir, options.as_dict(), env.as_dict()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def run_release(
    spec: StageSpec, version: str, ir: str, options: Options, env: RunEnv, expected: Expectation | None,
    timeout: float,
) -> ReleaseResult:
    """One release's verdict: from the result cache, else by replaying with that release's binary."""
    path = cache_root() / "results" / f"{_key(spec, version, ir, options, env)}.json"
    if path.is_file():
        data = json.loads(path.read_text())
        data.update(cached=True, same_bug=bool(expected and data["id"] == expected.id))
        data["outcome"] = ReleaseVerdict(data["outcome"])
        if data["outcome"] in (SAME, OTHER):
            data["outcome"] = SAME if data["same_bug"] else OTHER
        return ReleaseResult(**data)
    t0 = time.monotonic()
    try:
        tool = tool_of(spec, version)
    except ReleaseUnavailable as err:
        return ReleaseResult(spec.wheel, version, TOOL_ERROR, None, False, str(err))
    try:
        obs = Replay(spec, options, timeout, env, tool=tool).observe(ir)
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
        stored = {k: v for k, v in result.to_dict().items() if k not in ("cached", "same_bug")}
        atomic.write_text(path, json.dumps(stored, sort_keys=True) + "\n")
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
