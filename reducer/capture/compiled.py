"""What a captured launch returns, in place of Triton's `CompiledKernel`.

Libraries keep what `kernel[grid](...)` / `fn.run(...)` returns and launch it again later: FlagGems' LibEntry calls
`kernel[grid](*non_constexpr_args)` on it, launcher caches call `kernel.run(gx, gy, gz, stream, function, ...)`.
Each such launch goes back through the captured `JITFunction.run` with the constexprs and options of the first, so
it is recorded (a new specialisation is a new compile unit) and run on the CPU like any other.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class CapturedKernel:
    """A compiled launch's stand-in: `__getitem__(grid)(*args)`, `run(...)`, `asm`, `metadata`, `name`."""

    def __init__(self, jit: Any, bound: dict[str, Any], launch_options: dict[str, Any], asm: dict[str, str],
                 metadata: dict[str, Any]) -> None:
        self._jit = jit
        self._constexprs = {p.name: bound.get(p.name) for p in jit.params if p.is_constexpr}
        self._options = dict(launch_options)
        self.name = jit.fn.__name__
        self.asm = dict(asm)
        self.metadata = SimpleNamespace(**{"shared": 0, **metadata, "name": self.name})
        self.hash = None
        self.module = None
        self.function = None
        self.packed_metadata = None
        self.n_regs = 0
        self.n_spills = 0

    def _init_handles(self) -> None:
        """Nothing to load: there is no device binary."""

    def launch_metadata(self, grid: Any, stream: Any, *args: Any) -> None:
        return None

    def __getitem__(self, grid: Any) -> Any:
        def runner(*args: Any, stream: Any = None) -> None:
            self._launch(grid, args)

        return runner

    def run(self, grid_0: int, grid_1: int, grid_2: int, stream: Any, function: Any, packed_metadata: Any,
            launch_metadata: Any, enter_hook: Any, exit_hook: Any, *args: Any) -> None:
        """The launcher's own signature, as `JITFunction.run` and launcher caches call it."""
        self._launch((grid_0, grid_1, grid_2), args)

    def _launch(self, grid: Any, args: tuple[Any, ...]) -> None:
        wanted = [p for p in self._jit.params if not p.is_constexpr]
        if len(args) != len(wanted):
            raise TypeError(f"{self.name} takes {len(wanted)} non-constexpr arguments ({len(args)} given)")
        values = iter(args)
        full = [self._constexprs[p.name] if p.is_constexpr else next(values) for p in self._jit.params]
        self._jit.run(*full, grid=tuple(grid), warmup=False, **self._options)

    def __repr__(self) -> str:
        return f"<captured kernel {self.name}>"
