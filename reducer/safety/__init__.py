"""Text that leaves the tool: lit-safety of written IR, shell quoting, redaction, the secret table, the leak scan.

May import `stage/` (tool names), `mlir/` (the lexer) and `reducer.errors`.
"""
