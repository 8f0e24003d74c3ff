"""A compiler stage: the stage table, NPU options, run environment, toolchain, running a compiler, its printer.

May import `proc/`, `mlir/` and `reducer.errors`.
"""
