"""The one table of secret patterns (tokens, keys, e-mails, hosts, IPs, Windows paths), for redaction and --check.

Each row replaces only its `secret` group with an identifier-safe placeholder (letters, digits, `_`): a secret
may be a bare MLIR symbol (`@build.corp.example.com`), and the redacted IR must still parse and crash the same
way. `redact` and `find` run the same scan, so `--check` finds exactly what redaction would have removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Name suffixes that only exist inside a private network.
_INTERNAL_SUFFIXES = ("home.arpa", "localdomain", "intranet", "internal", "local", "corp", "lan")
# Public TLDs. Left out on purpose, because they are also file suffixes, Python attributes or MLIR op names:
# py sh md so cc cu rs pl ml td pt in id ir mm ps am to is it do as at be no br (`cf.br`), cat (`tt.cat`),
# info (`logger.info`), xyz, app, name, int, zip, mov, store, host.
_PUBLIC_TLDS = (
    "com net org edu gov mil io co ai dev cloud tech site online biz me tv eu "
    "uk de fr jp cn ru us ca au kr ch nl se fi dk es tw hk sg il ie nz za mx tr ua vn cz hu gr pt ro"
).split()
# Public hosts the tool itself prints or links to (trackers, docs, package indexes); subdomains included.
PUBLIC_HOSTS = (
    "github.com",
    "githubusercontent.com",
    "gitcode.com",
    "gitee.com",
    "llvm.org",
    "pypi.org",
    "pythonhosted.org",
    "python.org",
    "pytorch.org",
    "triton-lang.org",
    "hiascend.com",
    "gnu.org",
    "yaml.org",
    "example.invalid",
)

# First labels of dotted names that are MLIR ops, LLVM intrinsics (`llvm.x86.tdpbssd.internal`) or Python
# attributes and modules (`threading.local`, `self.net`, `scipy.io`), never hosts.
_NAMESPACES = frozenset(
    "llvm nvvm rocdl mlir builtin tt ttg triton arith math scf cf func memref tensor linalg vector affine gpu "
    "bufferization index complex spirv hivm hacc hfusion annotation "
    "self cls threading typing torch torchvision torchgen numpy np scipy os sys py".split()
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = "|".join(re.escape(t) for t in sorted((*_INTERNAL_SUFFIXES, *_PUBLIC_TLDS), key=len, reverse=True))
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"


@dataclass(frozen=True)
class SecretKind:
    """One row: what to look for, and the placeholder that replaces its `secret` group."""

    name: str
    pattern: re.Pattern[str]
    placeholder: str
    # Matches that are public after all (a project host): neither redacted nor reported.
    public: Callable[[str], bool] = lambda _text: False


@dataclass(frozen=True)
class Finding:
    """A secret still in a text: the name of the row that found it and the matched part."""

    kind: str
    text: str


def _not_private_host(name: str) -> bool:
    """A dotted name with a TLD that is code (a namespace, a constant, a version) or a public project host."""
    head, tld = name.rsplit(".", 1)
    if name.split(".", 1)[0] in _NAMESPACES:
        return True
    if tld != tld.lower() and name != name.upper():
        return True  # `exitcodes.INTERNAL`, `tokenize.NL`: a constant; hosts are all lower or all upper case
    if not re.search(r"[A-Za-z]", head):
        return True  # `2.1.0.dev`: a version
    return _public_host(name)


def _public_host(host: str) -> bool:
    host = host.lower()
    return any(host == h or host.endswith("." + h) for h in PUBLIC_HOSTS)


# Order matters: a row sees the text after the rows above it ran, so wider secrets come first
# (a whole key block, then credentials inside URLs before the `pw@host` they contain looks like an e-mail).
SECRET_KINDS: tuple[SecretKind, ...] = (
    SecretKind(
        "private_key",
        re.compile(
            r"(?P<secret>-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY-----"
            # A truncated block: the base64 lines that follow, as comment lines or `\n`-escaped.
            r"|(?:(?:\n|\\n)[ \t]*(?://[ \t]*)?[A-Za-z0-9+/=]{16,})*))",
            re.S,
        ),
        "REDACTED_PRIVATE_KEY",
    ),
    SecretKind(
        "url_credentials",
        # The scheme starts where no scheme character precedes: `\b` would retry it after every `.` (quadratic).
        re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://(?P<secret>[^\s/@:\"'<>]*:[^\s/@\"'<>]+)@"),
        "REDACTED_CREDENTIALS",
    ),
    SecretKind(
        "authorization",
        # The whole value up to the end of the line or string: `Basic x`, `Bearer x`, `token x` alike.
        re.compile(
            r"\b[Aa]uthorization[\"']?[ \t]*[:=][ \t]*[\"']?"
            r"(?P<secret>(?!REDACTED_)[^\s\"'\\<>][^\r\n\"'\\<>]*)"
        ),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "bearer_token",
        re.compile(r"\b[Bb]earer[ \t]+(?P<secret>(?!REDACTED_)[A-Za-z0-9._~+/=-]{8,})"),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "github_token",
        re.compile(r"(?<![A-Za-z0-9_])(?P<secret>gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_\w{20,255})(?!\w)"),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "aws_access_key_id",
        re.compile(r"(?<![A-Za-z0-9])(?P<secret>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])"),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "aws_secret_access_key",
        re.compile(
            r"(?i:aws_secret_access_key)[\"']?[ \t]*[:=][ \t]*[\"']?"
            r"(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
        ),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "api_key",
        # `sk-...`, `sk-proj-...`: long, and with a digit, unlike a hyphenated word.
        re.compile(r"(?<![\w-])(?P<secret>sk-(?=[\w-]*\d)[\w-]{20,})(?![\w-])"),
        "REDACTED_TOKEN",
    ),
    SecretKind(
        "email",
        re.compile(
            # Not after a backslash: `"\n@triton.jit"` is an escaped newline before a decorator.
            r"(?<![\w.%+\\-])(?P<secret>(?!REDACTED_)[\w.%+-]+@(?:" + _LABEL + r"\.)+[A-Za-z]{2,24})"
            r"(?![\w$-]|\.[\w$])"
        ),
        "REDACTED_EMAIL",
        # `git@github.com:org/repo`: an SSH remote of a public forge, nobody's address.
        lambda email: email.startswith("git@") and _public_host(email[4:]),
    ),
    SecretKind(
        "windows_path",
        # `C:\x`, `C:\\x` (escaped), `C:/x`; not `s:\n%s` nor MLIR's `x:\0A`, which are escapes after a colon.
        re.compile(
            r"(?<![\w])(?P<secret>[A-Za-z]:(?:\\\\|\\(?![ntr](?![A-Za-z0-9])|[01][0-9A-Fa-f])|/)"
            r"[^\s\"'<>|*?:`(),;\[\]]+)"
        ),
        "REDACTED_PATH",
    ),
    SecretKind(
        "ipv4",
        # Exactly four parts: `19.1.7` or `1.2.3.4.5` are versions.
        re.compile(r"(?<![\w.])(?P<secret>" + _OCTET + r"(?:\." + _OCTET + r"){3})(?!\w|\.\d)"),
        "REDACTED_IP",
        # Loopback and "any" say nothing about a machine.
        lambda ip: ip.startswith("127.") or ip == "0.0.0.0",
    ),
    SecretKind(
        "host",
        # A real TLD is required: `tt.func`, `triton.runtime.jit`, `kernel.ttir.mlir` end in none. Not after an
        # SSA, block, alias or type sigil (`%ret.tr`); after `@` it may well be a symbol named after a host.
        re.compile(r"(?<![\w.$%^#!-])(?P<secret>(?:" + _LABEL + r"\.)+(?:" + _TLD + r"))(?![\w$-]|\.[\w$])", re.I),
        "REDACTED_HOST",
        _not_private_host,
    ),
)


def _scan(text: str) -> tuple[str, list[Finding]]:
    """Run every row in order over `text`: the redacted text and what each row replaced."""
    found: list[Finding] = []
    for kind in SECRET_KINDS:

        def replace(m: re.Match[str], kind: SecretKind = kind) -> str:
            secret = m.group("secret")
            if kind.public(secret):
                return m.group(0)
            found.append(Finding(kind.name, secret))
            start, end = m.start("secret") - m.start(), m.end("secret") - m.start()
            return m.group(0)[:start] + kind.placeholder + m.group(0)[end:]

        text = kind.pattern.sub(replace, text)
    return text, found


def redact(text: str) -> str:
    """`text` with every secret of the table replaced by its placeholder."""
    return _scan(text)[0]


def find(text: str) -> list[Finding]:
    """The secrets `text` still holds, in table order (empty when clean)."""
    return _scan(text)[1]
