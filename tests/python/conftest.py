import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


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
