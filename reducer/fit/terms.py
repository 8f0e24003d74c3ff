"""The fit search's words, shared by the driver and the worker without importing either (a leaf module)."""

from __future__ import annotations

# One candidate's verdict.
FITS = "fits"
OVERFLOWS = "overflows"
FAILS = "fails"  # another failure: not this limit (a compiler bug a smaller config walks into, or a hang)

# The structurally equivalent forms the anomaly rule compiles: name -> (as written, its equivalent).
VARIANTS = {"range-for-static-range": ("tl.static_range(", "tl.range(")}
