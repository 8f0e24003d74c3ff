"""MLIR text <-> xdsl module, and small IR-surgery helpers shared by the passes."""

from reducer.mlir.module import ParseError, count_ops, op_name, parse_module, print_module, strip_locations

__all__ = ["ParseError", "count_ops", "op_name", "parse_module", "print_module", "strip_locations"]
