"""`reducer script`'s work: read a unit's record, render its script, check it shows the unit's bug, shrink it
when asked, and write `repro.py` (and `inputs.pt` with `--with-data`) atomically."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.errors import InputError
from reducer.failure.signature import Expectation, Signature
from reducer.proc import atomic
from reducer.script.check import script_signature, unit_signature
from reducer.script.fast_check import FastCheck
from reducer.script.kernel_source import KernelSource, extract
from reducer.script.render import Script, render, source_text
from reducer.script.shrink import Shrunk, code_lines, shrink
from reducer.script.unit import read_unit, roots_of


@dataclass(frozen=True)
class Written:
    path: Path
    script: Script
    expected: Signature | None  # the unit's signature
    shown: Signature | None  # what capturing the written script shows (None when not checked)
    shrunk: Shrunk | None = None

    @property
    def same(self) -> bool:
        return self.expected is not None and Expectation.of(self.expected).met_by(self.shown)


def write_script(folder: Path, out: Path, *, with_data: bool = False, check: bool = True, reduce: bool = False,
                 budget: float = 900.0, status: Callable[[str], None] | None = None) -> Written:
    record = read_unit(folder)
    roots = roots_of(folder, record)
    kernel = str(record.get("fn_qualname") or record.get("kernel") or "").rsplit(".", 1)[-1]
    text, _ = source_text(record, roots)
    try:
        source = extract(text, kernel)
    except (ValueError, SyntaxError) as err:
        raise InputError(f"{folder}: cannot cut kernel {kernel} out of its file: {err}",
                         "the kernel must be a module-level @triton.jit function") from None
    script = render(record, roots, with_data=with_data, source=source)
    expected = unit_signature(folder, record) if check or reduce else None
    shrunk = None
    if reduce and expected is not None:
        shrunk = _shrink(folder, record, roots, source, Expectation.of(expected), with_data, budget, status)
        script = render(shrunk.record, roots, with_data=with_data, source=shrunk.source)
    _write(out, script, folder if script.data else None)
    shown = script_signature(out, kernel, str(record.get("target") or "Ascend910B3")) if check else None
    return Written(out, script, expected, shown, shrunk)


def _shrink(folder: Path, record: dict[str, Any], roots: list[Path], source: KernelSource, wanted: Expectation,
            with_data: bool, budget: float, status: Callable[[str], None] | None) -> Shrunk:
    """Shrink through the worker when it agrees with a capture on the kernel as extracted, else by capturing
    every candidate; the result is captured once more, and if that disagrees, the last step that a capture
    confirms stands (bisecting the accepted steps)."""
    kernel = source.kernel
    target = str(record.get("target") or "Ascend910B3")

    def captured(cut: KernelSource, cut_record: dict[str, Any]) -> bool:
        return wanted.met_by(_try(render(cut_record, roots, with_data=with_data, source=cut), folder, kernel,
                                  target, with_data))

    with tempfile.TemporaryDirectory(prefix="reducer-script-fast-") as scratch, \
            FastCheck(folder, record, wanted, Path(scratch)) as fast:
        if not fast.start(source):
            return shrink(source, record, captured, budget=budget, status=status)
        done = shrink(source, record, lambda cut, _record: fast.shows(cut), budget=budget, status=status)
    if len(done.history) <= 1 or captured(done.source, done.record):
        return done
    good, bad = 0, len(done.history) - 1  # the original shows it (checked before); the last step does not
    while bad - good > 1:
        mid = (good + bad) // 2
        if captured(*done.history[mid]):
            good = mid
        else:
            bad = mid
    cut, cut_record = done.history[good]
    lines = code_lines("\n\n\n".join(cut.definitions))
    return Shrunk(cut, cut_record, done.tests, done.lines_before, lines, done.history[: good + 1])


def _try(script: Script, folder: Path, kernel: str, target: str, with_data: bool) -> Signature | None:
    with tempfile.TemporaryDirectory(prefix="reducer-script-try-") as scratch:
        path = Path(scratch) / "repro.py"
        _write(path, script, folder if script.data else None)
        return script_signature(path, kernel, target)


def _write(out: Path, script: Script, data_from: Path | None) -> None:
    atomic.write_text(out, script.text)
    if data_from is not None:
        shutil.copyfile(data_from / "inputs.pt", out.with_name("inputs.pt"))
