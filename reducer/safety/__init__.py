"""Text that leaves the tool: lit-safety of written IR, redaction, the secret table, the leak scan.

May import `stage/` (tool names), `mlir/` (the lexer) and `reducer.errors`.
"""
