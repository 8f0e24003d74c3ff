"""When a resource limit is a compiler-bug candidate after all. The rule:

- **smallest-overflows**: every power-of-two compile-time parameter at the floor (16) and the kernel still does
  not fit, while no other compile-time integer is above the floor. Nothing the user can tune makes it compile,
  so the compiler (its memory plan) is suspect. An integer the search cannot halve (not a power of two, e.g.
  N=3000) above the floor may be what overflows: then it is the user's config, and the reason names it.
- **equivalent-form-fits**: the kernel as written overflows, but a structurally equivalent form of the same kernel
  at the same config fits (today: `tl.range` for `tl.static_range`, the public report where the unrolled loop
  overflows on A5 and the loop fits). The same computation needs the same memory; the plan is suspect.

Anything else that overflows is the user's config, and the fit search says which config fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reducer.fit.candidates import FLOOR, Candidate, tunables
from reducer.fit.result import Anomaly
from reducer.fit.terms import FITS, VARIANTS

if TYPE_CHECKING:
    from reducer.fit.respecialise import Respecialiser
    from reducer.fit.search import FitSearch
    from reducer.fit.verdict import Verdict

SMALLEST_OVERFLOWS = "smallest-overflows"
EQUIVALENT_FORM_FITS = "equivalent-form-fits"


def untunable(constants: dict[str, object]) -> list[str]:
    """Compile-time integers above the floor the search does not halve: they may be what overflows."""
    return sorted(k for k, v in constants.items()
                  if isinstance(v, int) and not isinstance(v, bool) and v > FLOOR and k not in tunables(constants))


def smallest_overflows(label: str, verdict: Verdict, constants: dict[str, object]) -> Anomaly | None:
    if untunable(constants):
        return None
    return Anomaly(
        SMALLEST_OVERFLOWS,
        f"even the smallest specialisation ({label}) requires {verdict.requires_bits} bits while "
        f"{verdict.available_bits} are available: no config of this kernel fits",
    )


def equivalent_form(search: FitSearch, worker: Respecialiser) -> Anomaly | None:
    """Compile each equivalent form the kernel's source has, at the user's config; the first that fits."""
    for name, (written, equivalent) in VARIANTS.items():
        if written not in worker.src:
            continue
        tried = search.attempt(worker, Candidate((), 0), variant=name)
        if tried.verdict is not None and tried.verdict.status == FITS:
            return Anomaly(
                EQUIVALENT_FORM_FITS,
                f"as written it requires {search.result.requires_bits} bits while {search.result.available_bits} "
                f"are available; the same kernel with `{equivalent.rstrip('(')}` instead of `{written.rstrip('(')}` "
                f"fits at the same config{_needs(tried.verdict)}",
            )
    return None


def _needs(verdict: Verdict) -> str:
    return f" ({verdict.requires_bits} bits)" if verdict.requires_bits else ""
