"""The lit configuration of a repros folder: every file is one compiler bug, replayed with bare tool names.

The tools come from the installed wheels (the same locator as `reducer check`, every registered stage),
FileCheck is pip's `filecheck`, and `not` (with --crash) is our own script: no LLVM install needed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from reducer.proc import atomic

CONFIG_NAME = "lit.cfg.py"

# What `reducer save` writes into a repros folder that no lit configuration covers yet.
GENERATED = '''# Written by `reducer save`: this folder is a lit suite of compiler repros (run `lit -sv .`).
# ruff: noqa: F821  (lit injects `config` and `lit_config`)
from reducer.lit_setup import configure

configure(config, lit_config, __file__)
'''


def configure(config: Any, lit_config: Any, cfg_file: str, exec_root: str | None = None) -> None:
    import lit.formats

    from reducer.errors import ToolNotFound
    from reducer.stage.table import all_stages
    from reducer.stage.toolchain import locate

    root = os.path.dirname(os.path.abspath(cfg_file))
    config.name = "reducer-repros"
    config.test_format = lit.formats.ShTest(execute_external=False)
    config.suffixes = [".mlir"]
    config.test_source_root = root
    if exec_root:
        config.test_exec_root = exec_root
    config.excludes = ["tests", "reducer", "examples", "bench", "build", "Inputs", "venv", ".venv", "Output"]
    config.environment["FILECHECK_OPTS"] = ""
    tool_dirs: list[str] = []  # a tool finds its siblings on PATH (an A5 target's `-a5` binary)
    for spec in all_stages():
        try:
            tool = locate(spec)
        except ToolNotFound as err:
            lit_config.note(f"{spec.tool} not found: {err.one_line()}")
            continue
        tool_dirs.append(str(tool.path.parent))
        config.available_features.add(spec.tool)
        # Only a bare word at a command position: not inside paths or other names.
        config.substitutions.append((rf"(?<![\w/.-]){spec.tool}(?![\w.-])", str(tool.path)))
    here = os.path.dirname(sys.executable)
    filecheck = shutil.which("filecheck", path=here + os.pathsep + os.environ.get("PATH", ""))
    if filecheck is None:
        lit_config.fatal("pip's `filecheck` not found: pip install filecheck")
    config.substitutions.append((r"(?<![\w/.-])FileCheck(?![\w.-])", filecheck))
    # Our `not` first on PATH: lit's internal shell forwards `not --crash` to an external `not`.
    tools = str(Path(__file__).resolve().parents[1] / "lit_tools")
    config.environment["PATH"] = os.pathsep.join([tools, here, *tool_dirs, os.environ.get("PATH", "")])
    # Same replay conditions as `reducer check`: no symbolization (fast, stable), no leaked user settings.
    config.environment["LLVM_DISABLE_SYMBOLIZATION"] = "1"
    # Plugin stages must be known to lit's process too.
    if os.environ.get("REDUCER_STAGE_PLUGINS"):
        config.environment["REDUCER_STAGE_PLUGINS"] = os.environ["REDUCER_STAGE_PLUGINS"]


# lit puts a test's path into its RUN lines unquoted (`%s`, `%t`): its internal shell then splits it at whitespace,
# quotes, `\`, `|`, `&`, `;`, `<`, `>`, expands `*` and `?`, and its own substitutions rewrite a `%` in it.
_BREAKS_RUN_LINES = re.compile(r"""[\s"'\\|&;<>*?%]""")


def lit_unsafe(root: Path) -> str | None:
    """Why lit cannot run the suite at `root` (its path holds a character that breaks every RUN line), or None."""
    for path in dict.fromkeys((os.path.abspath(root), os.path.realpath(root))):
        found = _BREAKS_RUN_LINES.search(path)
        if found:
            return (f"{path}: lit puts each test's path into its RUN lines unquoted, and the {found.group(0)!r} in "
                    "this one makes every test of the suite fail; move the suite to a path without spaces, quotes "
                    "or any of \\|&;<>*?%")
    return None


def ensure_config(root: Path) -> Path | None:
    """Give `root` a lit configuration unless it or a parent folder has one; the file written, or None."""
    folder = root.resolve()
    for parent in (folder, *folder.parents):
        if (parent / CONFIG_NAME).is_file() or (parent / "lit.cfg").is_file():
            return None
    path = root / CONFIG_NAME
    atomic.write_text(path, GENERATED)
    return path
