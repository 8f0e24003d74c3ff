"""A launch's arguments as the capture record keeps them: enough to launch the kernel again from a script.

A tensor is its dtype, shape, strides, storage offset and storage size (in elements), never its data unless
asked (`with_data`, within a cap, to a file beside the record); a scalar is its value; `None` stays `None`.
Runs inside the user's process, beside `hook`: no Triton import, torch only through the values it is given.
"""

from __future__ import annotations

from typing import Any

# A tensor's data is kept for `--with-data` only up to this many bytes per launch.
DATA_CAP = 64 << 20


def _tensor(value: Any) -> dict[str, Any]:
    storage = value.untyped_storage()
    return {
        "kind": "tensor",
        "dtype": str(value.dtype).removeprefix("torch."),
        "shape": [int(d) for d in value.shape],
        "stride": [int(s) for s in value.stride()],
        "offset": int(value.storage_offset()),
        "storage": int(storage.nbytes()) // max(int(value.element_size()), 1),
        "device": str(value.device),
    }


def describe(value: Any) -> dict[str, Any]:
    """One argument: a tensor's layout, a scalar's value, or what it is when it is neither."""
    if value is None:
        return {"kind": "none"}
    if hasattr(value, "untyped_storage") and hasattr(value, "stride"):
        return _tensor(value)
    if isinstance(value, bool):
        return {"kind": "scalar", "type": "bool", "value": value}
    if isinstance(value, int):
        return {"kind": "scalar", "type": "int", "value": value}
    if isinstance(value, float):
        return {"kind": "scalar", "type": "float", "value": value}
    if isinstance(value, str):
        return {"kind": "scalar", "type": "str", "value": value}
    dtype = getattr(value, "dtype", None)  # a tl.constexpr or a numpy scalar
    inner = getattr(value, "value", None)
    if isinstance(inner, (bool, int, float, str)):
        return describe(inner)
    return {"kind": "other", "repr": repr(value)[:200], **({"dtype": str(dtype)} if dtype is not None else {})}


def describe_all(bound: Any) -> dict[str, dict[str, Any]]:
    """Every bound argument by name, in the kernel's parameter order."""
    items = bound.items() if hasattr(bound, "items") else getattr(bound, "arguments", {}).items()
    return {str(name): describe(value) for name, value in items}


def tensor_data(bound: Any, cap: int = DATA_CAP) -> dict[str, Any] | None:
    """The tensors' contents as CPU copies, name -> tensor, when all of them fit in `cap` bytes."""
    items = bound.items() if hasattr(bound, "items") else getattr(bound, "arguments", {}).items()
    tensors = {name: v for name, v in items if hasattr(v, "untyped_storage")}
    if sum(int(t.untyped_storage().nbytes()) for t in tensors.values()) > cap:
        return None
    return {name: t.detach().to("cpu").clone() for name, t in tensors.items()}


DATA_FILE = "inputs.pt"
SOURCE_CAP = 8 << 20  # the kernel's file, hashed
ENV_WITH_DATA = "REDUCER_CAPTURE_DATA"  # set by `capture --with-data`: keep the tensors' contents too


def keep(record: dict[str, Any], bound: Any) -> dict[str, Any] | None:
    """Put the launch's arguments (and its source file's hash) in its record; with `capture --with-data`, return
    their contents for `save` (None otherwise, or past the cap, which the record then says)."""
    import hashlib
    import os

    record["args"] = describe_all(bound)
    record["arg_order"] = list(record["args"])  # the record is written with sorted keys
    source = str(record.get("source") or "").rsplit(":", 1)[0]
    try:  # what `reducer script` checks the file against: a kernel edited since the capture is refused
        with open(source, "rb") as fh:
            record["source_sha1"] = hashlib.sha1(fh.read(SOURCE_CAP + 1)).hexdigest()
    except OSError:
        pass
    if os.environ.get(ENV_WITH_DATA) != "1":
        return None
    data = tensor_data(bound)
    if data is None:
        record["data"] = f"not kept: the tensors pass {DATA_CAP >> 20} MiB"
    return data


def save(folder: Any, record: dict[str, Any], data: dict[str, Any] | None) -> None:
    """`inputs.pt` in the unit's folder (made by then, safely, by the record's first write)."""
    if data is None:
        return
    import io

    import torch

    from reducer.proc import atomic

    buf = io.BytesIO()
    torch.save(data, buf)
    atomic.write_bytes(folder / DATA_FILE, buf.getvalue())
    record["data"] = DATA_FILE
