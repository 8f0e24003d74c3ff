"""`repro.py`: one captured launch as a self-contained script, the kind a tracker's maintainers ask for.

The kernel's own source (`kernel_source`), its grid, its compile-time parameters (an autotuned kernel's one
config), its compile options and tensors of the recorded shapes, dtypes and strides (random values, or with
`--with-data` the captured ones from `inputs.pt` beside the script). It imports `torch_npu` and puts tensors on
`device="npu"`: it runs as is on an Ascend host, and anywhere under `reducer capture/sweep -- python repro.py`,
which stands in for the NPU.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.errors import InputError
from reducer.script.kernel_source import KernelSource, extract
from reducer.stage.source import read_regular

_SOURCE_BYTES = 8 << 20
_FLOAT = ("float16", "bfloat16", "float32", "float64")
_HELPERS = '''

def _tensor(shape, stride, offset, storage, dtype, device):
    """A tensor of the captured layout (shape, strides, offset into its storage), random values."""
    if dtype.is_floating_point:
        base = torch.randn(storage, dtype=torch.float32)
    elif dtype == torch.bool:
        base = torch.randint(0, 2, (storage,))
    else:
        base = torch.randint(0, 8, (storage,))
    return base.to(dtype).to(device).as_strided(shape, stride, offset)
'''


@dataclass(frozen=True)
class Script:
    text: str
    kernel: str
    needs: list[str]  # modules of the user's project the script still imports
    data: bool  # the script loads inputs.pt


def source_text(record: dict[str, Any], roots: list[Path]) -> tuple[str, Path]:
    """The kernel's file as captured: InputError when it cannot be read or changed since (its sha1)."""
    where = str(record.get("source") or "")
    file = where.rsplit(":", 1)[0] if ":" in where else where
    if not file:
        raise InputError("the capture recorded no source file for this kernel",
                         "capture it with `reducer capture -- CMD`")
    path = Path(file)
    for candidate in [path] if path.is_absolute() else [r / path for r in roots]:
        try:
            data = read_regular(candidate, _SOURCE_BYTES, "a kernel source")
        except InputError:
            continue
        expected = record.get("source_sha1")
        if expected and hashlib.sha1(data).hexdigest() != expected:
            raise InputError(f"{candidate}: changed since the capture (its recorded hash does not match)",
                             "capture the program again")
        return data.decode("utf-8", errors="replace"), candidate
    raise InputError(f"{file}: the kernel's source file cannot be read", "run from the folder the capture ran in")


def _value(arg: dict[str, Any]) -> str:
    if arg.get("kind") == "scalar":
        return repr(arg.get("value"))
    if arg.get("kind") == "none":
        return "None"
    return "None  # " + str(arg.get("repr", "an argument the capture could not describe"))[:80].replace("\n", " ")


def _tensor_line(name: str, arg: dict[str, Any], data: bool) -> str:
    if data:
        return f"    {name} = inputs[{name!r}].to(device)"
    dtype = str(arg.get("dtype", "float32"))
    shape, stride = tuple(arg.get("shape") or ()), tuple(arg.get("stride") or ())
    return (f"    {name} = _tensor({shape}, {stride}, {int(arg.get('offset', 0))}, {int(arg.get('storage', 1))}, "
            f"torch.{dtype}, device)")


def render(record: dict[str, Any], roots: list[Path], *, with_data: bool = False,
           source: KernelSource | None = None) -> Script:
    """The script of the launch a capture record describes; InputError when its source or arguments are missing."""
    kernel = str(record.get("fn_qualname") or record.get("kernel") or "")
    given: dict[str, dict[str, Any]] = record.get("args") or {}
    order = [n for n in record.get("arg_order") or [] if n in given] or list(given)
    args = {name: given[name] for name in order}
    if not args:
        raise InputError("the capture recorded no launch arguments for this unit",
                         "capture it again with this version of reducer")
    if source is None:
        text, _ = source_text(record, roots)
        try:
            source = extract(text, kernel.rsplit(".", 1)[-1])
        except (ValueError, SyntaxError) as err:
            raise InputError(f"cannot cut the kernel out of its file: {err}", "the kernel must be at module level") \
                from None
    data = with_data and record.get("data") == "inputs.pt"
    runtime = set(record.get("signature") or {})
    lines = ["def main():", "    torch.manual_seed(0)", '    device = "npu"']
    if data:
        lines.append('    inputs = torch.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "inputs.pt"))')
    positional, keywords = [], []
    for name, arg in args.items():
        if arg.get("kind") == "tensor":
            lines.append(_tensor_line(name, arg, data))
            value = name
        else:
            value = _value(arg)
        (positional if name in runtime else keywords).append((name, value))
    # Launch keywords that are not the kernel's parameters (as captured) are compile options (num_warps, ...).
    params = set(args) | set(record.get("constants") or {}) | runtime
    options = {k: v for k, v in (record.get("launch_options") or {}).items() if k not in params}
    options.update({k: v for k, v in (record.get("autotune_config") or {}).items() if k not in params})
    defaults = _backend_defaults()  # an autotuner passes every option of its Config: the defaults need not show
    options = {k: v for k, v in options.items() if k not in defaults or defaults[k] != v}
    call = [v for _, v in positional] + [f"{k}={v}" for k, v in keywords] + [f"{k}={v!r}" for k, v in options.items()]
    grid = tuple(record.get("grid") or (1,))
    lines.append(f"    {source.kernel}[{grid}](" + ", ".join(call) + ")")
    head = _header(record, source, data)
    body = "\n\n\n".join(source.definitions)
    helpers = [_HELPERS.strip("\n")] if any("_tensor(" in line for line in lines) else []
    parts = [head, body, *helpers, "\n".join(lines), 'if __name__ == "__main__":\n    main()']
    text = "\n\n\n".join(parts) + "\n"
    return Script(text, source.kernel, source.needs, data)


def _backend_defaults() -> dict[str, Any]:
    """The Ascend backend's option defaults (what a launch without the keyword compiles with); empty when the
    backend cannot be imported, and then every option stays in the launch."""
    try:
        import dataclasses

        from triton.backends.ascend.compiler import NPUOptions
    except Exception:  # noqa: BLE001 - an absent or broken backend only costs a longer launch line
        return {}
    return {f.name: f.default for f in dataclasses.fields(NPUOptions) if f.default is not dataclasses.MISSING}


def _header(record: dict[str, Any], source: KernelSource, data: bool) -> str:
    target = record.get("target") or "Ascend910B3"
    failed = record.get("failed_stage")
    said = f"fails in {failed}" if failed else f"outcome {record.get('outcome', 'unknown')}"
    imports = ["import torch", "import torch_npu  # noqa: F401  (an Ascend host; reducer stands in for it elsewhere)",
               "import triton", "import triton.language as tl"]
    if data:
        imports.insert(0, "import os")
    imports += [i for i in source.imports if i not in imports and i not in ("import torch", "import triton")]
    needs = f"\nIt imports these modules of the project: {', '.join(source.needs)}." if source.needs else ""
    doc = (f'"""{source.kernel}: one launch as captured ({said} for {target}).\n\n'
           f"Run it on an Ascend host as is, or anywhere with `reducer capture --target {target} -- python "
           f'repro.py`.{needs}\n"""')
    return doc + "\n\n" + "\n".join(imports)
