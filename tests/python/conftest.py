import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The package built by `make` (build/python), unless PYTHONPATH already points at one.
if not any("accelgym" in p or p.endswith("python") for p in sys.path[1:]):
    sys.path.insert(0, str(ROOT / "build" / "python"))


@pytest.fixture(scope="session")
def accelgym_bin():
    path = os.environ.get("ACCELGYM_BIN", str(ROOT / "build" / "bin" / "accelgym"))
    if not os.path.exists(path):
        pytest.fail(f"accelgym binary not found at {path}; build first (make)")
    return path


@pytest.fixture
def run(accelgym_bin):
    def _run(*args, check=None):
        proc = subprocess.run([accelgym_bin, *map(str, args)], capture_output=True, text=True,
                              timeout=120)
        if check is not None:
            assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
        return proc
    return _run
