"""Processes, bounded output, atomic writes, locks and the output guard: knows no compiler.

May import only `reducer.errors` and the standard library.
"""
