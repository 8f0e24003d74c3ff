"""The reduction problem: the one place that holds the best text and decides what replaces it.

Passes only propose text. `prepare` normalises a proposal (parse + generic print) and rejects what does not
parse or is not smaller; `test` asks the predicate (cached, thread-safe); `accept` is called by the search in
candidate order, so the outcome does not depend on which thread answered first.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ModuleOp

from reducer.mlir.module import ParseError, count_ops, print_module
from reducer.mlir.structure import dangling_reference
from reducer.search.cache import ResultCache
from reducer.search.candidate import Candidate
from reducer.search.formats import Format

Predicate = Callable[[str], bool]


@dataclass
class PassStats:
    """What one pass bought: accepted candidates, tests it spent, bytes and ops it removed."""

    tests: int = 0
    invalid: int = 0
    accepted: int = 0
    bytes_saved: int = 0
    ops_saved: int = 0


@dataclass
class Stats:
    tests: int = 0
    cache_hits: int = 0
    invalid: int = 0
    not_smaller: int = 0
    pass_errors: Counter[str] = field(default_factory=Counter)  # "pass: exception" -> times
    accepted: int = 0
    per_pass: dict[str, PassStats] = field(default_factory=dict)
    current_pass: str = ""
    ops: int = 0
    bytes: int = 0

    def for_pass(self, name: str) -> PassStats:
        return self.per_pass.setdefault(name, PassStats())


class Problem:
    """Current best + predicate + stats, over texts of one `Format`.

    `reparse` makes module-pass candidates go through the full print + parse check too (slower, for debugging
    a pass that prints what the parser refuses).
    """

    def __init__(
        self,
        text: str,
        is_interesting: Predicate,
        *,
        format: Format,
        cache: ResultCache | None = None,
        on_improve: Callable[[str], None] | None = None,
        on_status: Callable[[Stats], None] | None = None,
        stop: threading.Event | None = None,
        reparse: bool = False,
    ) -> None:
        self.is_interesting = is_interesting
        self.reparse = reparse
        self.format = format
        self.cache = cache if cache is not None else ResultCache()
        self.on_improve = on_improve
        self.on_status = on_status
        self.stop = stop if stop is not None else threading.Event()
        self.stats = Stats()
        self._lock = threading.Lock()
        first = self._normalise(text)
        if first is None:
            raise ParseError(f"the initial text is not valid {format.name}")
        self.best = first
        self.stats.ops, self.stats.bytes = first.key

    @property
    def text(self) -> str:
        return self.best.text

    @property
    def module(self) -> ModuleOp | None:
        """The parsed best module; passes must clone it before editing."""
        return self.best.module

    def _normalise(self, raw: str) -> Candidate | None:
        return self.format.normalise(raw)

    def prepare(self, raw: str | None) -> Candidate | None:
        """A testable candidate, or None when it does not parse (counted invalid) or is not smaller."""
        if raw is None:
            return None
        cand = self._normalise(raw)
        with self._lock:
            if cand is None:
                self.stats.invalid += 1
                self.stats.for_pass(self.stats.current_pass).invalid += 1
                return None
            if cand.key >= self.best.key:
                self.stats.not_smaller += 1
                return None
        return cand

    def prepare_module(self, module: ModuleOp | None) -> Candidate | None:
        """Like `prepare`, for a module a pass edited in memory: checked for dangling references instead of
        re-parsed (unless `reparse`), and not even printed when it has more ops than the best."""
        if module is None:
            return None
        if self.reparse:
            return self.prepare(print_module(module))
        problem = dangling_reference(module)
        ops = count_ops(module)
        with self._lock:
            if problem is not None:
                self.stats.invalid += 1
                self.stats.for_pass(self.stats.current_pass).invalid += 1
                return None
            if ops > self.best.key[0]:
                self.stats.not_smaller += 1
                return None
        text = print_module(module)
        cand = Candidate(text, (ops, len(text)), module)
        with self._lock:
            if cand.key >= self.best.key:
                self.stats.not_smaller += 1
                return None
        return cand

    def test(self, cand: Candidate) -> bool:
        """Cached predicate call; safe to call from worker threads."""
        cached = self.cache.get(cand.text)
        if cached is not None:
            with self._lock:
                self.stats.cache_hits += 1
            return cached
        with self._lock:
            self.stats.tests += 1
            self.stats.for_pass(self.stats.current_pass).tests += 1
        verdict = bool(self.is_interesting(cand.text))
        self.cache.put(cand.text, verdict)
        if self.on_status is not None:
            self.on_status(self.stats)
        return verdict

    def accept(self, cand: Candidate, pass_name: str) -> bool:
        """Make `cand` the best if it is still smaller; tell the caller through `on_improve`."""
        with self._lock:
            if cand.key >= self.best.key:
                return False
            per = self.stats.for_pass(pass_name)
            per.accepted += 1
            per.ops_saved += self.best.key[0] - cand.key[0] if self.format.unit == "ops" else 0
            per.bytes_saved += self.best.key[1] - cand.key[1]
            self.best = cand
            self.stats.accepted += 1
            self.stats.ops, self.stats.bytes = cand.key
        if self.on_improve is not None:
            self.on_improve(cand.text)
        if self.on_status is not None:
            self.on_status(self.stats)
        return True
