# lit configuration for repros/: every file is one compiler bug, replayed with bare tool names.
# The tools come from the installed wheels (the same locator as `reducer check`), FileCheck is pip's
# `filecheck`, and `not` (with --crash) is our own script: no LLVM install needed.
# ruff: noqa: F821  (lit injects `config` and `lit_config`)

import os
import shutil
import sys

import lit.formats

root = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, root)

config.name = "reducer-repros"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = root
config.test_exec_root = os.path.join(root, "build", "lit")
config.excludes = ["tests", "reducer", "examples", "bench", "build", "Inputs", "venv", ".venv", "Output"]
config.environment["FILECHECK_OPTS"] = ""

from reducer.errors import ToolNotFound  # noqa: E402
from reducer.toolchain import Stage, locate  # noqa: E402

for stage in Stage:
    try:
        tool = locate(stage)
    except ToolNotFound as err:
        lit_config.note(f"{stage.tool_name} not found: {err.one_line()}")
        continue
    config.available_features.add(stage.tool_name)
    # Only a bare word at a command position: not inside paths or other names.
    config.substitutions.append((rf"(?<![\w/.-]){stage.tool_name}(?![\w.-])", str(tool.path)))

filecheck = shutil.which("filecheck", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
if filecheck is None:
    lit_config.fatal("pip's `filecheck` not found: pip install filecheck")
config.substitutions.append((r"(?<![\w/.-])FileCheck(?![\w.-])", filecheck))

# Put our `not` first on PATH: lit's internal shell forwards `not --crash` to an external `not`.
tools = os.path.join(root, "reducer", "lit_tools")
config.environment["PATH"] = os.pathsep.join([tools, os.path.dirname(sys.executable), os.environ.get("PATH", "")])
# Same replay conditions as `reducer check`: no symbolization (fast, stable) and no leaked user settings.
config.environment["LLVM_DISABLE_SYMBOLIZATION"] = "1"
