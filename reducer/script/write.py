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
from reducer.safety import artifacts
from reducer.script.check import script_signature, unit_signature
from reducer.script.kernel_source import KernelSource, extract
from reducer.script.render import Script, render, source_text
from reducer.script.shrink import Shrunk, shrink


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


def read_unit(folder: Path) -> dict[str, Any]:
    record = artifacts.read(folder / "record.json", artifacts.RECORD_KIND, artifacts.RECORD)
    if record is None:
        raise InputError(f"{folder}: not a capture unit (no record.json)", "give a unit folder of `reducer capture`")
    return record


def roots_of(folder: Path, record: dict[str, Any]) -> list[Path]:
    cwd = record.get("cwd")
    return [folder, *([Path(cwd)] if isinstance(cwd, str) else []), Path.cwd()]


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
        target = str(record.get("target") or "Ascend910B3")
        wanted = Expectation.of(expected)

        def shows(cut: KernelSource, cut_record: dict[str, Any]) -> bool:
            return wanted.met_by(_try(render(cut_record, roots, with_data=with_data, source=cut), folder, kernel,
                                      target, with_data))

        shrunk = shrink(source, record, shows, budget=budget, status=status)
        script = render(shrunk.record, roots, with_data=with_data, source=shrunk.source)
    _write(out, script, folder if script.data else None)
    shown = script_signature(out, kernel, str(record.get("target") or "Ascend910B3")) if check else None
    return Written(out, script, expected, shown, shrunk)


def _try(script: Script, folder: Path, kernel: str, target: str, with_data: bool) -> Signature | None:
    with tempfile.TemporaryDirectory(prefix="reducer-script-try-") as scratch:
        path = Path(scratch) / "repro.py"
        _write(path, script, folder if script.data else None)
        return script_signature(path, kernel, target)


def _write(out: Path, script: Script, data_from: Path | None) -> None:
    atomic.write_text(out, script.text)
    if data_from is not None:
        shutil.copyfile(data_from / "inputs.pt", out.with_name("inputs.pt"))
