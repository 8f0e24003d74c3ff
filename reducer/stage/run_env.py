"""The environment knobs a replay runs under: what makes a nondeterministic (heap) bug show or hide.

One type, parsed from `--env KEY=VALUE` and from artifacts, written into artifacts (`as_dict`) and into a
repro's RUN line (`env KEY=VALUE tool ...`), like `Options`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reducer.errors import UsageError
from reducer.stage.boolean import parse_bool

# glibc tunables as glibc spells them: `glibc.malloc.tcache_count=0:glibc.malloc.perturb=204`.
_TUNABLES = re.compile(r"^glibc\.[\w.]+=\w+(?::glibc\.[\w.]+=\w+)*$")
_KEYS = ("ASLR", "MALLOC_PERTURB_", "MALLOC_CHECK_", "GLIBC_TUNABLES")


@dataclass(frozen=True)
class RunEnv:
    """Knobs that change how often a nondeterministic crash fires. The default: ASLR off, glibc as it is."""

    aslr: bool = False
    malloc_perturb: int | None = None
    malloc_check: int | None = None
    glibc_tunables: str | None = None

    def variables(self) -> dict[str, str]:
        """The environment variables this adds (ASLR is not one: it is `setarch -R`)."""
        found: dict[str, str] = {}
        if self.malloc_perturb is not None:
            found["MALLOC_PERTURB_"] = str(self.malloc_perturb)
        if self.malloc_check is not None:
            found["MALLOC_CHECK_"] = str(self.malloc_check)
        if self.glibc_tunables is not None:
            found["GLIBC_TUNABLES"] = self.glibc_tunables
        return found

    def label(self) -> str:
        return ", ".join(["aslr on" if self.aslr else "aslr off", *(f"{k}={v}" for k, v in self.variables().items())])

    def knob_label(self) -> str:
        """What differs from the default run, for people ("MALLOC_PERTURB_=204"); "defaults" when nothing."""
        parts = (["ASLR on"] if self.aslr else []) + [f"{k}={v}" for k, v in self.variables().items()]
        return ", ".join(parts) or "defaults"

    def as_dict(self) -> dict[str, object]:
        return {"ASLR": "on" if self.aslr else "off", **self.variables()}

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> RunEnv:
        aslr, perturb, check, tunables = False, None, None, None
        for key, raw in data.items():
            value = str(raw).strip()
            if key == "ASLR":
                parsed = parse_bool(value)
                if parsed is None:
                    raise UsageError(f"env ASLR={value!r}: expected on or off")
                aslr = parsed
            elif key in ("MALLOC_PERTURB_", "MALLOC_CHECK_"):
                if not value.isdigit() or int(value) > 255:
                    raise UsageError(f"env {key}={value!r}: expected a number 0-255", f"e.g. --env {key}=204")
                perturb, check = (int(value), check) if key == "MALLOC_PERTURB_" else (perturb, int(value))
            elif key == "GLIBC_TUNABLES":
                if not _TUNABLES.match(value):
                    raise UsageError(f"env GLIBC_TUNABLES={value!r}: not glibc's tunable syntax",
                                     "e.g. --env GLIBC_TUNABLES=glibc.malloc.tcache_count=0")
                tunables = value
            else:
                raise UsageError(f"unknown --env {key}", "known: " + ", ".join(_KEYS))
        return cls(aslr, perturb, check, tunables)

    @classmethod
    def from_cli(cls, items: Iterable[str], base: RunEnv | None = None) -> RunEnv:
        data = dict((base or cls()).as_dict())
        for item in items:
            if "=" not in item:
                raise UsageError(f"--env {item}: expected KEY=VALUE")
            key, value = item.split("=", 1)
            data[key.strip()] = value
        return cls.from_mapping(data)


DEFAULT_ENV = RunEnv()

# What the hunt for hidden failures tries, cheapest to explain first.
KNOBS: tuple[RunEnv, ...] = (
    RunEnv(aslr=True),
    RunEnv(malloc_perturb=204),
    RunEnv(malloc_perturb=165),
    RunEnv(malloc_perturb=85),
    RunEnv(malloc_check=3),
    RunEnv(glibc_tunables="glibc.malloc.tcache_count=0"),
    RunEnv(glibc_tunables="glibc.malloc.perturb=204"),
    RunEnv(aslr=True, malloc_perturb=204),
)
