"""Two kernels as an installed package would launch them: one that compiles, one whose block pointer has a zero
stride (triton-adapter-opt 3.2.0 asserts on it)."""
