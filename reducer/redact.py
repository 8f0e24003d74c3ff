"""Remove what is private from anything meant for upstream: user, home, host, absolute paths, temp dirs."""

from __future__ import annotations

import getpass
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

# Folders whose absolute paths say nothing private and help a reader (system libraries).
_PUBLIC_PREFIXES = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/include/", "/dev/null", "/bin/", "/usr/bin/")
_ABS_PATH = re.compile(r"(?<![\w.~:/-])/(?:[\w.+@~-]+/)*[\w.+@~-]+")
_TMP = re.compile(r"/(?:tmp|var/tmp|var/folders)/[^\s'\"`:)]*")
_HOME = re.compile(r"/(?:home|Users)/[^/\s'\"`:)]+|/root(?=/|\b)")
# MLIR locations embed the kernel's source path: a file name is enough for upstream.
_LOC_PATH = re.compile(r'loc\("([^"]*)"')


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
        text = _LOC_PATH.sub(lambda m: f'loc("{Path(m.group(1)).name}"', text)
        for word in sorted(self.secrets, key=len, reverse=True):
            if word.startswith("/"):
                text = text.replace(word, "<home>")
            else:
                text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", "<redacted>", text)
        text = _TMP.sub("<tmp>", text)
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
        found += [m.group(0) for m in _HOME.finditer(text)]
        found += [m.group(0) for m in _TMP.finditer(text)]
        found += [
            m.group(0)
            for m in _ABS_PATH.finditer(text)
            if not m.group(0).startswith(_PUBLIC_PREFIXES) and m.group(0).count("/") >= 2
        ]
        return sorted(set(found))
