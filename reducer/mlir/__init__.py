"""MLIR as text and as an xdsl module, and small IR-surgery helpers shared by the passes.

- `lexical` (string literals and comments) and `symbols` (a kernel's name) read text with no parse and no xdsl;
- `module` parses and prints generic form and counts ops; `ops` names an op, registered or not;
- `funcs`, `structure`, `values`: what passes need to edit a module and keep it valid.

Imports nothing but `reducer.errors`, xdsl and the standard library. This file re-exports nothing: importing a
module here does not load xdsl.
"""
