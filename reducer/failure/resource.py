"""Capacity diagnostics: the kernel's config does not fit the target's on-chip memory (the user's to fix).

`ub overflow, requires N bits while M bits available!` and its siblings are not compiler bugs: upstream's own
lit tests check them as intended behaviour, and the fix is a smaller block size. This module reads them; the
outcome class that keeps them apart from bugs is `Outcome.RESOURCE_LIMIT`. It imports nothing from the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A number as the compiler prints it, or as a normalized signature message masks it (`<N>`): an old message
# must still be recognised as a capacity diagnostic, though its numbers are gone.
_NUM = r"(\d+|<N>)"


@dataclass(frozen=True)
class _Form:
    """One way a compiler says a buffer does not fit; `bits` converts its unit to bits."""

    name: str
    pattern: re.Pattern[str]
    bits: int


# Every capacity diagnostic the stage binaries print (read off their strings and upstream's sources), one row per
# form. Groups: kind (the address space, as the compiler spells it), requires, available (both optional).
FORMS: tuple[_Form, ...] = (
    # hivm PlanMemory, bishengir-compile and -a5: `ub overflow, requires N bits while M bits available!` (A2/A3
    # add "(possible reason: ...)"); the space is the enum's name: ub, cc (L0C), cbuf (L1), ca, cb. Older
    # releases spelled it `UB overflow`.
    _Form("plan-memory",
          re.compile(rf"\b(?P<kind>[A-Za-z][A-Za-z0-9]*) overflow, requires {_NUM} bits"
                     rf"(?: while {_NUM} bits available!)?"), 1),
    # Triton-Ascend's SIMT shared-memory check inside bishengir-compile-a5 (an `LLVM ERROR`), in bytes.
    _Form("simt-shared-memory",
          re.compile(rf"\b(?P<kind>UB) overflow, requires at least {_NUM} bytes(?: while only {_NUM} bytes"
                     r" available!)?"), 8),
    # hivm PlanMemory's debug trace (bishengir-compile-a5 with -debug-only): names the space, no numbers.
    _Form("plan-memory-trace",
          re.compile(r"alloc fail,because exceed bound of memory (?:#hivm\.address_space<)?(?P<kind>[A-Za-z]\w*)"), 0),
)

# The compiler's space names as the hardware manuals call them: the unified buffer, the matmul accumulator (L0C),
# L1, and the matmul operand buffers.
SPACES = {"ub": "UB", "cc": "L0C", "cbuf": "L1", "ca": "L0A", "cb": "L0B"}


@dataclass(frozen=True)
class ResourceLimit:
    kind: str  # the address space, lowercase: "ub", "cc", "cbuf", ...
    requires_bits: int | None
    available_bits: int | None

    @property
    def ratio(self) -> float | None:
        """How many times the space the kernel needs: 1.33 means a third too much."""
        if not self.requires_bits or not self.available_bits:
            return None
        return round(self.requires_bits / self.available_bits, 3)

    @property
    def space(self) -> str:
        return SPACES.get(self.kind, self.kind)

    def describe(self) -> str:
        """`UB needs 10485760 bits, 1572864 available (6.667x)`."""
        if self.requires_bits is None:
            return f"{self.space} overflows"
        have = f", {self.available_bits} available" if self.available_bits is not None else ""
        times = f" ({self.ratio:g}x)" if self.ratio is not None else ""
        return f"{self.space} needs {self.requires_bits} bits{have}{times}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "requires_bits": self.requires_bits, "available_bits": self.available_bits,
                "ratio": self.ratio}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResourceLimit:
        def bits(key: str) -> int | None:
            value = data.get(key)
            return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None

        return cls(str(data.get("kind") or "").lower(), bits("requires_bits"), bits("available_bits"))


def _found(text: str) -> list[tuple[int, ResourceLimit]]:
    """(position, limit) of every capacity diagnostic in `text`, in order."""
    hits = []
    for form in FORMS:
        for m in form.pattern.finditer(text):
            numbers = [int(g) * form.bits if g and g.isdigit() else None for g in m.groups()[1:]]
            numbers += [None] * (2 - len(numbers))
            hits.append((m.start(), ResourceLimit(m.group("kind").lower(), numbers[0], numbers[1])))
    return sorted(hits, key=lambda hit: hit[0])


def resource_limit(text: str, kind: str | None = None) -> ResourceLimit | None:
    """The capacity diagnostic in a stage's stderr (or one error line), None when there is none.

    The kind is the first diagnostic's (the one `first_error_line`, and so the signature's key message, picks),
    or `kind` when given. The numbers are the LAST diagnostic's of that kind: bishengir-compile retries a kernel
    that overflows (code motion off, then multi-buffer off; the A5 tool prints one error set per attempt), so
    the last attempt is the least the kernel needs with every relief the compiler tries, the figure a config
    must get under. A form that prints no numbers counts only when no form with numbers is there.
    """
    hits = [limit for _, limit in _found(text)]
    numbered = [h for h in hits if h.requires_bits is not None] or hits
    if not numbered:
        return None
    kind = kind or numbered[0].kind
    same = [h for h in numbered if h.kind == kind]
    return same[-1] if same else None


def is_capacity(line: str | None) -> bool:
    """Whether a diagnostic line (raw or normalized) is a capacity diagnostic."""
    return bool(line) and resource_limit(line or "") is not None
