"""The fit search's worker: `python -m reducer.fit.worker`, one process per unit.

It imports the user's kernel as the captured process did (its sys.path and folder, the NPU stand-in, other
releases' API spellings) with every launch switched off, then answers one request per line: compile the kernel
with these constants (and this source variant) up to the stage that hit the limit, and write that stage's input.
`reducer script --reduce` uses it too: each request names a candidate module file, whose kernel is compiled with
the unit's own arguments (a Python process and its imports per candidate cost more than the compile). The
driver runs the stage itself. Requests and answers are JSON lines; the user's module may print, so answers
go to a copy of the original stdout and everything else to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from reducer.fit.terms import VARIANTS


class LaunchesOff(Exception):
    """A launch while the worker imports the user's module (a script that runs at import)."""


def _launch_refused(*_args: Any, **_kwargs: Any) -> Any:
    raise LaunchesOff("reducer fit: launches are off while the kernel's module is imported")


def setup(job: dict[str, Any]) -> None:
    """The captured process's import path and folder, the NPU stand-in, the aliases, launches off."""
    for entry in reversed(job.get("import_path") or []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    cwd = job.get("cwd")
    if cwd and os.path.isdir(cwd):
        os.chdir(cwd)
    from reducer.capture.aliases import install as install_aliases
    from reducer.npu.finder import install as install_standin

    install_standin()
    install_aliases()
    import triton.runtime.autotuner as autotuner
    import triton.runtime.jit as jit

    from reducer.capture.hook import without_benchmarker

    jit.JITFunction.run = _launch_refused
    autotuner.Autotuner.__init__ = without_benchmarker(autotuner.Autotuner.__init__)


def load(job: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    """The kernel's JITFunction and, for an autotuned kernel, its configs' keywords in list order."""
    import importlib
    import importlib.util

    from triton.runtime.jit import JITFunction

    name = job["module"]
    if name == "__main__":
        if not job.get("file"):
            raise ImportError("the script's file was not recorded")
        spec = importlib.util.spec_from_file_location("__reducer_fit_main__", job["file"])
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {Path(job['file']).name}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit):  # noqa: BLE001 - a script that runs (or exits) at import: its kernels
            # exist before its launches and its argument parsing
            pass
    else:
        module = importlib.import_module(name)
    obj: Any = module
    for part in job["fn_qualname"].split("."):
        obj = getattr(obj, part)
    configs: list[dict[str, Any]] = []
    while not isinstance(obj, JITFunction):
        if hasattr(obj, "configs") and not configs:
            configs = [_config(c) for c in obj.configs]
        if not hasattr(obj, "fn"):
            raise ImportError(f"{job['fn_qualname']} is not a Triton kernel")
        obj = obj.fn
    return obj, configs


def _config(config: Any) -> dict[str, Any]:
    return {k: v for k, v in config.all_kwargs().items() if isinstance(v, (bool, int, float, str)) or v is None}


def variant_of(jit: Any, name: str | None) -> Any:
    """The kernel, or a copy whose source has one construct replaced by its equivalent (None if absent)."""
    if name is None:
        return jit
    import copy

    written, equivalent = VARIANTS[name]
    if written not in jit.src:
        return None
    twin = copy.copy(jit)
    twin.src = jit.src.replace(written, equivalent)
    twin.hash = None
    twin.cache = type(jit.cache)(dict)
    return twin


def source_kernel(job: dict[str, Any], request: dict[str, Any]) -> Any:
    """`reducer script --reduce`'s candidate: the kernel of a module file of its own (imported afresh under a
    name of its own, so Triton reads that file's source), and the job's attributes renumbered to its parameters."""
    import importlib.util

    from triton.runtime.jit import JITFunction

    name = f"__reducer_script_{request['id']}__"
    spec = importlib.util.spec_from_file_location(name, request["file"])
    if spec is None or spec.loader is None:
        raise ImportError("cannot load the candidate")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    obj = getattr(module, job["fn_qualname"].rsplit(".", 1)[-1])
    while not isinstance(obj, JITFunction):
        obj = obj.fn
    return obj


def _renumbered(attrs: dict[str, Any] | None, was: list[str], now: list[str]) -> dict[str, Any] | None:
    """Attribute lists index parameters; after some are dropped, the kept ones move up."""
    if not attrs or not was:
        return attrs
    place = {name: now.index(name) for name in now}
    props = {key: sorted(place[was[i]] for i in indices if i < len(was) and was[i] in place)
             for key, indices in (attrs.get("arg_properties") or {}).items()}
    return {**attrs, "arg_properties": props}


def compile_one(job: dict[str, Any], jit: Any, request: dict[str, Any]) -> dict[str, Any]:
    """One candidate: compile up to the stage and write its input to `request["out"]`."""
    from triton.backends.compiler import AttrsDescriptor, GPUTarget
    from triton.compiler import make_backend

    from reducer.capture.kernel_compile import compile_for_ascend
    from reducer.stage import table as stages

    kernel = source_kernel(job, request) if request.get("file") else variant_of(jit, request.get("variant"))
    if kernel is None:
        return {"id": request["id"], "absent": True}
    make_backend(GPUTarget("npu", job["target"], 0))  # registers the backend's AttrsDescriptor class
    attrs_dict = job.get("attrs")
    if request.get("file"):
        attrs_dict = _renumbered(attrs_dict, job.get("arg_order") or [], [p.name for p in kernel.params])
    attrs = AttrsDescriptor.from_dict(attrs_dict) if attrs_dict else None
    constants = {**job["constants"], **request.get("constants", {})}
    options = {**job["options"], **request.get("options", {})}
    stage = stages.get(job["stage"])
    # record.json sorts its keys; the frontend reads the signature in parameter order.
    names = [p.name for p in kernel.params]
    signature = {n: job["signature"][n] for n in names if n in job["signature"]}
    constants = {k: v for k, v in constants.items() if k in names}
    record = compile_for_ascend(kernel, signature, constants, job["target"], options, attrs, stop_before=stage.name)
    text = record.ir.get(stage.input_kind)
    if record.failed_stage is not None or text is None:
        where = record.failed_stage or "frontend"
        return {"id": request["id"], "error": f"{where}: {_last_line(record.error)}"}
    Path(request["out"]).write_text(text)
    return {"id": request["id"], "path": request["out"]}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


def main() -> int:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the user's module prints goes to stderr, never into the answers
    sys.stdout = sys.stderr
    job = json.loads(sys.stdin.readline())
    try:
        setup(job)
        jit, configs = (None, []) if job.get("sources_only") else load(job)
    except BaseException as err:  # noqa: BLE001 - any failure to reach the kernel is the answer
        answers.write(json.dumps({"ready": False, "error": f"{type(err).__name__}: {err}"[:500]}) + "\n")
        return 0
    answers.write(json.dumps({"ready": True, "configs": configs, "src": getattr(jit, "src", "")}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = compile_one(job, jit, request)
        except Exception as err:  # noqa: BLE001 - one candidate the frontend rejects is that candidate's answer
            answer = {"id": request["id"], "error": f"frontend: {type(err).__name__}: {str(err)[:300]}"}
        answers.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
