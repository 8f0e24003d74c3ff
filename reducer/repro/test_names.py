"""The file name of an exported test, in the style of its neighbours upstream.

triton-ascend names a test after the op or feature it exercises, in snake case (`addptr_bitcast.mlir`,
`atomic_rmw.mlir`); AscendNPU-IR's tests are named by what goes wrong, in kebab case, which is what
`suite.slug` already gives. A snake name is the ops the bug needs (the op a diagnostic names first, then the
repro's other ops in order, boilerplate left out) and the message's own few words; a name already taken
gets `_2`, `_3`, ... as upstream's neighbours do, never a hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reducer.failure.signature import Signature
from reducer.mlir.lexical import blank_strings
from reducer.repro.suite import slug

# Ops every kernel has: naming a test after them says nothing.
_BOILERPLATE = frozenset({
    "arith.constant", "tt.return", "tt.func", "func.func", "func.return", "scf.yield", "tt.get_program_id",
    "tt.get_num_programs", "builtin.module", "builtin.unrealized_conversion_cast", "tt.reduce.return",
    "tt.scan.return", "linalg.yield", "hivm.hir.debug",
})
# Words of a message that name no feature.
_FILLER = frozenset(
    "a an the of to in on at is be by for from with that this not no must can cannot does do did has have "
    "still value values op ops failed fail verify verified argument type types operand operands valid assertion "
    "error unreachable executed encounter should sigsegv sigabrt sigbus sigill sigfpe killed signal crash "
    "unknown pass n sym v addr input output remained live after and or same legalize reference into when while "
    "which got expected but".split()
)
_OP = re.compile(r"(?:^|[=\s(])\"?([a-z_][a-z0-9_]*\.[a-z0-9_.]+)\"?(?=[\s(<{:\"]|$)", re.M)
_NAMED_OP = re.compile(r"'([a-z_][a-z0-9_]*\.[a-z0-9_.]+)' op\b")
_MAX_OPS = 2
_MAX_WORDS = 2
_MAX_CHARS = 48


def ops_in(ir: str) -> list[str]:
    """The ops of `ir` in order of first use, boilerplate left out (read from the text: no parse needed)."""
    seen: list[str] = []
    code = "\n".join(line.split("//", 1)[0] for line in blank_strings(ir).splitlines())
    for m in _OP.finditer(code):
        name = m.group(1)
        if name not in _BOILERPLATE and name not in seen and not name.endswith("."):
            seen.append(name)
    return seen


def _short(op: str) -> str:
    """`tt.make_tensor_ptr` -> `make_tensor_ptr`, `hivm.hir.vsort` -> `vsort`."""
    return op.rsplit(".", 1)[-1]


def snake_name(sig: Signature, ir: str) -> str:
    """`<ops>_<words>`: what the test exercises, then what goes wrong."""
    named = _NAMED_OP.findall(sig.message or "")
    ops = [*dict.fromkeys([*named, *ops_in(ir)])][:_MAX_OPS]
    op_words = {w for op in ops for w in _short(op).split("_")}
    words = [
        w for w in re.findall(r"[a-z]+", re.sub(r"'[^']*'|<\w+>|%\S+|@\S+", " ", sig.headline.lower()))
        if len(w) > 2 and w not in _FILLER and w not in op_words
    ]
    parts = [_short(op) for op in ops] + list(dict.fromkeys(words))[:_MAX_WORDS]
    name = "_".join(parts) or sig.outcome.replace("-", "_")
    while len(name) > _MAX_CHARS and "_" in name:
        name = name.rsplit("_", 1)[0]
    return name


def test_file_name(style: str, sig: Signature, ir: str, taken: Callable[[str], bool]) -> str:
    """`<name>.mlir` in `style` ("snake" or "kebab"), the first one `taken` says is free."""
    if style == "snake":
        base, sep = snake_name(sig, ir), "_"
    else:
        base, sep = slug(sig), "-"
    name, n = f"{base}.mlir", 1
    while taken(name):
        n += 1
        name = f"{base}{sep}{n}.mlir"
    return name
