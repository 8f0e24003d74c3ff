"""`--expect SIG`: the bug a command is told to look for, from an id, a signature file or a repro.

It lives with the command line because it reads artifacts: `failure/` may not import `repro/`, whose header
reader (`repro.artifact.header_of`) is the one that reads a repro's first line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reducer.errors import InputError, SignatureFileError
from reducer.failure.signature import Expectation, Signature
from reducer.repro.artifact import header_of

_ID = re.compile(r"^[0-9a-f]{12}$")


def parse_expectation(arg: str, strict: bool = False) -> Expectation:
    """An id (12 hex digits), a signature JSON file (`reducer check --json`, a report's signature.json), or a
    repro whose header line holds the JSON."""
    if _ID.match(arg):
        return Expectation(arg, None, strict)
    path = Path(arg)
    if not path.is_file():
        raise SignatureFileError(
            f"--expect {arg}: neither a 12-digit signature id nor a file",
            "pass the id printed by `reducer check` or a signature.json",
        )
    from reducer.stage.source import read_regular

    text = read_regular(path).decode("utf-8", "replace")  # bounded: a signature file is small
    data = _signature_file(text) or _repro_header(text)
    if data is None:
        raise SignatureFileError(f"--expect {arg}: no signature JSON found in the file", "use `reducer check --json`")
    try:
        return Expectation.of(Signature.from_dict(data), strict)
    except (TypeError, ValueError, KeyError, AttributeError) as err:  # the right keys holding the wrong types
        raise SignatureFileError(f"--expect {arg}: the signature in the file is malformed ({type(err).__name__})",
                                 "use `reducer check --json`") from None


def _signature_file(text: str) -> dict[str, Any] | None:
    """A signature as JSON, bare or as the `signature` of `reducer check --json`."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the decoder goes: not a signature
        return None
    if isinstance(data, dict) and isinstance(data.get("signature"), dict):
        data = data["signature"]
    return data if isinstance(data, dict) and "stage" in data and "outcome" in data else None


def _repro_header(text: str) -> dict[str, Any] | None:
    try:
        return header_of(text)
    except InputError:
        return None
