"""Remove what is private from anything meant for upstream: user, home, host, absolute paths, temp dirs.

Tokens, keys, e-mails, hosts, IPs and Windows paths come from the shared table in `reducer.secrets`, so
redaction (`text`) and the leak check (`leaks`) cannot disagree about them.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

from reducer.safety import secrets as secret_table

# Folders whose absolute paths say nothing private and help a reader (system libraries).
_PUBLIC_PREFIXES = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/include/", "/dev/null", "/bin/", "/usr/bin/")
_ABS_PATH = re.compile(r"(?<![\w.~:/-])/(?:[\w.+@~-]+/)*[\w.+@~-]+")
_TMP = re.compile(r"/(?:tmp|var/tmp|var/folders)/[^\s'\"`:)]*")
_HOME = re.compile(r"/(?:home|Users)/[^/\s'\"`:)]+|/root(?=/|\b)")
# MLIR locations embed the kernel's source path: a file name is enough for upstream.
_LOC_PATH = re.compile(r'loc\("([^"]*)"')
# An MLIR sigil: a word right after it is a bare identifier (`@buildhost`), where `<redacted>` would not parse;
# after `user@` it is prose and keeps the readable placeholder.
_SYMBOL_SIGIL = re.compile(r"(?<![\w.$-])[@%^#!]$")


@dataclass(frozen=True)
class Redactor:
    """Replaces private strings; `secrets` are extra words (a planted user or host name) to hide."""

    secrets: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def for_this_machine(cls, extra: tuple[str, ...] = ()) -> Redactor:
        words: list[str] = list(extra)
        for getter in (getpass.getuser, socket.gethostname, lambda: socket.getfqdn()):
            try:
                value = getter()
            except Exception:  # no passwd entry, no resolver: nothing to hide then
                continue
            if value and len(value) >= 3 and value not in ("root", "localhost"):
                words.append(value)
        home = os.path.expanduser("~")
        if home and home not in ("/", "/root"):
            words.append(home)
        return cls(tuple(dict.fromkeys(words)))

    def text(self, text: str) -> str:
        # The table first, on whole text: cutting a location down to its file name first would leave the tail
        # of `aws_secret_access_key = a/b` behind; a planted host name may be one label of an FQDN it removes.
        text = secret_table.redact(text)
        text = _LOC_PATH.sub(lambda m: f'loc("{Path(m.group(1)).name}"', text)
        words = sorted(self.secrets, key=len, reverse=True)
        for word in words:
            if word.startswith("/"):
                text = text.replace(word, "<home>")
        names = [re.escape(w) for w in words if not w.startswith("/")]
        if names:
            # One pass, so each placeholder is chosen from the text as it was (`zoe@host`, not `<redacted>@host`).
            text = re.sub(rf"(?<![\w])(?:{'|'.join(names)})(?![\w])", _word_placeholder, text)
        text = _TMP.sub(_tmp_placeholder, text)
        text = _ABS_PATH.sub(self._path, text)
        return _HOME.sub("<home>", text)

    @staticmethod
    def _path(m: re.Match[str]) -> str:
        path = m.group(0)
        if path.startswith(_PUBLIC_PREFIXES) or path.count("/") < 2:
            return path
        return "<path>/" + path.rsplit("/", 1)[-1]

    def leaks(self, text: str) -> list[str]:
        """What private data `text` still holds (empty when clean)."""
        found = [
            w
            for w in self.secrets
            if (w in text if w.startswith("/") else re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text))
        ]
        found += [f.text for f in secret_table.find(text)]
        found += [m.group(0) for m in _HOME.finditer(text)]
        found += [m.group(0) for m in _TMP.finditer(text)]
        found += [
            m.group(0)
            for m in _ABS_PATH.finditer(text)
            if not m.group(0).startswith(_PUBLIC_PREFIXES) and m.group(0).count("/") >= 2
        ]
        return sorted(set(found))


def _tmp_placeholder(m: re.Match[str]) -> str:
    """A temporary folder goes, the file's own name stays: a stack frame's `module+0x...` must still name the
    module, or nothing can be symbolized."""
    rest = m.group(0).split("/", 2)[-1] if m.group(0).startswith("/tmp/") else m.group(0).split("/", 3)[-1]
    name = rest.rstrip("/").rsplit("/", 1)[-1]
    return f"<tmp>/{name}" if name else "<tmp>"


def _word_placeholder(m: re.Match[str]) -> str:
    in_symbol = _SYMBOL_SIGIL.search(m.string, max(m.start() - 1, 0), m.start())
    return "REDACTED_NAME" if in_symbol else "<redacted>"
