"""A wheel build also fetches the SPARQL query editor (scripts/vendor.py) into the package data.

Everything else about the package is in pyproject.toml.
"""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithVendor(build_py):  # type: ignore[misc]
    def run(self) -> None:
        script = Path(__file__).resolve().parent / "scripts" / "vendor.py"
        if script.exists():
            subprocess.run([sys.executable, str(script)], check=True)
        super().run()


setup(cmdclass={"build_py": BuildWithVendor})
