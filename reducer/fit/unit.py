"""Fit one capture unit: read its recipe, search, write `fit.json` beside the fitting input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reducer.fit.recipe import NoSource, read_recipe
from reducer.fit.result import FitResult
from reducer.fit.search import DEFAULT_FIT_SECONDS, FitRequest, FitSearch
from reducer.fit.verdict import VerdictCache
from reducer.proc import atomic

RESULT = "fit.json"
CACHE = "fit-cache.jsonl"


def fit_unit(
    folder: Path,
    out: Path,
    *,
    jobs: int = 1,
    budget: float = DEFAULT_FIT_SECONDS,
    timeout: float = 120.0,
    cache: VerdictCache | None = None,
    status: Callable[[str], None] | None = None,
) -> FitResult:
    """The fit search for the unit in `folder`; its files under `out` (`fit.json`, `fit.<kind>`, candidates).
    A unit with no Python source to specialise again gets a result with `reason` "no source"."""
    from reducer.stage.toolchain import fingerprint

    try:
        recipe = read_recipe(folder)
    except NoSource as err:
        result = FitResult(folder.name, reason=f"no source: {err}")
        _write(out, result)
        return result
    if cache is None:
        cache = VerdictCache(out.parent / CACHE, fingerprint(paths=False))
    request = FitRequest(recipe, out, jobs=jobs, budget=budget, timeout=timeout, cache=cache,
                         status=status or (lambda _t: None))
    result = FitSearch(request).run()
    _write(out, result)
    return result


def _write(out: Path, result: FitResult) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {**result.to_dict(relative_to=out), "kernel": result.kernel, "tried_log": result.tried_log}
    atomic.write_text(out / RESULT, json.dumps(data, indent=2, sort_keys=True) + "\n")
