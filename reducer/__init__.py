"""reducer: minimal, signed, regression-tested MLIR repros of triton-ascend compiler failures."""

__version__ = "0.1.0"
