"""`reducer recheck`: replay every repro of a suite; a fixed one moves to repros/fixed/<stage>/, a header an older
reducer wrote gets today's ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reducer.errors import ReducerError
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation
from reducer.proc import atomic
from reducer.repro.artifact import refresh_ids
from reducer.repro.suite import RESOURCE_DIR, Repro, render, scan_repros
from reducer.stage.toolchain import versions


@dataclass(frozen=True)
class RecheckEntry:
    path: Path
    signature_id: str
    reproduces: bool
    outcome: str  # the replay's outcome class, or "broken"
    moved_to: Path | None
    problem: str = ""  # why a broken repro could not be judged
    old_id: str | None = None  # the id its header held, when an older reducer made it another way
    old_why: str = ""  # how that reducer made it
    refiled_to: Path | None = None  # where a repro now known to be a resource limit was moved (repros/resource/)


def recheck(root: Path, move: bool = True) -> list[RecheckEntry]:
    """Replay every repro with its own options; move those that now compile cleanly to repros/fixed/<stage>/.

    Only a clean compile counts as fixed: a repro that no longer parses (edited by hand, IR deleted) or that
    fails another way is reported, never moved. A file that cannot be read or fails the header's schema is
    reported (BROKEN) and skipped, and so is one whose replay or move fails: the others are still rechecked. A
    header whose id an older reducer made another way (`signature.stale_id`) is rewritten with today's, unless a
    dry run. Nothing is written through a symbolic link inside `root`.
    """
    repros, broken = scan_repros(root)
    entries = [RecheckEntry(path, "-", False, "broken", None, why) for path, why in broken]
    with atomic.owned(root):
        for repro in repros:
            try:
                entries.append(_recheck_one(root, repro, move))
            except (ReducerError, OSError) as err:
                why = err.one_line() if isinstance(err, ReducerError) else f"{err.strerror or err}: {err.filename}"
                entries.append(RecheckEntry(repro.path, repro.signature.id, False, "broken", None, why))
    return entries


def _recheck_one(root: Path, repro: Repro, move: bool) -> RecheckEntry:
    sig_id = repro.signature.id
    if not _has_ops(repro.ir):
        changed = refresh_ids(repro.path, repro.signature, write=move)
        return RecheckEntry(repro.path, sig_id, False, "broken", None, "the file holds no IR", *(changed or (None, "")))
    obs = Replay(repro.stage, repro.options, env=repro.env).observe(repro.ir)
    same = Expectation.of(repro.signature).met_by(obs.signature)
    changed = refresh_ids(repro.path, repro.signature, write=move, seen=obs.signature if same else None)
    problem = "the IR no longer parses or verifies" if obs.outcome is Outcome.INVALID_INPUT else ""
    moved = None
    if not same and move and obs.outcome in (Outcome.PASSED, Outcome.PASSED_MLIR):
        installed = ", ".join(f"{k} {v}" for k, v in versions().items())
        note = f"fixed: no longer fails with {installed} ({obs.outcome.value})"
        moved = _free_path(root / "fixed" / repro.stage.name / repro.path.name)
        fixed = render(repro.signature, repro.ir, "", repro.options, fixed_note=note, env=repro.env,
                       anomaly=repro.anomaly)
        atomic.write_text(moved, fixed)
        repro.path.unlink()
    refiled = _refile(root, repro) if changed and move and moved is None else None
    return RecheckEntry(repro.path, sig_id, same, obs.outcome.value, moved, problem, *(changed or (None, "")), refiled)


def _refile(root: Path, repro: Repro) -> Path | None:
    """A repro an older reducer filed as a bug that is a resource limit: moved to repros/resource/."""
    folder = root / RESOURCE_DIR
    if not repro.resource_only or repro.path.parent == folder:
        return None
    dest = _free_path(folder / repro.path.name)
    atomic.refuse_links(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    repro.path.rename(dest)
    return dest


def _has_ops(ir: str) -> bool:
    """Anything besides an empty module: an emptied repro compiles, and that is no fix."""
    body = re.sub(r"//[^\n]*", "", ir)
    body = re.sub(r"\bmodule\b(\s+attributes\s*\{[^{}]*\})?\s*\{\s*\}", "", body)
    return bool(body.strip())


def _free_path(path: Path) -> Path:
    """`path`, or `stem-2`, `stem-3`... when a file is already there: a move never overwrites."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate
