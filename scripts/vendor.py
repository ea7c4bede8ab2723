#!/usr/bin/env python3
"""Fetch the SPARQL query editor (YASGUI) from the npm registry into the package, once.

``drivekg serve`` shows ``/sparql`` to a browser as a query editor: @zazuko/yasgui, the
maintained fork of YASGUI (rdfjs/Yasgui; Oxigraph's server made the same switch, and the original
@triply/yasgui has open cross-site-scripting reports in its result table). Its built bundle is not
code this project's authors wrote, so it is never committed: this script takes it from the npm
registry at a pinned version (``npm pack``), checks the tarball against the pinned sha512
integrity, and unpacks the two files the page needs into ``src/drivekg/resources/vendor/yasgui/``
(git-ignored, shipped as package data). Nothing is fetched at run time: no CDN, it works offline.

Run by ``scripts/setup.sh`` and by a wheel build (``setup.py``'s ``build_py``). Without npm it
says so and exits 0 (the server then answers the editor page 503 saying how to install it), or 2
with ``--require``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE, VERSION = "@zazuko/yasgui", "4.6.2"
INTEGRITY = ("sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6B"
             "kSZV2vUuQw==")
FILES = {"package/build/yasgui.min.js": "yasgui.min.js",
         "package/build/yasgui.min.css": "yasgui.min.css"}
TARGET = Path(__file__).resolve().parent.parent / "src" / "drivekg" / "resources" / "vendor" / "yasgui"
STAMP = TARGET / "VERSION"


def say(message: str) -> None:
    print(f"vendor: {message}", file=sys.stderr)


def installed() -> bool:
    return (STAMP.exists() and STAMP.read_text().split() == [f"{PACKAGE}@{VERSION}", INTEGRITY]
            and all((TARGET / name).exists() for name in FILES.values()))


def fetch() -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm is not installed (Debian: apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp,
                        "--silent"], check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("*.tgz"))
        return tarball.read_bytes()


def main(argv: list[str]) -> int:
    if installed():
        say(f"{PACKAGE}@{VERSION} is in place")
        return 0
    try:
        data = fetch()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        say(f"cannot fetch {PACKAGE}@{VERSION}: {exc}; /sparql will have no query editor")
        return 2 if "--require" in argv else 0
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        say(f"{PACKAGE}@{VERSION}: the tarball's integrity is {digest}, not the pinned one")
        return 2
    TARGET.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in FILES.items():
            source = tar.extractfile(member)
            if source is None:
                say(f"{PACKAGE}@{VERSION} has no {member}")
                return 2
            (TARGET / name).write_bytes(source.read())
    STAMP.write_text(f"{PACKAGE}@{VERSION}\n{INTEGRITY}\n")
    say(f"{PACKAGE}@{VERSION} unpacked into {TARGET.relative_to(TARGET.parents[4])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
