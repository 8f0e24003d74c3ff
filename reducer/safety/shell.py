"""The one policy for command lines the tool writes for a shell: every word from an input is quoted.

Two shells read them: lit's internal shell (repro and upstream-test RUN lines) and bash (issue.md's steps,
reproduce.sh). Which words need quoting is shlex's rule for both; only the spelling differs by sink:

- lit: a word is double-quoted, as LLVM's own RUN lines do, when that reads back exactly (no `"`, `\\`, `$`,
  backtick or newline in it), else single-quoted; `KEY=VALUE` knobs go after `env` (lit has no assignments);
- sh: shlex's single quotes; knobs are plain assignments in front of the command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence

# Characters that keep their meaning inside double quotes (in bash and in lit's lexer alike).
_DOUBLE_QUOTE_ACTIVE = re.compile(r'["\\$`\n]')


def _quote(word: str, lit: bool) -> str:
    quoted = shlex.quote(word)
    if not lit or quoted == word or _DOUBLE_QUOTE_ACTIVE.search(word):
        return quoted
    return f'"{word}"'


def shell_line(argv: Sequence[str], env: Mapping[str, str] | None = None, *, lit: bool = False) -> str:
    """`argv` as one command line, with `env`'s variables set for it; every word quoted for the sink."""
    knobs = [_quote(f"{key}={value}", lit) for key, value in (env or {}).items()]
    words = [_quote(word, lit) for word in argv]
    if knobs and lit:
        knobs.insert(0, "env")
    return " ".join(knobs + words)
