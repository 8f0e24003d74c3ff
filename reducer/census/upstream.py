"""What upstream gets for each compiler bug of a census: the releases that show it (`reducer matrix`), a test in
the upstream suite's format (`reducer export-test`) and a ready issue (`reducer report`). Each bug's results are
kept beside the site, keyed on its repro's text and the compiler builds, and reused while both stay the same.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.proc import atomic
from reducer.safety.names import path_component


@dataclass(frozen=True)
class Upstream:
    releases: dict[str, str] | None  # release -> its result for this bug (same-bug, healthy, other, ...)
    verdict: str | None
    upstream_test: str | None  # relative to the site
    issue: str | None  # relative to the site
    reused: bool = False
    problems: tuple[str, ...] = ()  # what could not be made, one line each

    def to_dict(self) -> dict[str, Any]:
        return {"releases": self.releases, "verdict": self.verdict, "upstream_test": self.upstream_test,
                "issue": self.issue, "problems": list(self.problems)}


def _reducer(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reducer", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def _releases(repro: Path, site: Path, timeout: float, limit: list[str]
              ) -> tuple[dict[str, str] | None, str | None, str | None]:
    from reducer.release.matrix import ReleaseResult, ReleaseVerdict, verdict

    done = _reducer(["matrix", str(repro), "--json", *limit], site, timeout)
    try:
        rows = json.loads(done.stdout)
        results = [ReleaseResult(str(r["package"]), str(r["version"]), ReleaseVerdict(r["outcome"]), r.get("id"),
                                 bool(r["same_bug"])) for r in rows]
    except (ValueError, KeyError, TypeError):
        return None, None, f"matrix: {_last_line(done)}"
    return {r.version: str(r.outcome) for r in results}, verdict(results), None


def _exported(repro: Path, site: Path, folder: Path, timeout: float, limit: list[str]
              ) -> tuple[str | None, str | None]:
    done = _reducer(["export-test", str(repro), "-o", str(folder), *limit], site, timeout)
    tests = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    if done.returncode != 0 or not tests:
        return None, f"export-test: {_last_line(done)}"
    return tests[0].relative_to(site).as_posix(), None


def _issue(repro: Path, site: Path, folder: Path, timeout: float, limit: list[str]) -> tuple[str | None, str | None]:
    done = _reducer(["report", str(repro), "-o", str(folder), *limit], site, timeout)
    if done.returncode != 0 or not (folder / "issue.md").is_file():
        return None, f"report: {_last_line(done)}"
    return (folder / "issue.md").relative_to(site).as_posix(), None


def upstream_for(sig_id: str, repro: Path, site: Path, toolchain: dict[str, str], *, matrix: bool = True,
                 timeout: float = 1800.0, stage_timeout: float | None = None,
                 unpinned: str | None = None) -> Upstream:
    """The releases, the upstream test and the issue of the bug whose repro is `repro` (inside `site`).

    `unpinned` says why the bug has no lit repro (`repro` is then its reduced input, a hang say): it gets its
    releases and its issue, and no upstream test, for that reason. `stage_timeout` is one compiler run's hang limit.
    """
    safe = path_component(sig_id)
    blob = {"repro": repro.read_text(errors="replace"), "toolchain": toolchain, "matrix": matrix,
            "unpinned": bool(unpinned)}
    key = hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()
    store = site / "upstream" / f"{safe}.json"
    try:
        saved = json.loads(store.read_text())
        if saved.get("key") == key:
            return Upstream(saved["releases"], saved["verdict"], saved["upstream_test"], saved["issue"], True,
                            tuple(saved.get("problems") or ()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    limit = ["--timeout", str(stage_timeout)] if stage_timeout else []
    releases, verdict, problem = _releases(repro, site, timeout, limit) if matrix else (None, None, None)
    if unpinned:
        test, test_problem = None, f"export-test: not made: {unpinned}"
    else:
        test, test_problem = _exported(repro, site, site / "upstream" / safe, timeout, limit)
    issue, issue_problem = _issue(repro, site, site / "issues" / safe, timeout, limit)
    problems = tuple(p for p in (problem, test_problem, issue_problem) if p)
    result = Upstream(releases, verdict, test, issue, False, problems)
    atomic.write_text(store, json.dumps({"key": key, **result.to_dict()}, indent=1, sort_keys=True))
    return result
