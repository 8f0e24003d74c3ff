"""The fit search for one unit that hit a resource limit.

1. The unit as captured is specialised again and run: it must still hit the limit (its bits are the baseline).
2. The smallest specialisation (every power-of-two parameter at the floor): if even that overflows, no config
   fits, and the finding is a compiler-bug candidate (`anomaly`).
3. An autotuned kernel: every config of its list, to say which fit.
4. The lattice, nearest first, `jobs` at a time; a candidate at least as big as one that overflowed is skipped
   (memory grows with the tile). It stops at the first fit once nothing nearer is left undecided, or at the
   time budget (the smallest then stands as the fit).
5. The structurally equivalent forms (`anomaly`).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.failure.resource import resource_limit
from reducer.fit import anomaly
from reducer.fit.candidates import Candidate, is_block_name, nearest_first, smallest, tunables
from reducer.fit.recipe import NoSource, Recipe, read_recipe
from reducer.fit.respecialise import Respecialiser
from reducer.fit.result import Fit, FitResult
from reducer.fit.terms import FITS, OVERFLOWS
from reducer.fit.verdict import Verdict, VerdictCache
from reducer.proc import atomic
from reducer.stage.options import Options

DEFAULT_FIT_SECONDS = 120.0
RESULT = "fit.json"  # the search's result, beside the fitting input `fit.<kind>`
CACHE = "fit-cache.jsonl"


@dataclass
class FitRequest:
    recipe: Recipe
    out: Path  # the unit's fit folder: candidates' inputs, the fitting one kept as `fit.<kind>`
    jobs: int = 1
    budget: float = DEFAULT_FIT_SECONDS
    timeout: float = 120.0  # one stage run
    cache: VerdictCache | None = None
    status: Callable[[str], None] = field(default=lambda _text: None)


@dataclass
class _Tried:
    candidate: Candidate
    verdict: Verdict | None
    error: str | None = None
    path: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)  # an autotune config's launch options
    variant: str | None = None  # a structurally equivalent form of the source (`terms.VARIANTS`)

    def label(self, user: dict[str, int]) -> str:
        text = self.candidate.label(user)
        if self.options:
            text += " with " + " ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        return f"{text}, as {self.variant}" if self.variant else text


class FitSearch:
    def __init__(self, request: FitRequest) -> None:
        self.req = request
        self.recipe = request.recipe
        self.user = tunables(self.recipe.constants)
        self.options = Options.from_mapping({**self.recipe.options, "target": self.recipe.target},
                                            ignore_unknown=True)
        self.cache = request.cache or VerdictCache(None, {})
        self.result = FitResult(self.recipe.kernel)
        self.tried: list[_Tried] = []
        self.seen: dict[str, _Tried] = {}
        self.t0 = time.monotonic()

    def run(self) -> FitResult:
        out = self.req.out
        out.mkdir(parents=True, exist_ok=True)
        hits0 = self.cache.hits
        try:
            with Respecialiser(self.recipe, out / ".candidates") as worker:
                (out / ".candidates").mkdir(exist_ok=True)
                worker.start()
                self._search(worker)
        except NoSource as err:
            self.result.reason = f"no source: {err}"
            limit = resource_limit(str(self.recipe.record.get("error") or ""))
            if limit is not None:  # the capture's own run still says what the unit needs
                self.result.kind, self.result.requires_bits = limit.kind, limit.requires_bits
                self.result.available_bits = limit.available_bits
        self.result.seconds = time.monotonic() - self.t0
        self.result.cache_hits = self.cache.hits - hits0
        self.result.tried = len([t for t in self.tried if t.verdict is not None or t.error])
        self.result.tried_log = [_log(t) for t in self.tried]
        return self.result

    def _search(self, worker: Respecialiser) -> None:
        base = self.attempt(worker, Candidate((), 0))
        if base.verdict is None or base.verdict.status != OVERFLOWS:
            self.result.reason = _not_reproduced(base)
            if base.verdict is not None and base.verdict.status == FITS:
                self._keep_fit(base)  # the limit is gone as captured (another toolchain, another source)
            return
        self.result.limit_from(base.verdict)
        self._autotune(worker)
        if not self.user:
            self.result.reason = "no power-of-two compile-time parameter above the floor to shrink"
            self._keep_nearest(None)
        else:
            low = self.attempt(worker, smallest(self.user))
            if low.verdict is not None and low.verdict.status == OVERFLOWS:
                label = low.candidate.label(self.user)
                self.result.reason = f"the smallest specialisation tried ({label}) overflows"
                self.result.anomaly = anomaly.smallest_overflows(label, low.verdict, self.recipe.constants)
                if self.result.anomaly is None:
                    kept = ", ".join(anomaly.untunable(self.recipe.constants))
                    self.result.reason += f"; {kept} not shrunk (not a power of two): the config, not the compiler"
            elif low.verdict is not None and low.verdict.status == FITS:
                self._lattice(worker, low)
            else:
                self.result.reason = f"the smallest specialisation does not compile: {_why(low)}"
                self._keep_nearest(None)
        if self.result.anomaly is None:
            self.result.anomaly = anomaly.equivalent_form(self, worker)

    # --- candidates -----------------------------------------------------------------------

    def attempt(self, worker: Respecialiser, candidate: Candidate, options: dict[str, Any] | None = None,
                variant: str | None = None, constants: dict[str, Any] | None = None) -> _Tried:
        """Compile one candidate and judge it; one already tried (an autotune config that is also a lattice point)
        is not compiled again."""
        constants = constants if constants is not None else candidate.constants
        whole = [{**self.recipe.constants, **constants}, {**self.recipe.options, **(options or {})}, variant]
        key = json.dumps(whole, sort_keys=True, default=str)
        if key in self.seen:
            return self.seen[key]
        path, error = worker.compile(constants, options, variant)
        if path is None:
            tried = _Tried(candidate, None, error, options=options or {}, variant=variant)
        else:
            judge_options = self.options
            if options:  # an autotune config's own NPU options (multibuffer=...) reach the stage too
                judge_options = Options.from_mapping(
                    {**self.recipe.options, **options, "target": self.recipe.target}, ignore_unknown=True)
            verdict = self.cache.judge(self.recipe.stage, judge_options, path.read_text(), self.req.timeout)
            tried = _Tried(candidate, verdict, None, path, options=options or {}, variant=variant)
        self.seen[key] = tried
        if error != "absent":
            self.tried.append(tried)
            self.req.status(f"fit {self.recipe.kernel}: {tried.label(self.user)}: {_why(tried)}")
        return tried

    def _lattice(self, worker: Respecialiser, low: _Tried) -> None:
        """Nearest first, `jobs` at a time; the best fit once every nearer candidate is decided."""
        overflowed = [t.candidate for t in self.tried if t.verdict is not None and t.verdict.status == OVERFLOWS]
        best: _Tried | None = None
        pending = nearest_first(self.user)
        with ThreadPoolExecutor(max_workers=max(1, self.req.jobs)) as pool:
            while time.monotonic() - self.t0 < self.req.budget:
                batch: list[Candidate] = []
                for c in pending:
                    if best is not None and c.distance >= best.candidate.distance:
                        break
                    if any(c.covers(o, self.user) for o in overflowed):
                        self.result.implied += 1
                        continue
                    batch.append(c)
                    if len(batch) == max(1, self.req.jobs):
                        break
                if not batch:
                    break
                for t in pool.map(lambda c: self.attempt(worker, c), batch):
                    if t.verdict is not None and t.verdict.status == OVERFLOWS:
                        overflowed.append(t.candidate)
                    elif t.verdict is not None and t.verdict.status == FITS:
                        if best is None or t.candidate.distance < best.candidate.distance:
                            best = t
        if self._keep_nearest(low) is low and time.monotonic() - self.t0 >= self.req.budget:
            self.result.reason = "time budget spent: the smallest specialisation stands as the fit"

    def _keep_nearest(self, fallback: _Tried | None) -> _Tried | None:
        """Keep the nearest candidate that fitted (a lattice point or an autotune config), else `fallback`."""
        fits = [t for t in self.tried if t.verdict is not None and t.verdict.status == FITS
                and (t.candidate.changes or t.options) and t.variant is None]
        best = min(fits, key=lambda t: (*t.candidate.distance, len(t.options)), default=fallback)
        if best is not None:
            self.result.reason = None
            self._keep_fit(best)
        return best

    def _autotune(self, worker: Respecialiser) -> None:
        configs = worker.configs
        if len(configs) < 2:
            return
        names = set(self.recipe.constants)
        fit, over, other = [], [], []
        for i, config in enumerate(configs):
            constants = {k: v for k, v in config.items() if k in names}
            own = self.recipe.options  # only what differs from the unit's own launch tells the config apart
            options = {k: v for k, v in config.items() if k not in names and v is not None and own.get(k) != v}
            t = self.attempt(worker, _candidate_for(self.user, constants), options=options, constants=constants)
            status = t.verdict.status if t.verdict is not None else None
            (fit if status == FITS else over if status == OVERFLOWS else other).append(i)
        self.result.autotune = _autotune_summary(configs, names, fit, over, other, self.recipe.autotune_index)

    def _keep_fit(self, tried: _Tried) -> None:
        assert tried.path is not None and tried.verdict is not None
        kept = self.req.out / f"fit.{self.recipe.stage.input_kind}"
        shutil.copyfile(tried.path, kept)
        changes = {**tried.candidate.constants, **tried.options}
        config = {**self.recipe.params, **changes}
        requires = tried.verdict.requires_bits  # a fit's: printed only by the A5 binary (else None)
        shrinks = [k for k in tried.candidate.constants if not is_block_name(k)]
        self.result.fit = Fit(config, changes, requires, kept, shrinks)
        self.result.overflowed_first = sum(1 for t in self.tried if t.verdict and t.verdict.overflowed_first)


def _candidate_for(user: dict[str, int], constants: dict[str, Any]) -> Candidate:
    import math

    changes = tuple((k, v) for k, v in constants.items() if k in user and v != user[k])
    halvings = sum(abs(int(math.log2(user[k] / v))) for k, v in changes if isinstance(v, int) and v > 0)
    return Candidate(changes, halvings)


def _autotune_summary(configs: list[dict[str, Any]], names: set[str], fit: list[int], over: list[int],
                      other: list[int], own: int | None) -> dict[str, Any]:
    def spell(i: int) -> str:  # its compile-time parameters, else the launch options that tell it apart
        shown = [k for k in configs[i] if k in names] or [k for k in ("num_warps", "num_stages") if k in configs[i]]
        return " ".join(f"{k}={configs[i][k]}" for k in shown)

    sentence = f"{len(fit)} of {len(configs)} configs fit"
    if over:
        slots: dict[str, list[int]] = {}
        for i in over:
            slots.setdefault(spell(i), []).append(i + 1)
        sentence += f"; these {len(over)} overflow: " + "; ".join(
            f"{text} (slot{'s' if len(ids) > 1 else ''} {','.join(map(str, ids))})" for text, ids in slots.items())
    if other:
        sentence += f"; {len(other)} fail otherwise"
    return {"configs": len(configs), "fit": fit, "overflow": over, "other": other, "own": own,
            "sentence": sentence}


def _why(t: _Tried) -> str:
    if t.verdict is None:
        return f"does not reach the stage ({t.error})"
    if t.verdict.status == OVERFLOWS:
        return f"overflows ({t.verdict.requires_bits} bits)"
    return t.verdict.status if t.verdict.status == FITS else f"fails otherwise: {t.verdict.title}"


def _not_reproduced(base: _Tried) -> str:
    if base.verdict is None:
        return f"the unit as captured no longer compiles to its failing stage: {base.error}"
    if base.verdict.status == FITS:
        return "the unit as captured fits with the installed compilers"
    return f"the unit as captured fails otherwise: {base.verdict.title}"


def _log(t: _Tried) -> dict[str, Any]:
    return {"changes": t.candidate.constants, "options": t.options, "variant": t.variant, "result": _why(t),
            "seconds": t.verdict.seconds if t.verdict is not None else None}

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
    if cache is None:  # the user's cache folder (REDUCER_CACHE): never a file beside what they named
        from reducer.release.releases import cache_root

        cache = VerdictCache(cache_root() / CACHE, fingerprint(paths=False))
    request = FitRequest(recipe, out, jobs=jobs, budget=budget, timeout=timeout, cache=cache,
                         status=status or (lambda _t: None))
    result = FitSearch(request).run()
    _write(out, result)
    return result


def _write(out: Path, result: FitResult) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {**result.to_dict(relative_to=out), "kernel": result.kernel, "tried_log": result.tried_log}
    atomic.write_text(out / RESULT, json.dumps(data, indent=2, sort_keys=True) + "\n")
