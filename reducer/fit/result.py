"""What a fit search found for one unit, in the shape triage.json's `resource` field promises:

    {"kind", "requires_bits", "available_bits", "ratio",
     "fit": {"config", "changes", "requires_bits", "ir"} | null, "tried": N, ...}

`fit.ir` is the fitting config's input to the failing stage, relative to the folder the result is written for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reducer.fit.verdict import Verdict


@dataclass
class Fit:
    config: dict[str, Any]  # every compile-time parameter of the fitting specialisation
    changes: dict[str, Any]  # the ones that differ from the user's
    requires_bits: int | None  # null where the compiler prints no usage for a kernel that fits
    ir: Path
    shrinks_data: list[str] = field(default_factory=list)  # changed parameters not named like a block size


@dataclass
class Anomaly:
    rule: str  # "smallest-overflows" or "equivalent-form-fits"
    detail: str


@dataclass
class FitResult:
    kernel: str
    kind: str | None = None
    requires_bits: int | None = None
    available_bits: int | None = None
    fit: Fit | None = None
    tried: int = 0
    implied: int = 0  # candidates not compiled: a smaller one already overflowed
    reason: str | None = None  # why there is no fit (no source, nothing to shrink, none fits, budget)
    anomaly: Anomaly | None = None
    autotune: dict[str, Any] | None = None  # which configs of the kernel's list fit
    seconds: float = 0.0
    cache_hits: int = 0
    overflowed_first: int = 0  # fits whose tool printed a capacity diagnostic on an earlier attempt
    tried_log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.requires_bits and self.available_bits:
            return round(self.requires_bits / self.available_bits, 3)
        return None

    def limit_from(self, verdict: Verdict) -> None:
        self.kind, self.requires_bits, self.available_bits = verdict.kind, verdict.requires_bits, verdict.available_bits

    def summary(self) -> str:
        """One line for people: the suggestion."""
        if self.fit is not None:
            changes = ", ".join(f"{k}={v}" for k, v in self.fit.changes.items()) or "as captured"
            text = f"fits with {changes}"
            if self.fit.shrinks_data:
                text += f" (shrinks {', '.join(self.fit.shrinks_data)}: may be the data's size; loop over blocks)"
        else:
            text = f"none fits: {self.reason}" if self.reason else "none fits"
        if self.autotune:
            text += f"; {self.autotune['sentence']}"
        if self.anomaly is not None:
            text += f"; ANOMALY ({self.anomaly.rule}): {self.anomaly.detail}"
        return text

    def to_dict(self, relative_to: Path | None = None) -> dict[str, Any]:
        fit = None
        if self.fit is not None:
            ir = self.fit.ir
            if relative_to is not None:
                try:
                    ir = ir.relative_to(relative_to)
                except ValueError:
                    pass
            fit = {"config": self.fit.config, "changes": self.fit.changes, "requires_bits": self.fit.requires_bits,
                   "ir": str(ir), "shrinks_data": self.fit.shrinks_data}
        out: dict[str, Any] = {
            "kind": self.kind, "requires_bits": self.requires_bits, "available_bits": self.available_bits,
            "ratio": self.ratio, "fit": fit, "tried": self.tried, "implied": self.implied,
            "seconds": round(self.seconds, 2), "cache_hits": self.cache_hits, "summary": self.summary(),
            "anomaly": None if self.anomaly is None else {"rule": self.anomaly.rule, "detail": self.anomaly.detail},
        }
        if fit is None:
            out["reason"] = self.reason
        if self.autotune is not None:
            out["autotune"] = self.autotune
        return out
